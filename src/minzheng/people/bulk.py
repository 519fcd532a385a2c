"""Bulk load of the registry (persons, households, memberships) from a snapshot, and the monthly sync.

`registry_load` streams the snapshot's persons file (exchange.md: one row per resident, with household
number and relation to the head, so households and memberships come from the same file) and its deaths
file into temporary staging tables (PostgreSQL: COPY; SQLite, for the demo: batched INSERT), never
holding a whole file in Python. As each batch streams in, its IDs' blind indexes (and, on a first load,
their ciphertexts) are computed in worker processes (core.crypto) and the row rules run array-wise
(rowchecks: each rejected row gets the desk's Chinese reason, RegistryReject); repeats across the file
are grouped once at the end. Then set-based statements apply the snapshot, all in one transaction, so a
load that is killed leaves the previous registry as it was.

A sync compares this month's persons file with the last loaded one when that file is still where it was
loaded from and its digest is unchanged (`_file_diff`, DuckDB): only the rows that differ from it (and the
rows that break a rule, so every month reports all of them) are hashed and staged, and the persons the
file no longer lists are found in the same pass. Otherwise (or with `full=True`, the reconciliation a
bureau runs when the registry was edited outside the file) every row is staged and compared with the
registry. Either way the staged rows are then kept only where they differ from the registry (one pass of
hash joins), and the steps below read those:

- new households (the head's village, or the first member's when a household has no head);
- existing persons whose name, hukou type or hukou village changed are updated (a hukou move carries the
  residence along when the person lived where the hukou was);
- new persons are inserted, their ID encrypted in batches only for them (a sync encrypts a month's
  newcomers, not the city);
- memberships that changed (household or relation) are closed the day before the month and reopened;
  a household the file delivers is authoritative for its members: an identified member the file no longer
  lists there leaves it (the registry's own unidentified persons are never touched);
- deaths from the deaths file.

The first load (no RegistryLoad yet) writes no history; every later load is a sync and writes one
PersonChange row per change (birth, arrival, death, move, household change, field change), so the
registry's history is kept. Loading the same snapshot again changes nothing."""

# ruff: noqa: S608  (SQL built only from this module's own table names and fixed rules; values are parameters)

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.regions.models import Region

from . import rowchecks
from .models import RegistryLoad, RegistryLoadMode, RegistryReject
from .services import population_refresh

PERSON_COLUMNS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "hukou_type",
    "hukou_region",
    "household_no",
    "relation",
)
DEATH_COLUMNS = ("id_number", "death_date")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "other")
STAGE = "mz_stage_person"
STAGE_DEATH = "mz_stage_death"
STAGE_HOUSEHOLD = "mz_stage_household"
ENC = "mz_stage_enc"
DIFF = "mz_stage_diff"
MEMBER = "mz_stage_member"
LEAVE = "mz_stage_leave"
CHANGED = "mz_stage_changed"
REPEATS = "mz_stage_repeats"
DEAD = "mz_stage_dead"
GONE = "mz_stage_gone"
TEMP_TABLES = (STAGE, STAGE_DEATH, STAGE_HOUSEHOLD, ENC, DIFF, MEMBER, LEAVE, DEAD, CHANGED, REPEATS, GONE)
DIFF_MEMORY_LIMIT = "1GB"


# --- reading a snapshot file in batches ------------------------------------------------------------


def _source_file(snapshot: Path, name: str) -> Path | None:
    for ext in (".parquet", ".csv"):
        f = snapshot / f"{name}{ext}"
        if f.exists():
            return f
    return None


def _batches(path: Path, columns: tuple[str, ...], batch_size: int) -> Iterator[pa.RecordBatch]:
    """The file's rows in batches, every column as a string (dates as YYYY-MM-DD), never all at once."""
    if path.suffix == ".parquet":
        pf = pq.ParquetFile(path)
        missing = [c for c in columns if c not in pf.schema_arrow.names]
        if missing:
            raise ValidationError(f"{path.name}缺少列：{'、'.join(missing)}")
        yield from pf.iter_batches(batch_size=batch_size, columns=list(columns))
        return
    with path.open("rb") as fh:
        header = [h.strip().strip('"') for h in fh.readline().decode("utf-8-sig").split(",")]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValidationError(f"{path.name}缺少列：{'、'.join(missing)}")
    reader = pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(block_size=8 << 20),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(columns, pa.string()), include_columns=list(columns)
        ),
    )
    yield from reader


def _as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return pc.fill_null(pc.utf8_trim_whitespace(pc.cast(column, pa.string())), "")


POOL_MIN_BYTES = 8 << 20  # a smaller file (≈ 100 k persons) is prepared in-process: a pool costs more


