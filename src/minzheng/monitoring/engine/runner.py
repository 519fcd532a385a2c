"""Runs the screening rules of `rules.py` over one monthly data-exchange snapshot.

DuckDB (embedded, the city's engine) runs the rules' SQL as written; Spark (the province's engine) runs
the same SQL transpiled by sqlglot. Everything is set-based: the runner only assembles SQL text, never
loops over people. The alerts of the month are published atomically as out_dir/alerts-YYYY-MM.parquet
(written to a temporary file in out_dir, then os.replace), with status new / persisting / resolved
against the previous month's alerts.
"""

# SQL text is assembled from rules.py and this module; outside values enter only as validated policy
# figures (numbers, 6-digit county codes, urban/rural) and quoted file paths, so string-built SQL is
# intended here.
# ruff: noqa: S608

from __future__ import annotations

import calendar
import contextlib
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from minzheng.assistance.eligibility import FIGURE_KEYS
from minzheng.programmes.household import FIGURE, fig_key, figure_column

from . import rules as R

ALERT_SCHEMA = pa.schema(
    [
        ("month", pa.string()),
        ("rule", pa.string()),
        ("severity", pa.string()),
        ("programme", pa.string()),
        ("id_number", pa.string()),
        ("household_no", pa.string()),
        ("region_code", pa.string()),
        ("evidence", pa.string()),
        ("difficulty_index", pa.int32()),
        ("status", pa.string()),
    ]
)
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.:|]+)\s*\}\}")
FIXTURE = Path(__file__).resolve().parents[2] / "policy" / "fixtures" / "policy_default.json"


class ScreeningError(ValueError):
    pass


_FIGURE_COLUMN = re.compile(r"\bf_([a-z0-9]\w*?__\w+)\b")


def figure_keys() -> tuple[str, ...]:
    """Every figure the month's SQL reads from the figures table, per county × hukou type: the programme
    rules' (eligibility.FIGURE_KEYS) and every figure column (`figure_column`) a rule or stage names, e.g.
    the high-age tiers of elderly/screening.py."""
    named = {
        m.replace("__", ".")
        for sql in (
            *(st.sql for st in (*R.FACTS, *R.STAGES, R.DIFFICULTY_STAGE)),
            *(rule.sql for rule in R.RULES),
        )
        for m in _FIGURE_COLUMN.findall(sql)
    }
    return tuple(dict.fromkeys([*FIGURE_KEYS, *sorted(named)]))


@dataclass
class Policy:
    """Everything the rules read, for one month: the programme rules' figures per county × hukou type
    (`figures`, every key of eligibility.FIGURE_KEYS) and the city-wide figures of the other rules
    (`params`). A figure that is not there is an error, never a default."""

    month: str  # "YYYY-MM"
    figures: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)  # (county6, hukou)
    params: dict[str, Decimal] = field(default_factory=dict)

    def figure(self, key: str) -> Decimal:
        """A city-wide figure, exact (what the SQL receives)."""
        if key in self.params:
            return Decimal(str(self.params[key]))
        raise ScreeningError(f"缺少政策参数“{key}”，请在政策参数中补充后再运行")

    def param(self, key: str) -> float:
        """A city-wide figure as a number for Python callers (test tooling, ages)."""
        return float(self.figure(key))

    @property
    def standards(self) -> list[tuple[str, str, float]]:
        """(county6, hukou_type, dibao standard) of every county × hukou type."""
        return [(c, h, float(f["dibao.standard"])) for (c, h), f in sorted(self.figures.items())]


