"""Import of monthly data-exchange snapshots (shared/docs/exchange.md) into the Parquet store.

Policy (also printed by ``minzheng exchange import``):

* Row level — every row of every file is validated (columns, types, ID check digit, dates, negative
  money, enumerations, duplicates; per-source rules in validation.py). A bad row is left out of the
  store and reported in ``rejects.csv`` (source, file, line, masked ID number, reason in Chinese); the
  snapshot is still ACCEPTED with the remaining rows.
* Structural — the whole snapshot is REJECTED and nothing is stored when manifest.json is missing or
  invalid, its month differs from the folder name, persons is not delivered, or a file is unusable:
  missing, unreadable, missing columns, sha256 or row count different from the manifest, or more than
  half of its rows rejected (a wholesale format error rather than bad rows).
* Atomic — files are validated into SNAPSHOT_DIR/.staging/<tmp>/, fsynced, renamed in one step to
  SNAPSHOT_DIR/store/YYYY-MM-<sha8>/, and only then recorded in the database in one transaction (with
  the audit row). The latest accepted database row of a month is that month's current snapshot, so a
  kill at any point leaves the previous snapshot current; leftovers (staging dirs, a store dir whose
  database row never committed) are removed at the next import.
* Idempotent — the manifest's SHA-256 identifies a snapshot: importing it again changes nothing ("已导入").
* No plaintext ID at rest — ID numbers are validated, then replaced by person keys (pseudonym.py) before
  any row is written; rejects.csv holds masked IDs; values echoed in reasons, errors and job progress
  are redacted. An uploaded archive is saved under a random name, never its own.
* Followers — once an accepted snapshot is committed, the apps registered in hooks.py follow it
  (monitoring prepares the month's screening facts); exchange imports none of them.
* Jobs (jobs.py) — the background job's outcome is written in the transaction that records the
  snapshot, and an uploaded snapshot's followers (monitoring screens the month) then run in the same
  worker. Retention is purge.py.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.pii import redact

from . import hooks, pseudonym, store
from .contract import SOURCES
from .models import ImportJob, ImportJobStatus, Snapshot, SnapshotSource, SnapshotStatus
from .validation import (
    REJECT_SCHEMA,
    SPECS,
    Context,
    FileCounts,
    StructuralError,
    csv_header,
    mask_ids,
    parquet_columns,
    read_batches,
    target_schema,
    validate_batch,
)

logger = logging.getLogger(__name__)
POLICY_TEXT = (
    "处理规则：逐行校验；不合格的行剔除并记入拒收报告，快照其余部分照常接收。"
    "清单缺失或无效、月份与目录名不符、缺少人口库（persons）、文件缺失或无法读取、缺列、"
    "sha256或行数与清单不符、某文件超过一半的行不合格时，整份快照拒收，不保存任何数据。"
)
MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
STORE_NAME_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-[0-9a-f]{8}")
PREVIEW_ROWS = 200
MIN_ROWS_FOR_RATIO = 20  # the "more than half rejected" rule applies from this many rows


class SnapshotBusyError(Exception):
    """Another import or purge holds the snapshot store lock."""


@dataclass
class SourceResult:
    source: str
    department: str
    file: str
    sha256: str
    delivered: int  # rows in the file (manifest "rows")
    rows: int = 0  # rows stored
    rejected: int = 0


@dataclass
class ImportResult:
    status: str  # SnapshotStatus.ACCEPTED | SnapshotStatus.REJECTED | "already"
    month: str
    manifest_sha256: str
    snapshot: Snapshot | None = None
    sources: list[SourceResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # why the snapshot was rejected
    warnings: list[str] = field(default_factory=list)
    rejects_preview: list[dict[str, Any]] = field(default_factory=list)  # first PREVIEW_ROWS rejects
    rejects_file: Path | None = None
    recovered: list[str] = field(default_factory=list)  # leftovers of interrupted imports removed
    seconds: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.status == SnapshotStatus.ACCEPTED

    @property
    def total_rows(self) -> int:
        return sum(s.rows for s in self.sources)

    @property
    def rejected_rows(self) -> int:
        return sum(s.rejected for s in self.sources)

    @property
    def message(self) -> str:
        if self.status == "already":
            sha8 = self.manifest_sha256[:8]
            return f"已导入：{self.month}快照（清单sha256 {sha8}）此前已接收，本次未做任何更改"
        if self.accepted:
            return (
                f"已接收：{self.month}快照，{len(self.sources)}个数据源，接收{self.total_rows:,}行，"
                f"拒收{self.rejected_rows:,}行"
            )
        return f"已拒收：{self.month or '未知月份'}快照整体拒收，未保存任何数据：" + "；".join(self.errors)


@dataclass
class _Plan:
    source: str
    department: str
    path: Path
    sha256: str
    rows: int


# ----------------------------------------------------------------------------- filesystem helpers
def _root() -> Path:
    return Path(settings.SNAPSHOT_DIR)


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One import or purge at a time (flock: released by the kernel if the process is killed)."""
    store.private_dir(root)
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SnapshotBusyError("另一个快照导入或清理正在进行，请稍后再试") from None
        yield
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _recover(root: Path) -> list[str]:
    """Remove what an interrupted import or purge left: every staging dir, and store dirs that no
    accepted database row points to (renamed, but the transaction never committed)."""
    removed: list[str] = []
    staging = root / ".staging"
    if staging.is_dir():
        for child in staging.iterdir():
            _remove(child)
            removed.append(f".staging/{child.name}")
    store_dir = root / "store"
    if store_dir.is_dir():
        referenced = set(
            Snapshot.objects.filter(status=SnapshotStatus.ACCEPTED).values_list("path", flat=True)
        )
        for child in store_dir.iterdir():
            rel = f"store/{child.name}"
            if STORE_NAME_RE.fullmatch(child.name) and child.is_dir() and rel not in referenced:
                _remove(child)
                removed.append(rel)
    return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(staging: Path, target: Path) -> None:
    """Make a fully written staging dir the store dir in one rename (same filesystem, so atomic)."""
    for child in staging.iterdir():
        _fsync(child)
    _fsync(staging)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(staging, target)
    _fsync(target.parent)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- manifest and plan