def _stage_rows(
    path: Path,
    columns: tuple[str, ...],
    batch_size: int,
    *,
    encrypt: bool = False,
    check: Callable[[pa.Table], pa.Array] | None = None,
    seen: Callable[[pa.Table], None] | None = None,
    keep: pa.Array | None = None,
) -> Iterator[pa.Table]:
    """Batches ready for the staging table: line (the file's line, header = 1), the normalised ID, the
    other columns as text, with `check` the reason each row breaks a row rule (rowchecks), and the ID's
    blind index (and, with `encrypt`, its ciphertext). `seen` gets every checked row (the whole-file
    rules); with `keep` (IDs) only the rows with those IDs or with a reason are staged, and only theirs
    are hashed. A large file's hashing and encryption run in worker processes, a batch or two ahead of
    the COPY."""
    from django.conf import settings

    hash_key = settings.FIELD_HASH_KEY
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS) if encrypt else None
    workers = min(2, os.cpu_count() or 1) if path.stat().st_size > POOL_MIN_BYTES else 0
    pool = (
        ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        if workers
        else None
    )
    pending: deque[tuple[pa.Table, Future[Any] | None]] = deque()

    def ready(table: pa.Table, job: Future[Any] | None) -> pa.Table:
        ids = table.column("id_number")
        hashes, tokens = (
            job.result() if job is not None else crypto.secure_many(ids.to_pylist(), hash_key, keys)
        )
        table = table.append_column("id_hash", pa.array(hashes, pa.string()))
        if tokens is not None:
            table = table.append_column("id_number_enc", pa.array(tokens, pa.string()))
        return table

    try:
        line = 2
        for batch in _batches(path, columns, batch_size):
            ids = pc.replace_substring(pc.utf8_upper(_as_text(batch.column("id_number"))), " ", "")
            data: dict[str, Any] = {
                "line": pa.array(range(line, line + len(ids)), pa.int64()),
                "id_number": ids,
            }
            line += len(ids)
            for c in columns[1:]:
                data[c] = _as_text(batch.column(c))
            table = pa.table(data)
            if check is not None:
                table = table.append_column("reason", check(table))
            if seen is not None:
                seen(table)
            if keep is not None:
                staged = pc.is_in(table.column("id_number"), value_set=keep)
                if check is not None:
                    staged = pc.or_(staged, pc.is_valid(table.column("reason")))
                table = table.filter(staged)
            job = (
                pool.submit(crypto.secure_many, table.column("id_number").to_pylist(), hash_key, keys)
                if pool is not None
                else None
            )
            pending.append((table, job))
            if len(pending) > workers:
                yield ready(*pending.popleft())
        while pending:
            yield ready(*pending.popleft())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


# --- SQL dialect: the few places PostgreSQL and SQLite differ --------------------------------------


class _Sql:
    def __init__(self, cursor: Any) -> None:
        self.cur = cursor
        self.pg = connection.vendor == "postgresql"

    def run(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
        # Always with a parameter list: both backends then read `%%` as a literal percent sign.
        self.cur.execute(sql, list(params))
        return max(self.cur.rowcount, 0)

    def count(self, table: str, where: str = "TRUE") -> int:
        self.cur.execute(f"SELECT count(*) FROM {table} WHERE {where}", [])
        return int(self.cur.fetchone()[0])

    def date(self, expr: str) -> str:
        """A YYYY-MM-DD text as the database's date (SQLite stores dates as that text)."""
        return f"CAST({expr} AS date)" if self.pg else expr

    def fill(self, table: str, columns: list[str], batch: pa.Table) -> None:
        batch = batch.select(columns)
        if self.pg:  # COPY: the batch goes over as one CSV buffer written by Arrow, no per-row Python
            buf = io.BytesIO()
            pcsv.write_csv(batch, buf, write_options=pcsv.WriteOptions(include_header=False))
            with self.cur.cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buf.getvalue())
            return
        marks = ", ".join(["%s"] * len(columns))
        self.cur.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            list(zip(*(batch.column(c).to_pylist() for c in columns), strict=True)),
        )


Rule = tuple[str, str, list[Any]]  # (reason SQL, condition SQL, the condition's parameters)


def _reject(sql: _Sql, table: str, rules: list[Rule]) -> None:
    """Row-by-row rules in one pass over the staging table: each row not yet rejected gets the reason of
    the first rule it breaks. The CASE keeps PostgreSQL from evaluating a later rule (a CAST) on a row an
    earlier one rejected."""
    reasons = " ".join(f"WHEN {condition} THEN {reason}" for reason, condition, _ in rules)
    broken = " ".join(f"WHEN {condition} THEN TRUE" for _, condition, _ in rules)
    params = [p for _, _, ps in rules for p in ps]
    sql.run(
        f"UPDATE {table} SET reason = CASE {reasons} END "
        f"WHERE reason IS NULL AND CASE {broken} ELSE FALSE END",
        params + params,
    )