def policy_from_fixture(month: str, counties: Iterable[str], fixture: Path = FIXTURE) -> Policy:
    """The policy of `month` from the default policy fixture (the same rows the policy tables load):
    every figure of the programme rules per county × hukou type and every city-wide figure the fixture
    defines; for each key the row in force on the month's first day with the most specific region prefix
    (then hukou type) wins. A programme figure missing for a county is an error."""
    _check_month(month)
    on = f"{month}-01"
    rows = [
        r
        for r in json.loads(fixture.read_text(encoding="utf-8"))["parameters"]
        if r["effective_from"] <= on and (r["effective_to"] is None or r["effective_to"] >= on)
    ]

    def best(key: str, county: str, hukou: str) -> Decimal | None:
        cands = [
            r
            for r in rows
            if r["key"] == key and county.startswith(r["region_prefix"]) and r["hukou_type"] in ("", hukou)
        ]
        if not cands:
            return None
        top = max(cands, key=lambda r: (len(r["region_prefix"]), bool(r["hukou_type"]), r["effective_from"]))
        return Decimal(str(top["value"]))

    figures: dict[tuple[str, str], dict[str, Decimal]] = {}
    for county in sorted(set(counties)):
        for hukou in ("urban", "rural"):
            row: dict[str, Decimal] = {}
            for key in sorted({r["key"] for r in rows} | set(FIGURE_KEYS)):
                value = best(key, county, hukou)
                if value is None and key in FIGURE_KEYS:
                    raise ScreeningError(f"{month}在区划{county}（{hukou}）没有有效的政策参数“{key}”")
                if value is not None:
                    row[key] = value
            figures[(county, hukou)] = row
    params = {}
    for key in sorted({r["key"] for r in rows}):
        value = best(key, "", "")
        if value is not None:
            params[key] = value
    return Policy(month=month, figures=figures, params=params)


# ----------------------------------------------------------------------------- helpers
def _check_month(month: str) -> None:
    if not _MONTH.fullmatch(month or ""):
        raise ScreeningError(f"月份格式应为YYYY-MM：{month}")


def _shift_month(month: str, delta: int) -> tuple[int, int]:
    y, m = (int(x) for x in month.split("-"))
    k = y * 12 + m - 1 + delta
    return k // 12, k % 12 + 1


def previous_month(month: str) -> str:
    y, m = _shift_month(month, -1)
    return f"{y:04d}-{m:02d}"


def _literal(value: Decimal | float) -> str:
    """A policy figure as an exact SQL numeric literal (DECIMAL in both engines, never a float)."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def _date(y: int, m: int, d: int) -> str:
    return f"DATE '{y:04d}-{m:02d}-{d:02d}'"


def render(sql: str, policy: Policy) -> str:
    """Fills {{…}} placeholders with the month's dates and policy figures."""
    y, m = (int(x) for x in policy.month.split("-"))
    last = calendar.monthrange(y, m)[1]
    fixed = {
        "month": f"'{policy.month}'",
        "month_start": _date(y, m, 1),
        "month_end": _date(y, m, last),
        "month_end_mmdd": str(m * 100 + last),
        "year": str(y),
        "month_number": str(m),
        "month_index": str(y * 12 + m),  # months since year 0: window tests by a county's figure
    }

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("turning:"):
            age = int(policy.param(name.split(":", 1)[1]))
            return _born_in_month(y - age, m)
        if name.startswith("turning_any:"):
            # Born this month at any of these ages in any county (the ages are per county × hukou): a
            # cheap range prefilter before a rule joins each person to their own county's figures.
            keys = name.split(":", 1)[1].split("|")
            ages = sorted({int(row[k]) for row in policy.figures.values() for k in keys})
            if not ages:
                raise ScreeningError(f"{policy.month}没有政策参数{'、'.join(keys)}")
            return "(" + " OR ".join(_born_in_month(y - a, m) for a in ages) + ")"
        if name in fixed:
            return fixed[name]
        return _literal(policy.figure(name))

    return _PLACEHOLDER.sub(sub, sql)


def _born_in_month(year: int, month: int) -> str:
    last = calendar.monthrange(year, month)[1]
    return f"(birth_date BETWEEN {_date(year, month, 1)} AND {_date(year, month, last)})"


def _figures_sql(policy: Policy, keys: tuple[str, ...]) -> str:
    """The figures table: one row per county × hukou type (fig_key), one exact DECIMAL column per figure."""
    cols = ", ".join(figure_column(k) for k in keys)
    rows = ", ".join(
        "("
        + ", ".join([str(fig_key(county, hukou))] + [f"CAST({_literal(row[k])} AS {FIGURE})" for k in keys])
        + ")"
        for (county, hukou), row in sorted(policy.figures.items())
    )
    return f"SELECT * FROM (VALUES {rows}) AS f(fig_key, {cols})"


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident set size (VmHWM) of this process or of `pid`."""
    path = Path(f"/proc/{pid or 'self'}/status")
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0 if pid is None else 0.0


def _source_file(snapshot: Path, name: str) -> Path | None:
    for ext in ("parquet", "csv"):
        f = snapshot / f"{name}.{ext}"
        if f.is_file():
            return f
    return None


def _file_columns(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return list(pq.read_schema(path).names)
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [c.strip() for c in next(csv.reader(f), [])]


_TABLE_REF = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def reads(sql: str) -> set[str]:
    """The shared stages a rule's SQL reads (names after FROM / JOIN)."""
    names = {stage.name for stage in (*R.FACTS, *R.STAGES)}  # STAGES: built from the registry when first read
    return {name for name in _TABLE_REF.findall(sql) if name in names}