def _manifest_entries(raw: bytes, folder: str) -> tuple[str, dict[str, Any], list[str]]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return "", {}, ["manifest.json不是有效的JSON（UTF-8）"]
    if not isinstance(data, dict):
        return "", {}, ["manifest.json应为JSON对象"]
    errors: list[str] = []
    month = data.get("month")
    month = month if isinstance(month, str) and MONTH_RE.fullmatch(month) else ""
    if not month:
        errors.append(f"清单中的月份应为YYYY-MM，当前为{data.get('month')!r}")
    if not MONTH_RE.fullmatch(folder):
        errors.append(f"快照目录名应为YYYY-MM，当前为{folder}")
    elif month and month != folder:
        errors.append(f"清单中的月份{month}与目录名{folder}不符")
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        errors.append("清单中没有sources")
        sources = {}
    return month, sources, errors


def _plan(source_dir: Path, entries: dict[str, Any], warnings: list[str]) -> tuple[list[_Plan], list[str]]:
    """Structural checks that need no row reading: file names, presence, sha256, columns, Parquet row
    counts (exchange.md manifest)."""
    errors: list[str] = []
    plans: list[_Plan] = []
    for name in entries:
        if name not in SOURCES:
            warnings.append(f"清单中的数据源{name}不在交换格式中，已忽略")
    if "persons" not in entries:
        errors.append("缺少人口库（persons），无法使用本快照")
    for source, department, schema in ((s.name, s.department, s.schema) for s in SOURCES.values()):
        entry = entries.get(source)
        if entry is None:
            continue
        if not isinstance(entry, dict):
            errors.append(f"{source}：清单条目格式错误")
            continue
        file, rows, sha = entry.get("file"), entry.get("rows"), entry.get("sha256")
        if file not in (f"{source}.parquet", f"{source}.csv"):
            errors.append(f"{source}：文件名应为{source}.parquet或{source}.csv，清单中为{file!r}")
            continue
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            errors.append(f"{file}：清单中的行数无效（{rows!r}）")
            continue
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
            errors.append(f"{file}：清单中的sha256无效")
            continue
        path = source_dir / file
        if not path.is_file():
            errors.append(f"{file}：文件缺失")
            continue
        if entry.get("department") not in (None, department):
            warnings.append(
                f"{file}：清单中的部门“{entry.get('department')}”与交换格式（{department}）不同，按后者记录"
            )
        try:
            actual_sha = _sha256(path)
        except OSError as e:
            errors.append(f"{file}：无法读取（{e.strerror}）")
            continue
        if actual_sha != sha.lower():
            errors.append(f"{file}：sha256与清单不符（文件可能损坏或被改动）")
            continue
        try:
            if path.suffix == ".parquet":
                columns, file_rows = parquet_columns(path)
                if file_rows != rows:
                    errors.append(f"{file}：实际{file_rows}行，与清单记载的{rows}行不符")
            else:
                columns = csv_header(path)
        except StructuralError as e:
            errors.append(f"{file}：{e}")
            continue
        missing = [c for c in schema.names if c not in columns]
        if missing:
            errors.append(f"{file}：缺少列{'、'.join(missing)}")
            continue
        if len(set(columns)) != len(columns):
            errors.append(f"{file}：列名重复")
            continue
        extra = [c for c in columns if c not in schema.names]
        if extra:
            warnings.append(f"{file}：多余的列{'、'.join(extra)}已忽略")
        plans.append(_Plan(source, department, path, sha.lower(), rows))
    listed = {"manifest.json"} | {f"{s}.{ext}" for s in entries for ext in ("parquet", "csv")}
    for child in sorted(source_dir.iterdir()):
        if child.name not in listed and not child.name.startswith("."):
            warnings.append(f"目录中的{child.name}未列入清单，已忽略")
    return plans, errors