def _mark(sql: _Sql, table: str, reasons: pa.Table) -> None:
    """Set the reason of the staging rows a whole-file rule rejected (rowchecks.Repeats: few rows); a
    rejected row a sync did not stage (unchanged since last month) is staged with its reason alone, so
    the month's rejects list it again."""
    if reasons.num_rows == 0:
        return
    sql.run(f"DROP TABLE IF EXISTS {REPEATS}")
    sql.run(f"CREATE TEMP TABLE {REPEATS} (line bigint PRIMARY KEY, reason text)")
    sql.fill(REPEATS, ["line", "reason"], reasons)
    sql.run(
        f"UPDATE {table} SET reason = r.reason FROM {REPEATS} r "
        f"WHERE {table}.line = r.line AND {table}.reason IS NULL"
    )
    sql.run(
        f"INSERT INTO {table} (line, reason) SELECT r.line, r.reason FROM {REPEATS} r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.line = r.line)"
    )


def _validate_deaths(sql: _Sql) -> None:
    """After the persons are applied: a death names a person of the registry, after the birth (the ID
    and the date's own rules ran as the file streamed in)."""
    t = STAGE_DEATH
    _reject(
        sql,
        t,
        [
            (
                "'人口库中没有此人'",
                f"NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id_hash = {t}.id_hash)",
                [],
            ),
            (
                "'死亡日期早于出生日期'",
                f"EXISTS (SELECT 1 FROM people_person p WHERE p.id_hash = {t}.id_hash "
                f"AND p.birth_date > {sql.date('death_date')})",
                [],
            ),
        ],
    )


# --- the load --------------------------------------------------------------------------------------


def _month(snapshot: Path) -> tuple[str, str]:
    """(month, persons sha256) from the manifest, else the folder's name."""
    manifest = snapshot / "manifest.json"
    month, sha = snapshot.name, ""
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        month = str(data.get("month") or month)
        sha = str(data.get("sources", {}).get("persons", {}).get("sha256", ""))
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValidationError(f"快照目录名应为月份YYYY-MM：{snapshot.name}")
    return month, sha


def registry_load(
    *, snapshot: Path, actor: Any, batch_size: int = 50_000, full: bool = False
) -> dict[str, int]:
    """Load (first time) or sync (every later month) the registry from a snapshot folder; returns the
    counts. `full`: compare every row with the registry even when last month's file is at hand.
    Atomic: either the whole snapshot is applied or nothing is."""
    require(actor, "people.import", target=f"snapshot:{snapshot.name}")
    persons_file = _source_file(snapshot, "persons")
    if persons_file is None:
        raise ValidationError(f"快照{snapshot}中没有persons文件")
    month, sha = _month(snapshot)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        sql = _Sql(cursor)
        summary = _load(
            sql,
            snapshot=snapshot,
            persons_file=persons_file,
            month=month,
            sha=sha,
            batch_size=batch_size,
            started=started,
            full=full,
        )
        audit_record(
            actor=actor,
            event_type=AuditEvent.IMPORT,
            target_type="registry.load",
            target_id=f"{month}:{snapshot.name}",
            detail=(
                f"人口库{'月度同步' if summary['mode'] == 'sync' else '首次装载'}（{month}）：新增人员"
                f"{summary['persons_added']}人、家庭{summary['households_added']}户，变更"
                f"{summary['changes']}项，死亡{summary['deaths']}人，拒收{summary['rejected']}行"
            ),
            new={k: v for k, v in summary.items() if k != "mode"},
        )
        # The home page's and the person list's figures follow the registry in the same transaction.
        population_refresh(actor=actor)
    return summary