def _quote(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _select_list(columns: dict[str, str], present: list[str] | None) -> str:
    """Typed projection of a source; columns the file lacks (optional ones) come out as NULL."""
    items = []
    for col, typ in columns.items():
        src = f'"{col}"' if present is None or col in present else "NULL"
        items.append(f'CAST({src} AS {typ}) AS "{col}"')
    return ", ".join(items)


# ----------------------------------------------------------------------------- engines
class _DuckDB:
    name = "duckdb"

    def __init__(self, threads: int | None, memory_limit: str | None, tmp_dir: Path) -> None:
        import duckdb

        self.con = duckdb.connect(config={"preserve_insertion_order": False})
        # shared tables live in a compressed in-memory database: after a checkpoint, integer keys, dates
        # and flags are bit-packed, which keeps 8.3 M persons well inside the memory limit
        self.con.execute("ATTACH ':memory:' AS work (COMPRESS)")
        self.con.execute("USE work")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute(f"SET temp_directory = {_quote(tmp_dir)}")
        self.con.execute("CREATE MACRO hash64(x) AS CAST(hash(x) >> 2 AS BIGINT)")

    def sql(self, text: str) -> str:
        return text

    def register_file(self, view: str, path: Path, columns: dict[str, str]) -> None:
        present = _file_columns(path)
        if path.suffix == ".parquet":
            reader = f"read_parquet({_quote(path)})"
        else:
            reader = f"read_csv({_quote(path)}, header = true, all_varchar = true)"
        self.con.execute(
            f"CREATE OR REPLACE VIEW {view} AS SELECT {_select_list(columns, present)} FROM {reader}"
        )

    def register_empty(self, view: str, columns: dict[str, str]) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT {_select_list(columns, [])} LIMIT 0")

    def register_parquet(self, view: str, path: Path) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet({_quote(path)})")

    def export(self, name: str, path: Path) -> None:
        # snappy: a third faster to read back than zstd, and the facts are read every run
        self.con.execute(f"COPY {name} TO {_quote(path)} (FORMAT parquet, COMPRESSION snappy)")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def materialise(self, name: str, sql: str, compact: bool = False) -> int:
        if compact:  # into the compressed database, compressed by the checkpoint
            row = self.con.execute(f"CREATE OR REPLACE TABLE work.{name} AS {sql}").fetchone()
            self.con.execute("CHECKPOINT work")
        else:
            row = self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}").fetchone()
        return int(row[0]) if row else 0  # DuckDB answers CREATE TABLE AS with the row count

    def scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return row[0] if row else None

    def arrow(self, sql: str) -> pa.Table:
        return self.con.execute(sql).to_arrow_table()

    def peak_rss_mb(self) -> float:
        return peak_rss_mb()

    def close(self) -> None:
        self.con.close()