# ----------------------------------------------------------------------------- staging one source
def _stage_source(
    plan: _Plan, ctx: Context, staging: Path, con: Any, rejects: pq.ParquetWriter, warnings: list[str]
) -> SourceResult:
    """Validate one file into staging/<source>.parquet (sorted by id_number) and append its rejected
    rows to the rejects writer; raises StructuralError when the file is unusable."""
    source, file = plan.source, plan.path.name
    schema = pseudonym.stored_schema(target_schema(source))
    result = SourceResult(source, plan.department, file, plan.sha256, plan.rows)
    unsorted = staging / f".{source}.unsorted.parquet"
    counts = FileCounts()
    invalid: list[tuple[int, str, str]] = []

    def flush_invalid() -> None:
        if not invalid:
            return
        rejects.write_table(
            pa.table(
                {
                    "source": [source] * len(invalid),
                    "file": [file] * len(invalid),
                    "line": pa.array([i[0] for i in invalid], pa.int64()),
                    "id_number": mask_ids(pa.array([i[1] for i in invalid], pa.string())),
                    "reason": [i[2] for i in invalid],
                },
                schema=REJECT_SCHEMA,
            )
        )
        result.rejected += len(invalid)
        invalid.clear()

    valid_rows = 0
    # a scratch file read once by DuckDB: no compression or dictionary, which are slow to write
    writer = pq.ParquetWriter(
        str(unsorted),
        schema.append(pa.field("_masked", pa.string())).append(pa.field("_line", pa.int64())),
        compression="none",
        use_dictionary=False,
    )
    try:
        for batch, lines in read_batches(plan.path, source, counts, lambda *row: invalid.append(row)):
            res = validate_batch(batch, source, file, lines, ctx)
            if res.valid.num_rows:
                # the ID numbers leave here: only person keys (and masked IDs) reach any file
                writer.write_table(pseudonym.pseudonymise_table(res.valid, schema))
                valid_rows += res.valid.num_rows
            if res.rejects.num_rows:
                rejects.write_table(res.rejects)
                result.rejected += res.rejects.num_rows
            flush_invalid()
        flush_invalid()
    finally:
        writer.close()
    if counts.rows != plan.rows:
        raise StructuralError(f"实际{counts.rows}行，与清单记载的{plan.rows}行不符")
    if counts.blank_lines:
        warnings.append(f"{file}：跳过空行{counts.blank_lines}行")

    # Duplicates where the source allows one row per key (validation.py): every row of the key rejected.
    spec = SPECS[source]
    src = store.sql_str(unsorted)
    drop = ""
    if spec.key and valid_rows:
        keys = ", ".join(f'"{k}"' for k in spec.key)
        # duplicated keys first (usually none), the rows holding them only if there are any
        dup_keys = con.execute(
            f"SELECT {keys}, count(*) AS n FROM read_parquet({src}) GROUP BY {keys} HAVING count(*) > 1"  # noqa: S608
        ).to_arrow_table()
        dups = dup_keys
        if dup_keys.num_rows:
            con.register("dup_keys", dup_keys)
            dups = con.execute(
                f"SELECT t._line AS line, t._masked, k.n FROM read_parquet({src}) t "  # noqa: S608
                f"JOIN dup_keys k USING ({keys}) ORDER BY line"
            ).to_arrow_table()
            con.unregister("dup_keys")
        if dups.num_rows:
            if spec.one_per_person:
                before, after = "身份证号重复：本数据源每人只能有一行，本文件中此人有", "行，全部拒收"
            else:
                before, after = f"{spec.key_label}重复：共", "行，全部拒收"
            reason = pc.binary_join_element_wise(before, dups["n"].cast(pa.string()), after, "")
            rejects.write_table(
                pa.table(
                    {
                        "source": pa.array([source] * dups.num_rows, pa.string()),
                        "file": pa.array([file] * dups.num_rows, pa.string()),
                        "line": dups["line"].cast(pa.int64()),
                        "id_number": dups["_masked"].combine_chunks(),
                        "reason": reason,
                    },
                    schema=REJECT_SCHEMA,
                )
            )
            result.rejected += dups.num_rows
            valid_rows -= dups.num_rows
            con.register("dup_lines", pa.table({"_line": dups["line"].cast(pa.int64())}))
            drop = "WHERE _line NOT IN (SELECT _line FROM dup_lines)"

    if counts.rows >= MIN_ROWS_FOR_RATIO and result.rejected * 2 > counts.rows:
        raise StructuralError(f"{counts.rows}行中{result.rejected}行不合格，超过一半，疑似文件格式整体错误")
    if source == "persons" and valid_rows == 0 and counts.rows > 0:
        raise StructuralError("人口库没有一行合格记录")

    final = staging / f"{source}.parquet"
    cols = ", ".join(f'"{n}"' for n in schema.names)
    order = "id_number" if spec.one_per_person else "id_number, _line"  # unique after the duplicate check
    con.execute(
        f"COPY (SELECT {cols} FROM read_parquet({src}) {drop} ORDER BY {order}) "  # noqa: S608
        f"TO {store.sql_str(final)} (FORMAT parquet, ROW_GROUP_SIZE {store.ROW_GROUP_ROWS}, COMPRESSION zstd)"
    )
    with contextlib.suppress(Exception):
        con.unregister("dup_lines")
    unsorted.unlink()
    written = pq.ParquetFile(str(final))
    if not written.schema_arrow.equals(schema) or written.metadata.num_rows != valid_rows:
        raise RuntimeError(f"{source}: stored file does not match the expected schema or row count")
    result.rows = valid_rows
    return result