def _load(
    sql: _Sql,
    *,
    snapshot: Path,
    persons_file: Path,
    month: str,
    sha: str,
    batch_size: int,
    started: float,
    full: bool,
) -> dict[str, Any]:
    steps: dict[str, float] = {}  # seconds per step, kept with the load (where a month's time went)
    mark = [started]

    def lap(step: str) -> None:
        now = time.perf_counter()
        steps[step] = round(now - mark[0], 2)
        mark[0] = now

    for t in TEMP_TABLES:
        sql.run(f"DROP TABLE IF EXISTS {t}")
    if sql.pg:  # the city's joins, groupings and sorts in memory rather than in spill files
        sql.run("SET LOCAL work_mem = '256MB'")
        sql.run("SET LOCAL maintenance_work_mem = '512MB'")
    # An empty registry takes every person of the file: their IDs are encrypted as the file streams in
    # (in worker processes), and on PostgreSQL the tables' indexes are rebuilt after the insert.
    fresh = _registry_empty(sql)
    previous = RegistryLoad.objects.order_by("-created_at", "-id").first()
    digest = _digest(persons_file)
    diff = None if fresh or full or previous is None else _file_diff(persons_file, previous)
    lap("compare_files")
    person_cols = ["line", "id_number", "id_hash", *(["id_number_enc"] if fresh else []), *PERSON_COLUMNS[1:]]
    sql.run(
        f"CREATE TEMP TABLE {STAGE} (line bigint PRIMARY KEY, "
        + ", ".join(f"{c} text" for c in person_cols[1:])
        + ", reason text)"
    )
    villages = pa.array(Region.objects.filter(level="village").values_list("code", flat=True), pa.string())
    rows = 0
    repeats = rowchecks.Repeats(heads=True)

    def seen(batch: pa.Table) -> None:
        nonlocal rows
        repeats.add(batch)
        rows += batch.num_rows

    for batch in _stage_rows(
        persons_file,
        PERSON_COLUMNS,
        batch_size,
        encrypt=fresh,
        check=lambda t: rowchecks.person_reasons(t, villages, RELATIONS),
        seen=seen,
        keep=None if diff is None else diff[0],
    ):
        sql.fill(STAGE, [*person_cols, "reason"], batch)
    _mark(sql, STAGE, repeats.reasons())
    lap("stage")
    # No index on the staging table: every statement below joins it whole (hash joins), and a per-row
    # lookup goes the other way, into the registry's own indexes.
    if sql.pg:
        sql.run(f"ANALYZE {STAGE}")
    else:  # SQLite (the demo) joins by nested loops: without these a full comparison is quadratic
        sql.run(f"CREATE INDEX {STAGE}_hash ON {STAGE} (id_hash)")
        sql.run(f"CREATE INDEX {STAGE}_household ON {STAGE} (household_no)")

    mode = RegistryLoadMode.SYNC if previous else RegistryLoadMode.LOAD
    load = RegistryLoad.objects.create(
        month=month,
        snapshot=snapshot.name,
        persons_sha256=sha,
        persons_file=str(persons_file.resolve()),
        persons_digest=digest,
        mode=mode,
        rows=rows,
    )
    first = dt.date.fromisoformat(f"{month}-01")
    since = dt.date.fromisoformat(f"{previous.month}-01") if previous else first
    ctx = _Context(sql, load=load, month=month, first=first, since=since, sync=bool(previous), fresh=fresh)
    if not fresh:
        ctx.rows = _changed_rows(sql)
    if diff is not None:
        _stage_gone(sql, diff[1])
        ctx.gone = True
    lap("find_changes")
    counts: dict[str, Any] = {"mode": str(mode), "rows": rows}
    counts["compared_with"] = "file" if diff else "registry"
    counts["field_changes"], counts["moves"] = _apply_changes(ctx)
    bare = fresh and sql.pg
    rebuild = [*_bare(sql, "people_household"), *_bare(sql, "people_person")] if bare else []
    counts["households_added"] = _apply_households(ctx)
    counts["persons_added"], counts["births"], counts["arrivals"] = _apply_new_persons(
        ctx, batch_size, staged=fresh
    )
    _rebuild(sql, rebuild, ("people_household", "people_person"))
    lap("persons_households")
    rebuild = _bare(sql, "people_membership") if bare else []
    counts["household_changes"], counts["left"] = _apply_memberships(ctx)
    _rebuild(sql, rebuild, ("people_membership",))
    lap("memberships")

    deaths_file = _source_file(snapshot, "deaths")
    counts["deaths"] = 0
    if deaths_file is not None:
        death_cols = ["line", "id_number", "id_hash", "death_date"]
        sql.run(
            f"CREATE TEMP TABLE {STAGE_DEATH} (line bigint PRIMARY KEY, id_number text, id_hash text, "
            "death_date text, reason text)"
        )
        repeats = rowchecks.Repeats(heads=False)
        for batch in _stage_rows(deaths_file, DEATH_COLUMNS, batch_size, check=rowchecks.death_reasons):
            sql.fill(STAGE_DEATH, [*death_cols, "reason"], batch)
            repeats.add(batch)
        _mark(sql, STAGE_DEATH, repeats.reasons())
        _validate_deaths(sql)
        counts["deaths"] = _apply_deaths(ctx)

    rejected = 0
    for source, table in (("persons", STAGE), ("deaths", STAGE_DEATH)):
        if source == "deaths" and deaths_file is None:
            continue
        rejected += sql.run(
            f"INSERT INTO {RegistryReject._meta.db_table} (load_id, source, line, reason) "
            f"SELECT %s, %s, line, substr(reason, 1, 200) FROM {table} WHERE reason IS NOT NULL",
            [load.pk, source],
        )
    counts["rejected"] = rejected
    lap("deaths_rejects")
    counts["steps"] = steps
    counts["changes"] = (
        sum(
            counts[k]
            for k in ("field_changes", "moves", "births", "arrivals", "household_changes", "left", "deaths")
        )
        if ctx.sync
        else 0
    )
    for t in TEMP_TABLES:
        sql.run(f"DROP TABLE IF EXISTS {t}")
    load.rejected = rejected
    load.summary = counts
    load.seconds = round(time.perf_counter() - started, 2)
    load.save(update_fields=["rejected", "summary", "seconds"])
    return counts


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            h.update(chunk)
    return h.hexdigest()


