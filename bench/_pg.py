"""A throw-away PostgreSQL server for benchmarks (initdb in a temp dir, loopback only), unless PG* env
variables already point at one."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator


def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def postgres(port: int = 55433) -> Iterator[dict[str, str]]:
    if os.environ.get("PGHOST"):
        yield {k: v for k, v in os.environ.items() if k.startswith("PG")}
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        raise SystemExit("需要 PostgreSQL（apt-get install postgresql）")
    pg = bins[-1]
    root = tempfile.mkdtemp(prefix="minzheng-bench-pg-")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    subprocess.run(
        _as_pg([f"{pg}/initdb", "-D", f"{root}/data", "-U", "postgres", "-A", "trust"]),
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB"
    subprocess.run(
        _as_pg([f"{pg}/pg_ctl", "-D", f"{root}/data", "-l", f"{root}/log", "-w", "-o", opts, "start"]),
        check=True,
        capture_output=True,
    )
    try:
        env = {"PGHOST": "127.0.0.1", "PGPORT": str(port), "PGUSER": "postgres", "PGDATABASE": "postgres"}
        time.sleep(0.2)
        yield env
    finally:
        subprocess.run(
            _as_pg([f"{pg}/pg_ctl", "-D", f"{root}/data", "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
