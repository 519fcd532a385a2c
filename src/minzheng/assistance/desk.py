"""The desk path: one household (or a batch of them) from `Case`s into the canonical household facts,
evaluated by the programme's one SQL definition (`assistance/eligibility.py`) in an in-memory DuckDB
(the plumbing every line shares is `programmes/desk.py`).

Exact arithmetic: money enters as DECIMAL(18,4) (amounts are quantised to 1/10,000 yuan, half up) and
figures as DECIMAL, so the rule's comparisons and amounts are exact to the fen like the golden cases.
A case's figures are its own row of the figures table (resolved for its region and hukou type by the
caller), so a batch may mix counties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa

from minzheng.programmes.desk import Figures, figures_table, run
from minzheng.programmes.desk import money as _money
from minzheng.programmes.desk import table as _table
from minzheng.programmes.household import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, Case

from . import eligibility as E

__all__ = ["Figures", "counted_income", "dibao", "facts", "figures_table", "tekun"]


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


def dibao(cases: Sequence[Case], figures: Sequence[Figures]) -> list[dict[str, Any]]:
    """The dibao result row of each case (same order), from `eligibility.dibao_sql`."""
    hh, mem = facts(cases)
    rows = run(
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
    return run(
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
    (row,) = run(f"SELECT {expr} AS income FROM households", {"households": hh}, {"rate": rate})  # noqa: S608
    return Decimal(row["income"])