def _duck_rows(path: Path) -> str:
    """A persons file as DuckDB rows: the normalised ID, a 64-bit fingerprint of the other columns, and
    the household number."""
    quoted = "'" + str(path).replace("'", "''") + "'"
    source = (
        f"read_parquet({quoted})"
        if path.suffix == ".parquet"
        else f"read_csv({quoted}, header = true, all_varchar = true, delim = ',', quote = '\"')"
    )

    def text(c: str) -> str:
        return f"coalesce(trim(CAST({c} AS VARCHAR)), '')"

    fields = ", ".join(text(c) for c in PERSON_COLUMNS[1:])
    return (
        f"SELECT upper(replace({text('id_number')}, ' ', '')) AS id, "
        f"hash(concat_ws(chr(31), {fields})) AS fp, {text('household_no')} AS household_no FROM {source}"
    )


def _file_diff(persons_file: Path, previous: RegistryLoad) -> tuple[pa.Array, pa.Table] | None:
    """This month's persons file against the one the previous load read, when that file is still there
    with the digest it had: (the IDs whose row is new or differs, (id_number, household_no) of the
    persons the file no longer lists who were in a household it still delivers). One DuckDB pass over
    both files, in bounded memory. None when the previous file cannot be trusted or read: the sync then
    compares every row with the registry. (A 64-bit fingerprint per ID: a change goes unnoticed only if
    it leaves the same fingerprint for the same person, about 1 in 10^19.)"""
    old = Path(previous.persons_file) if previous.persons_file else None
    if old is None or not old.is_file() or _digest(old) != previous.persons_digest:
        return None
    con = duckdb.connect(config={"memory_limit": DIFF_MEMORY_LIMIT, "threads": min(2, os.cpu_count() or 1)})
    try:
        con.execute(f"CREATE TEMP TABLE n AS {_duck_rows(persons_file)}")
        con.execute(f"CREATE TEMP TABLE o AS {_duck_rows(old)}")
        changed = con.execute(
            "SELECT DISTINCT n.id FROM n ANTI JOIN o ON o.id = n.id AND o.fp = n.fp"
        ).to_arrow_table()
        gone = con.execute(
            "SELECT o.id AS id_number, o.household_no FROM o ANTI JOIN n ON n.id = o.id "
            "WHERE o.household_no IN (SELECT household_no FROM n)"
        ).to_arrow_table()
    except duckdb.Error:
        return None  # the row rules below name what is wrong with the file
    finally:
        con.close()
    return changed.column("id").combine_chunks().cast(pa.string()), gone


def _stage_gone(sql: _Sql, gone: pa.Table) -> None:
    """GONE: the blind index and household number of the persons the file no longer lists."""
    sql.run(f"CREATE TEMP TABLE {GONE} (id_hash text, household_no text)")
    ids = gone.column("id_number").to_pylist()
    hashes = crypto.blind_index_many(ids)
    sql.fill(
        GONE,
        ["id_hash", "household_no"],
        pa.table({"id_hash": pa.array(hashes, pa.string()), "household_no": gone.column("household_no")}),
    )
    if sql.pg:
        sql.run(f"ANALYZE {GONE}")


def _registry_empty(sql: _Sql) -> bool:
    sql.cur.execute(
        "SELECT 1 FROM people_person UNION ALL SELECT 1 FROM people_household "
        "UNION ALL SELECT 1 FROM people_membership LIMIT 1",
        [],
    )
    return sql.cur.fetchone() is None