class _Spark:
    name = "spark"

    def __init__(self, threads: int | None, memory_limit: str | None) -> None:
        import sqlglot  # noqa: F401  (fail early with a clear ImportError)
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        self.owned = active is None
        if active is not None:
            self.spark = active
        else:
            builder = (
                SparkSession.builder.master(f"local[{threads or 2}]")
                .appName("minzheng-screening")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", str(max(2, 2 * (threads or 2))))
                .config("spark.sql.session.timeZone", "UTC")
            )
            if memory_limit:
                builder = builder.config(
                    "spark.driver.memory", memory_limit.replace("GB", "g").replace("MB", "m")
                )
            self.spark = builder.getOrCreate()
        self.cached: list[str] = []

    def sql(self, text: str) -> str:
        import sqlglot
        from sqlglot import exp

        def fix(node: exp.Expression) -> exp.Expression:
            # hash64 (a DuckDB macro) → a non-negative 62-bit xxhash64 in Spark
            if isinstance(node, exp.Anonymous) and str(node.this).lower() == "hash64":
                return exp.func(
                    "shiftrightunsigned", exp.func("xxhash64", *node.expressions), exp.Literal.number(2)
                )
            return node

        tree = sqlglot.parse_one(text, read="duckdb").transform(fix)
        return tree.sql(dialect="spark")

    def register_file(self, view: str, path: Path, columns: dict[str, str]) -> None:
        present = _file_columns(path)
        if path.suffix == ".parquet":
            df = self.spark.read.parquet(str(path))
        else:
            df = self.spark.read.option("header", "true").csv(str(path))
        df.createOrReplaceTempView(f"{view}_file")
        self.spark.sql(
            self.sql(f"SELECT {_select_list(columns, present)} FROM {view}_file")
        ).createOrReplaceTempView(view)

    def register_empty(self, view: str, columns: dict[str, str]) -> None:
        self.spark.sql(self.sql(f"SELECT {_select_list(columns, [])} LIMIT 0")).createOrReplaceTempView(view)

    def register_parquet(self, view: str, path: Path) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(view)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)
        self.cached.append(name)

    def materialise(self, name: str, sql: str, compact: bool = False) -> int:
        # an eager local checkpoint keeps the result and cuts its lineage, so later queries plan against
        # a small leaf instead of re-analysing every stage they build on
        df = self.spark.sql(sql).localCheckpoint(eager=True)
        df.createOrReplaceTempView(name)
        self.cached.append(name)
        return int(df.count())

    def scalar(self, sql: str) -> Any:
        rows = self.spark.sql(sql).collect()
        return rows[0][0] if rows else None

    def arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def peak_rss_mb(self) -> float:
        jvm = 0.0
        with contextlib.suppress(Exception):
            gateway: Any = self.spark.sparkContext._gateway
            jvm = peak_rss_mb(int(gateway.proc.pid))
        return peak_rss_mb() + jvm

    def close(self) -> None:
        for name in self.cached:
            self.spark.catalog.dropTempView(name)
        if self.owned:
            self.spark.stop()


# ----------------------------------------------------------------------------- assembly SQL
def _raw_sql(ran: list[tuple[R.Rule, str]]) -> str:
    """All rule results in one table, tagged with the rule code."""
    if not ran:
        return (
            "SELECT CAST(NULL AS VARCHAR) AS rule, CAST(NULL AS BIGINT) AS pid, CAST(NULL AS BIGINT) AS hid, "
            "CAST(NULL AS VARCHAR) AS region_code, CAST(NULL AS VARCHAR) AS evidence LIMIT 0"
        )
    return " UNION ALL ".join(
        f"SELECT '{rule.code}' AS rule, pid, hid, region_code, evidence FROM {table}" for rule, table in ran
    )


def _meta_sql(rules: list[R.Rule]) -> str:
    if not rules:
        return (
            "SELECT CAST(NULL AS VARCHAR) AS rule, CAST(NULL AS VARCHAR) AS severity, "
            "CAST(NULL AS VARCHAR) AS programme, CAST(NULL AS BOOLEAN) AS with_difficulty LIMIT 0"
        )
    rows = ", ".join(
        f"('{r.code}', '{r.severity}', '{r.programme}', {'true' if r.difficulty else 'false'})" for r in rules
    )
    return f"SELECT * FROM (VALUES {rows}) AS m(rule, severity, programme, with_difficulty)"