def _write_rejects(con: Any, unsorted: Path, out: Path) -> list[dict[str, Any]]:
    """rejects.csv (UTF-8 with BOM so spreadsheet software shows the Chinese), ordered by source as in
    exchange.md, then line; returns the first PREVIEW_ROWS rows."""
    order = list(SOURCES)
    sql = f"SELECT * FROM read_parquet({store.sql_str(unsorted)}) ORDER BY list_position(?, source), line"  # noqa: S608
    with out.open("wb") as f:
        f.write(codecs.BOM_UTF8)
        writer = pacsv.CSVWriter(f, REJECT_SCHEMA)
        reader = con.execute(sql, [order]).to_arrow_reader(65_536)
        for batch in reader:
            writer.write_table(pa.Table.from_batches([batch]).cast(REJECT_SCHEMA))
        writer.close()
    preview = con.execute(sql + f" LIMIT {PREVIEW_ROWS}", [order]).to_arrow_table()
    unsorted.unlink()
    return list(preview.cast(REJECT_SCHEMA).to_pylist())


# ----------------------------------------------------------------------------- database
def _actor_fields(actor: Any) -> tuple[Any, str]:
    if getattr(actor, "is_authenticated", False):
        return actor, actor.get_username()
    return None, str(actor or "")[:150]


def _scrub(result: ImportResult) -> None:
    """Errors and warnings echo names and values from the delivered files (manifest entries, file names,
    cells): ID and card numbers masked before they reach the database, the audit log or a page."""
    result.errors = [redact(e) for e in result.errors]
    result.warnings = [redact(w) for w in result.warnings]


