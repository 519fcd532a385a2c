"""Backup and restore of the whole system: the database (SQLite online-backup API or pg_dump) plus the
file stores (data-exchange snapshots, uploaded documents), with a manifest of sha256 sums so a restore
refuses a damaged backup."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise RuntimeError(f"找不到 {name}，请安装 PostgreSQL 客户端")
    return str(candidates[-1])


def _pg_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["-h", str(s["HOST"]), "-p", str(s["PORT"]), "-U", str(s["USER"]), "-d", str(s["NAME"])]
    return args, {**os.environ, "PGPASSWORD": str(s["PASSWORD"] or "")}


def _stores() -> list[Path]:
    return [Path(settings.SNAPSHOT_DIR), Path(settings.MEDIA_ROOT)]


def backup_create(*, out: Path) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise ValueError(f"备份目录{out}不为空")
    files: dict[str, str] = {}
    if connection.vendor == "sqlite":
        target = out / "db.sqlite3"
        src = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        dst = sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        target = out / "db.dump"
        args, env = _pg_args()
        subprocess.run([_pg_tool("pg_dump"), "-Fc", "-f", str(target), *args], check=True, env=env)  # noqa: S603
    files[target.name] = _sha256(target)
    archive = out / "files.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for store in _stores():
            if store.exists():
                tar.add(store, arcname=store.name)
    files[archive.name] = _sha256(archive)
    manifest: dict[str, object] = {
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "vendor": connection.vendor,
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def backup_restore(*, source: Path) -> dict[str, object]:
    manifest: dict[str, Any] = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        if _sha256(source / name) != digest:
            raise ValueError(f"备份文件{name}校验失败，拒绝恢复")
    if manifest["vendor"] != connection.vendor:
        raise ValueError(f"备份来自{manifest['vendor']}，当前数据库是{connection.vendor}")
    connection.close()
    if connection.vendor == "sqlite":
        db_path = Path(str(settings.DATABASES["default"]["NAME"]))
        src = sqlite3.connect(str(source / "db.sqlite3"))
        dst = sqlite3.connect(str(db_path))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        args, env = _pg_args()
        subprocess.run(  # noqa: S603
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", *args, str(source / "db.dump")],
            check=True,
            env=env,
        )
    for store in _stores():
        if store.exists():
            shutil.rmtree(store)
    with tarfile.open(source / "files.tar.gz", "r:gz") as tar:
        for store in _stores():
            members = [
                m for m in tar.getmembers() if m.name == store.name or m.name.startswith(store.name + "/")
            ]
            tar.extractall(store.parent, members=members, filter="data")
    return manifest