def _bare(sql: _Sql, table: str) -> list[str]:
    """PostgreSQL, a first load: drop the empty `table`'s secondary indexes and its unique and foreign-key
    constraints (a unique key another table refers to stays), and return the statements that put them
    back. Rebuilding an index in one sorted pass after millions of rows are in is many times faster than
    keeping it up to date row by row, and a foreign key re-added is checked in one join, not queued per
    row until the commit. Inside the load's transaction, so a failed load restores them."""
    sql.cur.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid))) "
        "ORDER BY c.contype DESC, c.conname",  # unique keys before the foreign keys
        [table],
    )
    constraints = sql.cur.fetchall()
    sql.cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = "
        "i.indexrelid) ORDER BY c.relname",
        [table],
    )
    indexes = sql.cur.fetchall()
    # Foreign-key checks still queued in this transaction (rows deleted before the load) run now:
    # PostgreSQL alters no table with pending trigger events.
    sql.run("SET CONSTRAINTS ALL IMMEDIATE")
    sql.run("SET CONSTRAINTS ALL DEFERRED")
    for name, _ in constraints:
        sql.run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        sql.run(f'DROP INDEX "{name}"')
    return [d for _, d in indexes] + [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {d}' for n, d in constraints]


def _rebuild(sql: _Sql, statements: list[str], tables: tuple[str, ...]) -> None:
    if not statements:
        return
    for statement in statements:
        sql.run(statement)
    for t in tables:  # the rest of the load plans its joins on these tables' real sizes
        sql.run(f"ANALYZE {t}")


def _changed_rows(sql: _Sql) -> str:
    """A registry that has persons: the valid rows of the file that differ from it — a new person, a
    changed name, hukou type or village, or another household or relation — in one pass (hash joins
    over the whole file). A month changes a few per cent of the rows; the steps that apply changes then
    read only those."""
    sql.run(
        f"CREATE TEMP TABLE {CHANGED} AS SELECT s.* FROM {STAGE} s "
        "LEFT JOIN people_person p ON p.id_hash = s.id_hash "
        "LEFT JOIN people_membership m ON m.person_id = p.id AND m.end_date IS NULL "
        "LEFT JOIN people_household h ON h.id = m.household_id "
        "WHERE s.reason IS NULL AND (p.id IS NULL OR p.name <> s.name OR p.hukou_type <> s.hukou_type "
        "OR p.hukou_code <> s.hukou_region OR m.id IS NULL OR h.number <> s.household_no "
        "OR m.relation <> s.relation)"
    )
    if sql.pg:
        sql.run(f"ANALYZE {CHANGED}")
    return CHANGED


class _Context:
    def __init__(
        self,
        sql: _Sql,
        *,
        load: RegistryLoad,
        month: str,
        first: dt.date,
        since: dt.date,
        sync: bool,
        fresh: bool,
    ) -> None:
        ops = connection.ops
        self.sql = sql
        self.load = load
        self.month = month
        self.sync = sync
        self.first = ops.adapt_datefield_value(first)
        self.closing = ops.adapt_datefield_value(first - dt.timedelta(days=1))
        self.since = ops.adapt_datefield_value(since)
        self.epoch = ops.adapt_datefield_value(dt.date(2000, 1, 1))
        self.now = ops.adapt_datetimefield_value(timezone.now())
        self.rows = STAGE  # the valid rows that may change the registry (all of them, or CHANGED)
        self.fresh = fresh  # the registry was empty when the load began
        self.gone = False  # GONE lists the persons the file no longer has (a sync against last month's file)

    def history(self, select: str, params: list[Any] | None = None) -> int:
        """Change rows from a SELECT of (person_id, kind, field, old_value, new_value); only in a sync."""
        if not self.sync:
            return 0
        return self.sql.run(
            "INSERT INTO people_personchange (person_id, load_id, month, kind, field, old_value, new_value) "
            f"SELECT c.person_id, %s, %s, c.kind, c.field, substr(c.old_value, 1, 64), "
            f"substr(c.new_value, 1, 64) FROM ({select}) c",
            [self.load.pk, self.month, *(params or [])],
        )


def _apply_changes(ctx: _Context) -> tuple[int, int]:
    """Name, hukou type and hukou village of persons already in the registry."""
    sql = ctx.sql
    sql.run(
        f"CREATE TEMP TABLE {DIFF} AS SELECT p.id AS person_id, p.name AS old_name, s.name AS new_name, "
        "p.hukou_type AS old_type, s.hukou_type AS new_type, p.hukou_code AS old_code, "
        "s.hukou_region AS new_code, r.id AS new_region_id, "
        "CASE WHEN p.residence_region_id = p.hukou_region_id THEN 1 ELSE 0 END AS follows "
        f"FROM {ctx.rows} s JOIN people_person p ON p.id_hash = s.id_hash "
        "JOIN regions_region r ON r.code = s.hukou_region AND r.level = 'village' "
        "WHERE s.reason IS NULL AND (p.name <> s.name OR p.hukou_type <> s.hukou_type "
        "OR p.hukou_code <> s.hukou_region)"
    )
    fields = ctx.history(
        f"SELECT person_id, 'field' AS kind, 'name' AS field, old_name AS old_value, new_name AS new_value "
        f"FROM {DIFF} WHERE old_name <> new_name UNION ALL "
        "SELECT person_id, 'field', 'hukou_type', old_type, new_type "
        f"FROM {DIFF} WHERE old_type <> new_type"
    )
    moves = ctx.history(
        "SELECT person_id, 'move' AS kind, 'hukou_region' AS field, old_code AS old_value, "
        f"new_code AS new_value FROM {DIFF} WHERE old_code <> new_code"
    )
    sql.run(
        "UPDATE people_person SET name = d.new_name, hukou_type = d.new_type, hukou_code = d.new_code, "
        "hukou_region_id = d.new_region_id, "
        "residence_region_id = CASE WHEN d.follows = 1 THEN d.new_region_id ELSE residence_region_id END, "
        "region_code = CASE WHEN d.follows = 1 THEN d.new_code ELSE region_code END, updated_at = %s "
        f"FROM {DIFF} d WHERE people_person.id = d.person_id",
        [ctx.now],
    )
    del fields, moves
    return (
        sql.count(DIFF, "old_name <> new_name") + sql.count(DIFF, "old_type <> new_type"),
        sql.count(DIFF, "old_code <> new_code"),
    )


def _apply_households(ctx: _Context) -> int:
    sql = ctx.sql
    sql.run(
        f"CREATE TEMP TABLE {STAGE_HOUSEHOLD} AS SELECT household_no, "
        "COALESCE(min(CASE WHEN relation = 'head' THEN line END), min(line)) AS line "
        f"FROM {STAGE} WHERE reason IS NULL GROUP BY household_no"
    )
    return sql.run(
        "INSERT INTO people_household (number, region_id, region_code, hukou_type, address, created_at) "
        "SELECT h.household_no, r.id, r.code, s.hukou_type, '', %s "
        f"FROM {STAGE_HOUSEHOLD} h JOIN {STAGE} s ON s.line = h.line "
        "JOIN regions_region r ON r.code = s.hukou_region AND r.level = 'village' "
        # Into an empty registry no guard: with its indexes set aside (_bare), a lookup into the table
        # being filled would be a scan per row.
        + (
            ""
            if ctx.fresh
            else "WHERE NOT EXISTS (SELECT 1 FROM people_household x WHERE x.number = h.household_no)"
        ),
        [ctx.now],
    )


def _apply_new_persons(ctx: _Context, batch_size: int, *, staged: bool) -> tuple[int, int, int]:
    """Encrypt the IDs of the persons the registry lacks, batch by batch (keyset over the staging
    table), then insert them in one statement. `staged`: the staging table already has every ID's
    ciphertext (a first load)."""
    sql = ctx.sql
    # A first load reads the ciphertexts the staging table already holds; the registry is empty, so
    # every valid row is new. A sync encrypts only the persons the registry lacks.
    source = f"SELECT s.*, s.id_number_enc AS enc FROM {STAGE} s WHERE s.reason IS NULL"
    if not staged:
        sql.run(f"CREATE TEMP TABLE {ENC} (line bigint PRIMARY KEY, id_number_enc text)")
        _encrypt_newcomers(sql, ctx.rows, batch_size)
        source = f"SELECT s.*, e.id_number_enc AS enc FROM {ENC} e JOIN {ctx.rows} s ON s.line = e.line"
    birth = sql.date("s.birth_date")
    added = sql.run(
        "INSERT INTO people_person (id_number_enc, id_hash, temp_number, id_tail, name, sex, birth_date, "
        "hukou_type, hukou_region_id, hukou_code, residence_region_id, region_code, phone_enc, phone_hash, "
        "is_alive, death_date, created_at, updated_at) "
        f"SELECT s.enc, s.id_hash, NULL, substr(s.id_number, 15, 4), s.name, s.sex, {birth}, "
        "s.hukou_type, r.id, r.code, r.id, r.code, '', '', %s, NULL, %s, %s "
        f"FROM ({source}) s "
        "JOIN regions_region r ON r.code = s.hukou_region AND r.level = 'village' ORDER BY s.line",
        [True, ctx.now, ctx.now],
    )
    new = (  # read only in a sync (history), which always has ENC
        f"SELECT p.id AS person_id, p.birth_date FROM {ENC} e JOIN {ctx.rows} s ON s.line = e.line "
        "JOIN people_person p ON p.id_hash = s.id_hash"
    )
    births = ctx.history(
        "SELECT n.person_id, 'birth' AS kind, '' AS field, '' AS old_value, '' AS new_value "
        f"FROM ({new}) n WHERE n.birth_date >= %s",
        [ctx.since],
    )
    arrivals = ctx.history(
        "SELECT n.person_id, 'arrival' AS kind, '' AS field, '' AS old_value, '' AS new_value "
        f"FROM ({new}) n WHERE n.birth_date < %s",
        [ctx.since],
    )
    return added, births, arrivals


def _encrypt_newcomers(sql: _Sql, table: str, batch_size: int) -> None:
    """ENC: the ciphertext of each valid staging row whose person the registry lacks, batch by batch
    (keyset over the staging table)."""
    last = 0
    while True:
        sql.cur.execute(
            f"SELECT s.line, s.id_number FROM {table} s WHERE s.reason IS NULL AND s.line > %s "
            "AND NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id_hash = s.id_hash) "
            "ORDER BY s.line LIMIT %s",
            [last, batch_size],
        )
        rows = sql.cur.fetchall()
        if not rows:
            return
        lines = [r[0] for r in rows]
        batch = pa.table(
            {
                "line": pa.array(lines, pa.int64()),
                "id_number_enc": pa.array(crypto.encrypt_many([r[1] for r in rows]), pa.string()),
            }
        )
        del rows
        sql.fill(ENC, ["line", "id_number_enc"], batch)
        last = lines[-1]


def _apply_memberships(ctx: _Context) -> tuple[int, int]:
    sql = ctx.sql
    sql.run(
        f"CREATE TEMP TABLE {MEMBER} AS SELECT p.id AS person_id, p.birth_date, hh.id AS household_id, "
        "hh.number AS household_no, s.relation, m.id AS current_id, m.household_id AS current_household_id, "
        "ch.number AS current_no, m.relation AS current_relation "
        f"FROM {ctx.rows} s JOIN people_person p ON p.id_hash = s.id_hash "
        "JOIN people_household hh ON hh.number = s.household_no "
        "LEFT JOIN people_membership m ON m.person_id = p.id AND m.end_date IS NULL "
        "LEFT JOIN people_household ch ON ch.id = m.household_id "
        "WHERE s.reason IS NULL AND (m.id IS NULL OR m.household_id <> hh.id OR m.relation <> s.relation)"
    )
    # Identified members of a household the file delivers, whom the file no longer lists at all.
    leave = (
        f"CREATE TEMP TABLE {LEAVE} AS SELECT m.id AS membership_id, m.person_id, h.number AS household_no "
    )
    if ctx.gone:  # found by comparing the file with last month's
        sql.run(
            f"{leave} FROM {GONE} g JOIN people_person p ON p.id_hash = g.id_hash "
            "JOIN people_membership m ON m.person_id = p.id AND m.end_date IS NULL "
            "JOIN people_household h ON h.id = m.household_id AND h.number = g.household_no"
        )
    else:
        sql.run(
            f"{leave} FROM people_membership m JOIN people_household h ON h.id = m.household_id "
            f"JOIN {STAGE_HOUSEHOLD} sh ON sh.household_no = h.number "
            "JOIN people_person p ON p.id = m.person_id "
            "WHERE m.end_date IS NULL AND p.id_hash IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.id_hash = p.id_hash)"
        )
    moved = ctx.history(
        "SELECT person_id, 'household' AS kind, 'household_no' AS field, current_no AS old_value, "
        f"household_no AS new_value FROM {MEMBER} "
        "WHERE current_id IS NOT NULL AND current_household_id <> household_id UNION ALL "
        "SELECT person_id, 'field', 'relation', current_relation, relation "
        f"FROM {MEMBER} WHERE current_id IS NOT NULL AND current_household_id = household_id"
    )
    left = ctx.history(
        "SELECT person_id, 'left' AS kind, 'household_no' AS field, household_no AS old_value, "
        f"'' AS new_value FROM {LEAVE}"
    )
    sql.run(
        "UPDATE people_membership SET end_date = CASE WHEN start_date > %s THEN start_date ELSE %s END "
        f"WHERE id IN (SELECT current_id FROM {MEMBER} WHERE current_id IS NOT NULL) "
        f"OR id IN (SELECT membership_id FROM {LEAVE})",
        [ctx.closing, ctx.closing],
    )
    floor = ctx.first if ctx.sync else ctx.epoch
    sql.run(
        "INSERT INTO people_membership (household_id, person_id, relation, start_date, end_date) "
        f"SELECT n.household_id, n.person_id, n.relation, "
        f"CASE WHEN n.birth_date > %s THEN n.birth_date ELSE %s END, NULL FROM {MEMBER} n "
        # A head whose household still has an open head (that head's own row was rejected) waits; an
        # empty registry has none (and no index to look it up in, as for households).
        + (
            ""
            if ctx.fresh
            else "WHERE NOT (n.relation = 'head' AND EXISTS (SELECT 1 FROM people_membership o "
            "WHERE o.household_id = n.household_id AND o.relation = 'head' AND o.end_date IS NULL))"
        ),
        [floor, floor],
    )
    del moved, left
    return (
        sql.count(MEMBER, "current_id IS NOT NULL AND current_household_id <> household_id"),
        sql.count(LEAVE),
    )


def _apply_deaths(ctx: _Context) -> int:
    sql = ctx.sql
    sql.run(
        f"CREATE TEMP TABLE {DEAD} AS SELECT p.id AS person_id, d.death_date FROM {STAGE_DEATH} d "
        "JOIN people_person p ON p.id_hash = d.id_hash WHERE d.reason IS NULL AND p.is_alive = %s",
        [True],
    )
    ctx.history(
        "SELECT person_id, 'death' AS kind, 'death_date' AS field, '' AS old_value, "
        f"death_date AS new_value FROM {DEAD}"
    )
    return sql.run(
        f"UPDATE people_person SET is_alive = %s, death_date = {sql.date('d.death_date')}, updated_at = %s "
        f"FROM {DEAD} d WHERE people_person.id = d.person_id",
        [False, ctx.now],
    )
