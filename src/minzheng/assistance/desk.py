"""The desk path: one household (or a batch of them) from `Case`s into the canonical household facts,
evaluated by the programme's one SQL definition (`assistance/eligibility.py`) in an in-memory DuckDB.

Exact arithmetic: money enters as DECIMAL(18,4) (amounts are quantised to 1/10,000 yuan, half up) and
figures as DECIMAL, so the rule's comparisons and amounts are exact to the fen like the golden cases.
A case's figures are its own row of the figures table (resolved for its region and hukou type by the
caller), so a batch may mix counties."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pyarrow as pa

from minzheng.programmes.household import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, Case, figure_column

from . import eligibility as E

Figures = dict[str, Decimal]
_Q = Decimal("0.0001")
_local = threading.local()


def _money(x: Decimal | int | None) -> Decimal:
    return Decimal(x or 0).quantize(_Q, rounding=ROUND_HALF_UP)


def _type(sql_type: str) -> pa.DataType:
    if sql_type.startswith("DECIMAL"):
        p, s = (int(x) for x in sql_type[8:-1].split(","))
        return pa.decimal128(p, s)
    return {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "BOOLEAN": pa.bool_(), "VARCHAR": pa.string()}[
        sql_type
    ]


def _table(columns: dict[str, str], rows: list[dict[str, Any]]) -> pa.Table:
    return pa.table(
        {c: pa.array([r[c] for r in rows], type=_type(t)) for c, t in columns.items()},
    )


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def facts(cases: Sequence[Case]) -> tuple[pa.Table, pa.Table]:
    """The households and members tables of `cases` (hid = the case's position; pid = the member's)."""
    households, members = [], []
    for hid, case in enumerate(cases):
        wage = other = Decimal(0)
        for pid, m in enumerate(case.members):
            m_wage = m.monthly_wage if m.employed else Decimal(0)
            m_other = m.monthly_pension + m.other_income + (Decimal(0) if m.employed else m.monthly_wage)
            wage += m_wage
            other += m_other
            members.append(
                {
                    "hid": hid,
                    "pid": pid,
                    "fig_key": hid,
                    "alive": True,
                    "age": _age(m.id.birth_date, case.date),
                    "wage": _money(m_wage),
                    "other_income": _money(m_other),
                    "disability_grade": m.disability_grade,
                    "disability_kind": m.disability_kind,
                    "severe_illness": m.severe_illness,
                    "medical_oop": _money(m.medical_oop),
                    "self_care": m.self_care,
                    "has_supporter": m.has_supporter,
                }
            )
        a = case.assets
        households.append(
            {
                "hid": hid,
                "fig_key": hid,  # each case brings its own row of figures
                "n_alive": len(case.members),
                "wage": _money(wage),
                "other_income": _money(other),
                "fin": _money(a.financial),
                "n_veh": sum(1 for v in a.vehicles if v.kind != "disability"),
                "n_res": a.residential_properties,
                "biz_cap": _money(a.business_capital),
            }
        )
    return _table(HOUSEHOLD_COLUMNS, households), _table(MEMBER_COLUMNS, members)


def figures_table(keys: Sequence[str], figures: Sequence[Figures]) -> pa.Table:
    cols: dict[str, pa.Array] = {"fig_key": pa.array(range(len(figures)), type=pa.int32())}
    for key in keys:
        values = [f[key] for f in figures]
        scale = max([0, *(-int(v.as_tuple().exponent) for v in values)])
        cols[figure_column(key)] = pa.array(values, type=pa.decimal128(18 + scale, scale))
    return pa.table(cols)


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:", config={"threads": 1})
        _local.con = con
    return con


def _run(sql: str, tables: dict[str, pa.Table]) -> list[dict[str, Any]]:
    con = _connection().cursor()
    try:
        for name, table in tables.items():
            con.register(name, table)
        rel = con.execute(sql)
        names = [d[0] for d in rel.description]
        return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
    finally:
        con.close()


def dibao(cases: Sequence[Case], figures: Sequence[Figures]) -> list[dict[str, Any]]:
    """The dibao result row of each case (same order), from `eligibility.dibao_sql`."""
    hh, mem = facts(cases)
    rows = _run(
        E.dibao_sql("households", f"({E.dibao_alone_sql('members', 'figures')})", "figures")
        + " ORDER BY hid",
        {"households": hh, "members": mem, "figures": figures_table(E.DIBAO_KEYS, figures)},
    )
    return rows


def tekun(cases: Sequence[Case], figures: Sequence[Figures]) -> list[dict[str, Any]]:
    """The tekun result row of each case's head (the applicant the rule tests), same order."""
    hh, mem = facts(cases)
    heads = [
        {"hid": hid, "pid": next(j for j, m in enumerate(c.members) if m.relation == "head")}
        for hid, c in enumerate(cases)
    ]
    applicants = pa.table(
        {"hid": pa.array([h["hid"] for h in heads], pa.int64()), "pid": [h["pid"] for h in heads]}
    )
    return _run(
        E.tekun_sql("members", "figures", "applicants") + " ORDER BY hid",
        {
            "households": hh,
            "members": mem,
            "figures": figures_table(E.TEKUN_KEYS, figures),
            "applicants": applicants,
        },
    )


def counted_income(case: Case, rate: Decimal) -> Decimal:
    """The household's counted income (the figure shown by programmes that do not test it)."""
    hh, _ = facts([case])
    expr = E.counted_income("wage", "other_income", "$rate")
    con = _connection().cursor()
    try:
        con.register("households", hh)
        row = con.execute(f"SELECT {expr} FROM households", {"rate": rate}).fetchone()  # noqa: S608
    finally:
        con.close()
    return Decimal(row[0]) if row else Decimal(0)