@transaction.atomic
def _record_accepted(
    *, actor: Any, result: ImportResult, rel_path: str, rejects_file: str, ip: str, job_id: int | None = None
) -> Snapshot:
    _scrub(result)
    user, via = _actor_fields(actor)
    snapshot = Snapshot.objects.select_for_update().filter(manifest_sha256=result.manifest_sha256).first()
    snapshot = snapshot or Snapshot(manifest_sha256=result.manifest_sha256)
    snapshot.month = result.month
    snapshot.path = rel_path
    snapshot.status = SnapshotStatus.ACCEPTED
    snapshot.reason = ""
    snapshot.imported_at = timezone.now()
    snapshot.imported_by = user
    snapshot.imported_via = via
    snapshot.total_rows = result.total_rows
    snapshot.rejected_rows = result.rejected_rows
    snapshot.rejects_file = rejects_file
    snapshot.save()
    snapshot.sources.all().delete()
    SnapshotSource.objects.bulk_create(
        SnapshotSource(
            snapshot=snapshot,
            source=s.source,
            department=s.department,
            rows=s.rows,
            rejected=s.rejected,
            file=s.file,
            sha256=s.sha256,
        )
        for s in result.sources
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="exchange.snapshot",
        target_id=snapshot.pk,
        outcome="ok",
        detail=result.message,
        new={
            "month": result.month,
            "manifest_sha256": result.manifest_sha256,
            "path": rel_path,
            "rows": result.total_rows,
            "rejected": result.rejected_rows,
            "missing": result.missing,
        },
        ip=ip,
    )
    result.snapshot = snapshot
    _job_settle(job_id, result)
    return snapshot


@transaction.atomic
def _record_rejected(
    *, actor: Any, result: ImportResult, ip: str, job_id: int | None = None
) -> Snapshot | None:
    """A rejected attempt: the Snapshot row (status rejected, reason) and the audit row; no files. An
    attempt without a readable manifest has no SHA-256 to key on and is audited only."""
    _scrub(result)
    snapshot = None
    if result.manifest_sha256:
        snapshot = Snapshot.objects.select_for_update().filter(manifest_sha256=result.manifest_sha256).first()
        if snapshot is None or snapshot.status == SnapshotStatus.REJECTED:
            user, via = _actor_fields(actor)
            snapshot = snapshot or Snapshot(manifest_sha256=result.manifest_sha256)
            snapshot.month = result.month
            snapshot.path = ""
            snapshot.status = SnapshotStatus.REJECTED
            snapshot.reason = "\n".join(result.errors)
            snapshot.imported_at = timezone.now()
            snapshot.imported_by = user
            snapshot.imported_via = via
            snapshot.total_rows = 0
            snapshot.rejected_rows = 0
            snapshot.rejects_file = ""
            snapshot.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="exchange.snapshot",
        target_id=snapshot.pk if snapshot else result.month,
        outcome="rejected",
        detail=result.message,
        new={"month": result.month, "manifest_sha256": result.manifest_sha256, "errors": result.errors[:20]},
        ip=ip,
    )
    result.snapshot = snapshot
    _job_settle(job_id, result)
    return snapshot


@transaction.atomic
def _record_already(*, actor: Any, result: ImportResult, ip: str, job_id: int | None = None) -> None:
    assert result.snapshot is not None  # noqa: S101
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="exchange.snapshot",
        target_id=result.snapshot.pk,
        outcome="skipped",
        detail=result.message,
        ip=ip,
    )
    _job_settle(job_id, result)


