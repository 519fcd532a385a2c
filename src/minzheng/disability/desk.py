"""The desk path of the two subsidies: one applicant's `Case` into the canonical facts, evaluated by the
one SQL definition (`disability/eligibility.py`) in an in-memory DuckDB — the same relations the monthly
screening builds set-based from the snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from minzheng.assistance import desk as household_desk
from minzheng.programmes.household import Case

from . import eligibility as E


@dataclass(frozen=True)
class Status:
    """What the two subsidies add to the household facts, for the member assessed (the head)."""

    household_dibao: bool = False
    tekun: bool = False
    work_injury_care: bool = False


def subsidies(
    cases: Sequence[Case], statuses: Sequence[Status], figures: Sequence[dict[str, Decimal]]
) -> list[dict[str, Any] | None]:
    """The result row of each case's head (same order); None when the head has no disability grade."""
    _, mem = household_desk.facts(cases)
    heads = [next(j for j, m in enumerate(c.members) if m.relation == "head") for c in cases]
    status = pa.table(
        {
            "hid": pa.array(range(len(cases)), pa.int64()),
            "pid": pa.array(heads, pa.int64()),
            "household_dibao": pa.array([s.household_dibao for s in statuses], pa.bool_()),
            "tekun": pa.array([s.tekun for s in statuses], pa.bool_()),
            "work_injury_care": pa.array([s.work_injury_care for s in statuses], pa.bool_()),
        }
    )
    fig = household_desk.figures_table(E.FIGURE_KEYS, figures)
    con = duckdb.connect(":memory:", config={"threads": 1})
    try:
        for name, table in {"members": mem, "status": status, "figures": fig}.items():
            con.register(name, table)
        rel = con.execute(
            f"SELECT r.* FROM ({E.subsidy_sql('members', 'status', 'figures')}) r "  # noqa: S608
            "JOIN status s ON s.hid = r.hid AND s.pid = r.pid ORDER BY r.hid"
        )
        names = [d[0] for d in rel.description]
        found = {row[0]: dict(zip(names, row, strict=True)) for row in rel.fetchall()}
    finally:
        con.close()
    return [found.get(i) for i in range(len(cases))]
