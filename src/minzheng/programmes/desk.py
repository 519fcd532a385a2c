"""The desk path of every programme rule: a line writes its eligibility and amount once, as SQL over the
canonical facts (`programmes/household.py`) and a figures table; the screening engine runs that SQL over
the month's snapshot, the desk runs the very same SQL here on a few rows built from one case (试算, the
decision, a person's panel), in an in-memory DuckDB with exact DECIMAL arithmetic.

A case's figures are its own row of the figures table (resolved for its region and hukou type by the
caller, e.g. `policy_resolve`), so a batch may mix counties. See docs/adding-a-line.md, "One rule"."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pyarrow as pa

from .household import figure_column

Figures = Mapping[str, Decimal]
_Q = Decimal("0.0001")
_local = threading.local()


def money(x: Decimal | int | None) -> Decimal:
    """An amount as the facts hold it: DECIMAL(18,4), quantised to 1/10,000 yuan, half up."""
    return Decimal(x or 0).quantize(_Q, rounding=ROUND_HALF_UP)


def arrow_type(sql_type: str) -> pa.DataType:
    if sql_type.startswith("DECIMAL"):
        p, s = (int(x) for x in sql_type[8:-1].split(","))
        return pa.decimal128(p, s)
    return {
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "SMALLINT": pa.int16(),
        "BOOLEAN": pa.bool_(),
        "VARCHAR": pa.string(),
        "DATE": pa.date32(),
    }[sql_type]


def table(columns: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Rows (dicts) as an Arrow table of the given SQL column types."""
    return pa.table({c: pa.array([r[c] for r in rows], type=arrow_type(t)) for c, t in columns.items()})


def figures_table(keys: Sequence[str], figures: Sequence[Figures]) -> pa.Table:
    """One row per case (fig_key = the case's position), one exact DECIMAL column per figure."""
    cols: dict[str, pa.Array] = {"fig_key": pa.array(range(len(figures)), type=pa.int32())}
    for key in keys:
        values = [Decimal(f[key]) for f in figures]
        scale = max([0, *(-int(v.as_tuple().exponent) for v in values)])
        cols[figure_column(key)] = pa.array(values, type=pa.decimal128(18 + scale, scale))
    return pa.table(cols)


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:", config={"threads": 1})
        _local.con = con
    return con


def run(
    sql: str, tables: Mapping[str, pa.Table], params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The rows of `sql` over the named in-memory tables (each row a dict)."""
    con = _connection().cursor()
    try:
        for name, t in tables.items():
            con.register(name, t)
        rel = con.execute(sql, dict(params) if params else None)
        names = [d[0] for d in rel.description]
        return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
    finally:
        con.close()