@transaction.atomic
def _record_failed(*, actor: Any, source_dir: Path, error: Exception, ip: str) -> None:
    """An attempt that broke off (disk, database, bug): nothing was stored; audited for the record."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="exchange.snapshot",
        target_id=source_dir.name[:64],
        outcome="failed",
        detail=redact(f"快照{source_dir.name}导入中断，未保存任何数据：{error.__class__.__name__}: {error}"),
        ip=ip,
    )


# ----------------------------------------------------------------------------- public services
Progress = Callable[[str, float], None]


def _no_progress(stage: str, fraction: float) -> None:
    return None


def snapshot_import(
    *, actor: Any, source_dir: Path, ip: str = "", progress: Progress | None = None, job_id: int | None = None
) -> ImportResult:
    """Validate the YYYY-MM folder `source_dir` and accept or reject it as a whole (module docstring).

    File work runs outside any transaction; the database is written in one transaction at the end
    (`_record_accepted` / `_record_rejected`, each with its audit row). Raises SnapshotBusyError when
    another import or purge is running. `progress(stage, fraction)`, when given, is told each step
    (Chinese text, fraction of the whole import from 0 to 1); the background import job shows it. With
    `job_id`, that import job's outcome is written in the same transaction as the snapshot's, so a worker
    killed after the commit leaves a job that says what the database holds."""
    require(actor, "exchange.import", target=f"snapshot:{Path(source_dir).name}")
    t0 = time.perf_counter()
    root = _root()
    with store.private_files(), _locked(root):
        store.private_dir(root / "store")  # written 755 by earlier versions
        recovered = _recover(root)
        try:
            result = _import(
                actor=actor,
                source_dir=Path(source_dir),
                root=root,
                ip=ip,
                progress=progress or _no_progress,
                job_id=job_id,
            )
        except Exception as exc:
            with contextlib.suppress(Exception):  # the database itself may be what failed
                _record_failed(actor=actor, source_dir=Path(source_dir), error=exc, ip=ip)
            raise
        if result.accepted and result.snapshot is not None:
            # Committed: the apps that follow an import (monitoring's facts) run under the store lock,
            # so no purge removes the snapshot while they read it.
            # An upload's job is finished by now: its page shows these steps as the follow-up's.
            def step(stage: str, fraction: float) -> None:
                if job_id is not None:
                    _job_screening_stage(job_id, f"{JOB_SCREENING}：{stage}", 0.0)
                elif progress is not None:
                    progress(stage, 0.99 + 0.01 * fraction)

            event = hooks.AcceptedSnapshot(
                month=result.month, path=root / result.snapshot.path, actor=actor, progress=step
            )
            hooks.snapshot_accepted(event)
            result.warnings.extend(event.warnings)
    result.recovered = recovered
    result.seconds = round(time.perf_counter() - t0, 2)
    return result


def _reject(actor: Any, result: ImportResult, ip: str, job_id: int | None) -> ImportResult:
    result.status = SnapshotStatus.REJECTED
    result.snapshot = _record_rejected(actor=actor, result=result, ip=ip, job_id=job_id)
    return result


def _import(
    *, actor: Any, source_dir: Path, root: Path, ip: str, progress: Progress, job_id: int | None
) -> ImportResult:
    folder = source_dir.name
    progress("校验清单", 0.0)
    result = ImportResult(status="", month=folder if MONTH_RE.fullmatch(folder) else "", manifest_sha256="")
    if not source_dir.is_dir():
        result.errors.append(f"快照目录{source_dir}不存在")
        return _reject(actor, result, ip, job_id)
    try:
        raw = (source_dir / "manifest.json").read_bytes()
    except OSError:
        result.errors.append("缺少manifest.json或无法读取")
        return _reject(actor, result, ip, job_id)
    result.manifest_sha256 = hashlib.sha256(raw).hexdigest()
    existing = Snapshot.objects.filter(manifest_sha256=result.manifest_sha256).first()
    if existing is not None and existing.status == SnapshotStatus.ACCEPTED:
        result.status = "already"
        result.month = existing.month
        result.snapshot = existing
        _record_already(actor=actor, result=result, ip=ip, job_id=job_id)
        return result

    month, entries, errors = _manifest_entries(raw, folder)
    result.month = month or result.month
    result.errors.extend(errors)
    if errors:
        return _reject(actor, result, ip, job_id)
    progress("核对文件的sha256与行数", 0.02)
    plans, errors = _plan(source_dir, entries, result.warnings)
    result.errors.extend(errors)
    result.missing = [s for s in SOURCES if s not in entries]
    if errors:
        return _reject(actor, result, ip, job_id)

    ctx = Context(month)
    name = f"{month}-{result.manifest_sha256[:8]}"
    target = root / "store" / name
    staging = root / ".staging" / f"{name}-{secrets.token_hex(4)}"
    staging.mkdir(parents=True)
    con = store.connect(temp_dir=staging / ".duckdb")
    try:
        rejects_tmp = staging / ".rejects.parquet"
        rejects = pq.ParquetWriter(str(rejects_tmp), REJECT_SCHEMA)
        try:
            sizes = [_file_size(plan.path) for plan in plans]
            total, done = max(sum(sizes), 1), 0
            for i, (plan, size) in enumerate(zip(plans, sizes, strict=True), 1):
                progress(
                    f"逐行校验 {plan.source}（{plan.department}） {i}/{len(plans)}",
                    0.05 + 0.55 * done / total,
                )
                done += size
                try:
                    result.sources.append(_stage_source(plan, ctx, staging, con, rejects, result.warnings))
                except StructuralError as e:
                    result.errors.append(f"{plan.path.name}：{e}")
                    break
        finally:
            rejects.close()
        if result.errors:
            result.sources = []
            return _reject(actor, result, ip, job_id)
        progress("生成拒收报告", 0.6)
        result.rejects_preview = _write_rejects(con, rejects_tmp, staging / store.REJECTS_FILE)
        con.close()
        _remove(staging / ".duckdb")
        shutil.copyfile(source_dir / "manifest.json", staging / "manifest.json")
        meta = {
            "month": month,
            "manifest_sha256": result.manifest_sha256,
            "validated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sorted_by": "id_number",
            "row_group_rows": store.ROW_GROUP_ROWS,
            "policy": POLICY_TEXT,
            "sources": {
                s.source: {
                    "department": s.department,
                    "file": s.file,
                    "sha256": s.sha256,
                    "delivered": s.delivered,
                    "rows": s.rows,
                    "rejected": s.rejected,
                }
                for s in result.sources
            },
            "missing": result.missing,
            "warnings": result.warnings,
        }
        (staging / store.SNAPSHOT_META).write_text(
            json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        if target.exists():  # same month and sha8 but another manifest: astronomically unlikely
            raise RuntimeError(f"存储目录{target}已存在")
        progress("写入存储", 0.95)
        _publish(staging, target)
    finally:
        with contextlib.suppress(Exception):
            con.close()
        _remove(staging)
    try:
        progress("写入数据库", 0.98)
        result.status = SnapshotStatus.ACCEPTED
        result.rejects_file = target / store.REJECTS_FILE
        result.snapshot = _record_accepted(
            actor=actor,
            result=result,
            rel_path=f"store/{name}",
            rejects_file=f"store/{name}/{store.REJECTS_FILE}",
            ip=ip,
            job_id=job_id,
        )
    except BaseException:
        # Never a store dir without its database row (a kill here: see _recover); but never remove the
        # files of a row that did commit (a signal arriving just after the COMMIT).
        committed = True
        with contextlib.suppress(Exception):
            committed = Snapshot.objects.filter(path=f"store/{name}", status=SnapshotStatus.ACCEPTED).exists()
        if not committed:
            _remove(target)
        raise
    return result


# ----------------------------------------------------------------------------- the import job's state
# Written inside the transaction that records the snapshot (jobs.py runs the job itself).
JOB_DONE = "完成"
JOB_SCREENING = "本月筛查"  # the job page polls while the stage starts with it (ImportJob.is_active)
JOB_SCREENING_WAIT = f"{JOB_SCREENING}：排队"
JOB_SCREENING_FAILED = "导入完成；本月筛查未完成，可在动态监测页面重新运行"


def _job_outcome(result: ImportResult) -> dict[str, Any]:
    message = "\n".join([result.message, *(f"提示：{w}" for w in result.warnings)])
    if result.status == "already":
        return {"status": ImportJobStatus.ALREADY, "snapshot": result.snapshot, "message": message}
    if result.accepted:
        return {"status": ImportJobStatus.ACCEPTED, "snapshot": result.snapshot, "message": message}
    return {
        "status": ImportJobStatus.REJECTED,
        "snapshot": result.snapshot,
        "message": message,
        "error": "\n".join(result.errors),
    }


def _job_settle(job_id: int | None, result: ImportResult) -> None:
    """Inside the transaction that records the snapshot: the job's final state (a no-op without a job).
    An accepted snapshot is followed by the month's screening in the same worker (_job_screen); the
    job's stage says so until it is done."""
    if job_id is not None:
        outcome = _job_outcome(result)
        _job_finish_id(job_id, outcome)
        if result.accepted:
            ImportJob.objects.filter(pk=job_id).update(stage=JOB_SCREENING_WAIT, progress=0.0)


def _job_screening_stage(job_id: int, stage: str, fraction: float) -> None:
    with contextlib.suppress(DatabaseError):
        ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.ACCEPTED).update(
            stage=redact(stage)[:100], progress=round(min(max(fraction, 0.0), 1.0), 4)
        )


def _job_finish_id(job_id: int, outcome: dict[str, Any]) -> None:
    for key in ("message", "error"):
        if isinstance(outcome.get(key), str):
            outcome = {**outcome, key: redact(outcome[key])}
    ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.RUNNING).update(
        stage=JOB_DONE,
        progress=1.0,
        finished_at=timezone.now(),
        archive_path="",
        **outcome,
    )