def _current_sql(with_difficulty: bool, text_hh: bool) -> str:
    """One row per (rule, person) — a person registered in two households is reported with the smaller
    household key — with the ID number and household number as text and the 困难指数."""
    difficulty = R.difficulty_sql("h", "d") if with_difficulty else "CAST(NULL AS INTEGER)"
    # household numbers that are plain digits decode from hid; others are looked up in the register
    hh_no = R.hh_no_of("r.hid")
    text_join = ""
    if text_hh:
        hh_no = f"CASE WHEN r.hid >= 0 THEN {hh_no} ELSE t.household_no END"
        text_join = (
            f"LEFT JOIN (SELECT DISTINCT {R.hid_of('household_no')} AS hid, household_no FROM src_persons "
            f"WHERE {R.hid_of('household_no')} < 0) t ON t.hid = r.hid"
        )
    return f"""
WITH ranked AS (
  SELECT a.*, row_number() OVER (PARTITION BY rule, pid ORDER BY hid, region_code, evidence) AS rn
  FROM alerts_raw a)
SELECT {{{{month}}}} AS "month", r.rule, m.severity, m.programme, {R.id_of("r.pid")} AS id_number,
       CASE WHEN r.hid IS NULL THEN NULL ELSE {hh_no} END AS household_no,
       r.region_code, r.evidence,
       CASE WHEN m.with_difficulty THEN {difficulty} END AS difficulty_index
FROM ranked r
JOIN rule_meta m ON m.rule = r.rule
LEFT JOIN hh h ON h.hid = r.hid
{"LEFT JOIN difficulty d ON d.hid = r.hid" if with_difficulty else ""}
{text_join}
WHERE r.rn = 1
"""


def _status_sql(skipped: list[str]) -> str:
    """Status against the previous month's alerts, keyed by (rule, id_number): alerts found again
    persist, new ones are new, and previous ones not found now are resolved — except for rules skipped
    this month (their source was not delivered, so absence proves nothing)."""
    not_skipped = " AND ".join(f"rule <> '{code}'" for code in skipped) or "true"
    return f"""
WITH prev AS (SELECT * FROM src_previous WHERE status <> 'resolved' AND {not_skipped})
SELECT c.*, CASE WHEN p.rule IS NULL THEN 'new' ELSE 'persisting' END AS status
FROM alerts_cur c
LEFT JOIN (SELECT DISTINCT rule, id_number FROM prev) p ON p.rule = c.rule AND p.id_number = c.id_number
UNION ALL
SELECT {{{{month}}}} AS "month", p.rule, p.severity, p.programme, p.id_number, p.household_no, p.region_code,
       p.evidence, p.difficulty_index, 'resolved' AS status
FROM prev p
WHERE NOT EXISTS (SELECT 1 FROM alerts_cur c WHERE c.rule = p.rule AND c.id_number = p.id_number)
"""


PREVIOUS_COLUMNS = {f.name: {"string": "VARCHAR", "int32": "INTEGER"}[str(f.type)] for f in ALERT_SCHEMA}


# ----------------------------------------------------------------------------- publishing
def write_atomic(table: pa.Table, path: Path, batch_rows: int = 65_536) -> None:
    """Writes `table` next to `path` under a temporary name and renames it into place: readers (and a
    kill -9 mid-write) see either the previous file or the complete new one, never a partial file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with pq.ParquetWriter(str(tmp), table.schema, compression="zstd") as writer:
            for batch in table.to_batches(max_chunksize=batch_rows):
                writer.write_batch(batch)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ----------------------------------------------------------------------------- snapshot facts
# The facts of a snapshot's month (rules.FACTS) are prepared once, when the snapshot is imported, into
# SNAPSHOT/facts-YYYY-MM/<fact>.parquet with facts.json naming the facts' SQL version and the snapshot
# they came from; every screening of that month reads them. Facts stale by either are rebuilt in the run.
FACTS_FILE = "facts.json"
FACTS_VERSION = hashlib.sha256(
    json.dumps([[st.name, st.sql] for st in R.FACTS] + [R.SOURCE_COLUMNS], sort_keys=True).encode()
).hexdigest()[:16]
_FACT_PLACEHOLDERS = {"month", "month_start", "month_end", "month_end_mmdd", "year", "month_number"}


def facts_path(snapshot: Path, month: str) -> Path:
    return Path(snapshot) / f"facts-{month}"


def _snapshot_key(snapshot: Path) -> str:
    """Fingerprint of a snapshot: its manifest and the names and sizes of its source files."""
    h = hashlib.sha256()
    manifest = snapshot / "manifest.json"
    if manifest.is_file():
        h.update(manifest.read_bytes())
    for name in sorted(R.SOURCE_COLUMNS):
        f = _source_file(snapshot, name)
        if f is not None:
            h.update(f"{f.name}:{f.stat().st_size};".encode())
    return h.hexdigest()


def facts_ready(snapshot: Path, month: str) -> Path | None:
    """The prepared facts directory of `month`, or None when absent, incomplete or stale."""
    snapshot = Path(snapshot)
    folder = facts_path(snapshot, month)
    try:
        meta = json.loads((folder / FACTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(meta, dict)
        or meta.get("version") != FACTS_VERSION
        or meta.get("month") != month
        or meta.get("snapshot") != _snapshot_key(snapshot)
    ):
        return None
    if not all((folder / f"{st.name}.parquet").is_file() for st in R.FACTS):
        return None
    return folder


def _render_fact(sql: str, month: str) -> str:
    """A fact's SQL for `month`. Facts may read dates of the month only, never a policy figure: that is
    what lets one preparation serve every screening of the month, whatever the policy."""
    extra = set(_PLACEHOLDER.findall(sql)) - _FACT_PLACEHOLDERS
    if extra:
        raise ScreeningError(f"快照事实不得引用政策参数：{'、'.join(sorted(extra))}")
    return render(sql, Policy(month=month))


def _register_sources(eng: _DuckDB | _Spark, snapshot: Path) -> set[str]:
    """Registers every source as src_<name> (an empty table when not delivered); returns the delivered."""
    delivered = set()
    for name, columns in R.SOURCE_COLUMNS.items():
        f = _source_file(snapshot, name)
        if f is None:
            eng.register_empty(f"src_{name}", columns)
        else:
            eng.register_file(f"src_{name}", f, columns)
            delivered.add(name)
    return delivered


def prepare(
    *,
    snapshot: Path,
    month: str,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> dict[str, Any]:
    """Builds the facts of `month` from `snapshot` and publishes them as snapshot/facts-<month>/ (a
    temporary directory renamed into place, so a kill leaves either the old facts or none, never a
    partial set). Returns {"path", "rows", "seconds"}."""
    t_all = time.perf_counter()
    _check_month(month)
    snapshot = Path(snapshot)
    if not snapshot.is_dir():
        raise ScreeningError(f"数据快照目录不存在：{snapshot}")
    target = facts_path(snapshot, month)
    tmp = snapshot / f".facts-{month}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    try:
        eng = _DuckDB(threads, memory_limit, tmp / "spill")
        try:
            key = _snapshot_key(snapshot)
            _register_sources(eng, snapshot)
            for st in R.FACTS:
                t0 = time.perf_counter()
                rows[st.name] = eng.materialise(st.name, _render_fact(st.sql, month), compact=st.compress)
                eng.export(st.name, tmp / f"{st.name}.parquet")
                seconds[f"fact:{st.name}"] = time.perf_counter() - t0
        finally:
            eng.close()
        shutil.rmtree(tmp / "spill", ignore_errors=True)
        meta = {"version": FACTS_VERSION, "month": month, "snapshot": key, "rows": rows}
        (tmp / FACTS_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        old = snapshot / f".facts-{month}.{os.getpid()}.old"
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    seconds["total"] = time.perf_counter() - t_all
    return {"path": str(target), "rows": rows, "seconds": {k: round(v, 4) for k, v in seconds.items()}}


# ----------------------------------------------------------------------------- screen
def screen(
    *,
    snapshot: Path,
    enrolments: Path,
    policy: Policy,
    out_dir: Path,
    engine: str = "duckdb",
    previous: Path | None = None,
    progress: Callable[[str, float], None] | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    use_prepared: bool = True,
    full_eligibility: bool = False,
    export: tuple[str, ...] = (),
) -> dict:
    """Runs every rule, writes out_dir/alerts-<month>.parquet atomically and returns a summary
    {"alerts", "by_rule", "by_status", "skipped", "seconds", "engine", "peak_rss_mb", "output"}.

    `previous` defaults to out_dir/alerts-<previous month>.parquet when that file exists. The snapshot's
    facts are read from its prepared facts-<month>/ when valid (and `use_prepared`), else built here.
    `full_eligibility` evaluates the tekun rule for every person alive, not only those the tekun check
    looks at; `export` names shared tables to write as out_dir/<name>-<month>.parquet (DuckDB only)."""
    t_all = time.perf_counter()
    _check_month(policy.month)
    if not policy.figures:
        raise ScreeningError("政策缺少低保标准（figures 为空）")
    keys = figure_keys()
    for (county, hukou), row in policy.figures.items():
        if not re.fullmatch(r"\d{6}", str(county)) or hukou not in ("urban", "rural"):
            raise ScreeningError(f"政策参数的区划或户口性质无效：{county} {hukou}")
        missing = [k for k in keys if k not in row]
        if missing:
            raise ScreeningError(f"区划{county}（{hukou}）缺少政策参数：{'、'.join(missing)}")
        for key in keys:
            value = Decimal(str(row[key]))
            if not value.is_finite() or value < 0 or (key == "dibao.standard" and not value > 0):
                raise ScreeningError(f"政策参数无效：{county} {hukou} {key}={value}")
    snapshot, enrolments, out_dir = Path(snapshot), Path(enrolments), Path(out_dir)
    if not snapshot.is_dir():
        raise ScreeningError(f"数据快照目录不存在：{snapshot}")
    if not enrolments.is_file():
        raise ScreeningError(f"在保名单文件不存在：{enrolments}")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"alerts-{policy.month}.parquet"
    if previous is None:
        guess = out_dir / f"alerts-{previous_month(policy.month)}.parquet"
        previous = guess if guess.is_file() else None

    def report(label: str, fraction: float) -> None:
        if progress is not None:
            progress(label, fraction)

    seconds: dict[str, float] = {}
    tmp_dir = out_dir / ".screening-tmp"
    if engine == "duckdb":
        eng: _DuckDB | _Spark = _DuckDB(threads, memory_limit, tmp_dir)
    elif engine == "spark":
        eng = _Spark(threads, memory_limit)
    else:
        raise ScreeningError(f"不支持的引擎：{engine}（可选 duckdb 或 spark）")

    def q(sql: str) -> str:
        return eng.sql(render(sql, policy))

    try:
        # -- sources: a file absent from the snapshot was not delivered this month
        t0 = time.perf_counter()
        delivered = _register_sources(eng, snapshot)
        eng.register_file("src_enrolments", enrolments, R.ENROLMENT_COLUMNS)
        if previous is not None and Path(previous).is_file():
            eng.register_file("src_previous", Path(previous), PREVIOUS_COLUMNS)
        else:
            eng.register_empty("src_previous", PREVIOUS_COLUMNS)
        eng.materialise("figures", q(_figures_sql(policy, keys)))

        # -- shared stages, each rule run as soon as the stages it reads exist (while they are still hot
        # in memory: the household stage is the largest and may push earlier tables to disk)
        rows: dict[str, int] = {}
        prepared = facts_ready(snapshot, policy.month) if use_prepared else None
        # (stage, its SQL): prepared facts are read from their files — the ones several stages read are
        # loaded into memory first, the rest are views — otherwise built from the sources here
        plan: list[tuple[R.Stage, str]] = []
        built: set[str] = set()
        for st in R.FACTS:
            if prepared is None:
                plan.append((st, eng.sql(_render_fact(st.sql, policy.month))))
            elif st.load:
                eng.register_parquet(f"{st.name}_file", prepared / f"{st.name}.parquet")
                plan.append((st, f"SELECT * FROM {st.name}_file"))
            else:
                eng.register_parquet(st.name, prepared / f"{st.name}.parquet")
                built.add(st.name)
        full = {"tekun_applicants": R.TEKUN_APPLICANTS_ALL_SQL} if full_eligibility else {}
        plan += [(st, q(full.get(st.name, st.sql))) for st in R.STAGES]
        seconds["register"] = time.perf_counter() - t0
        steps = len(plan) + len(R.RULES) + 1
        done = 0
        ran: list[tuple[R.Rule, str]] = []
        skipped: dict[str, str] = {}
        by_rule: dict[str, int] = {}
        pending = list(enumerate(R.RULES))
        for stage, sql in plan:
            t0 = time.perf_counter()
            if stage.view:
                eng.view(stage.name, sql)
            else:
                rows[stage.name] = eng.materialise(stage.name, sql, compact=stage.compress)
            seconds[f"stage:{stage.name}"] = time.perf_counter() - t0
            built.add(stage.name)
            done += 1
            report(f"stage:{stage.name}", done / steps)
            ready = [(i, rule) for i, rule in pending if reads(rule.sql) <= built]
            pending = [(i, rule) for i, rule in pending if not reads(rule.sql) <= built]
            for i, rule in ready:
                missing = [s for s in rule.sources if s not in delivered]
                done += 1
                if missing:
                    skipped[rule.code] = f"缺少数据源：{'、'.join(missing)}（本月未报送），规则未执行"
                    report(f"skip:{rule.code}", done / steps)
                    continue
                table, sql = f"rule_{i}", q(rule.sql)
                t0 = time.perf_counter()
                by_rule[rule.code] = eng.materialise(table, sql)
                seconds[rule.code] = time.perf_counter() - t0
                ran.append((rule, table))
                report(rule.code, done / steps)
        if pending:
            raise ScreeningError(f"规则读取了不存在的共享表：{', '.join(rule.code for _, rule in pending)}")
        # a household whose county has no figures would silently drop out of every programme rule
        uncovered = eng.scalar(
            "SELECT min(region) FROM hfacts WHERE n_alive > 0 AND fig_key IS NOT NULL "
            "AND fig_key NOT IN (SELECT fig_key FROM figures)"
        )
        if uncovered is not None:
            raise ScreeningError(f"区划{str(uncovered)[:6]}没有本月有效的政策参数，无法认定其家庭")
        ran.sort(key=lambda item: R.RULES.index(item[0]))

        # -- assembly: all results in one table; 困难指数 facts for the households of discovery, margin
        # and hardship alerts only; one row per (rule, person); status against the previous month
        t0 = time.perf_counter()
        eng.materialise("alerts_raw", q(_raw_sql(ran)))
        eng.materialise("rule_meta", q(_meta_sql([rule for rule, _ in ran])))
        missing_d = [s for s in R.DIFFICULTY_SOURCES if s not in delivered]
        with_difficulty = any(rule.difficulty for rule, _ in ran) and not missing_d
        if missing_d:
            difficulty_status = f"缺少数据源：{'、'.join(missing_d)}（本月未报送），困难指数未计算"
        else:
            difficulty_status = "computed"
        if with_difficulty:
            t1 = time.perf_counter()
            codes = ", ".join(f"'{rule.code}'" for rule, _ in ran if rule.difficulty)
            eng.materialise(
                "difficulty_target",
                q(f"SELECT DISTINCT hid FROM alerts_raw WHERE rule IN ({codes}) AND hid IS NOT NULL"),
            )
            rows["difficulty"] = eng.materialise("difficulty", q(R.DIFFICULTY_STAGE.sql))
            seconds["stage:difficulty"] = time.perf_counter() - t1
        text_hh = bool(eng.scalar("SELECT count(*) FROM hfacts WHERE hid < 0"))
        eng.materialise("alerts_cur", q(_current_sql(with_difficulty, text_hh)))
        table = eng.arrow(
            q(f"SELECT * FROM ({_status_sql(list(skipped))}) a ORDER BY rule, id_number, status")
        )
        table = table.select(ALERT_SCHEMA.names).cast(ALERT_SCHEMA)
        for name in export:
            if not isinstance(eng, _DuckDB):
                raise ScreeningError("只有 DuckDB 引擎可以导出共享表")
            eng.export(name, out_dir / f"{name}-{policy.month}.parquet")
        seconds["assemble"] = time.perf_counter() - t0 - seconds.get("stage:difficulty", 0.0)
        t0 = time.perf_counter()
        write_atomic(table, target)
        seconds["publish"] = time.perf_counter() - t0
        report("publish", 1.0)
        peak = eng.peak_rss_mb()
    finally:
        eng.close()
        with contextlib.suppress(OSError):
            for f in tmp_dir.glob("*"):
                f.unlink()
            tmp_dir.rmdir()

    by_status = {
        str(v["values"]): int(v["counts"]) for v in pc.value_counts(table.column("status")).to_pylist()
    }
    active = table.filter(pc.not_equal(table.column("status"), "resolved"))
    seconds["total"] = time.perf_counter() - t_all
    return {
        "month": policy.month,
        "engine": engine,
        "alerts": active.num_rows,
        "rows": table.num_rows,
        "by_rule": by_rule,
        "by_status": by_status,
        "skipped": skipped,
        "difficulty": difficulty_status,
        "stage_rows": rows,
        "facts": "prepared" if prepared is not None else "built",
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
        "peak_rss_mb": round(peak, 1),
        "output": str(target),
        "previous": str(previous) if previous else None,
    }
