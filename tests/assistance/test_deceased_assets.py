"""A deceased member's deposits stay with the household (inheritance) and are divided by the members alive
(policy.md): the widow whose late husband left 340,000 yuan in savings is not a dibao candidate — at the
desk (the trial on the household's facts) and in the screening engine's household roll-up feeding the one
dibao rule (issue 19)."""

# the SQL here builds the engine's fact tables for one household
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from minzheng.assistance import desk
from minzheng.assistance import eligibility as E
from minzheng.assistance.assess import assess
from minzheng.monitoring.engine import policy_from_fixture
from minzheng.monitoring.engine import rules as R
from minzheng.programmes.desk import run
from tests.conftest import new_id

MONTH = "2025-07"
COUNTY = "370811"
WIDOW_INCOME = 300  # a small pension: alone she is under the standard


def _engine_household(savings: int) -> dict[str, Any]:
    """The engine's hfacts row of a two-person household — the husband died in May, his savings in the
    bank under his ID — and the one dibao rule on it with the county's urban figures."""
    died = dt.date(2025, 5, 3)
    pfacts = pa.table(
        {
            "pid": [1, 2],
            "hid": [10, 10],
            "birth_date": [dt.date(1955, 1, 1), dt.date(1957, 1, 1)],
            "urban": [True, True],
            "region": [f"{COUNTY}001001", f"{COUNTY}001001"],
            "is_head": [True, False],
            "age": pa.array([70, 68], pa.int16()),
            "death_date": [died, None],
            "alive": [False, True],
        }
    )
    income = pa.table(
        {"pid": [2], "wage": [0], "pension": [WIDOW_INCOME], "unemp": [0], "unemp_new": [False]}
    )
    finance = pa.table({"pid": [1, 2], "fin": [savings, 2000]})
    empty_v = pa.table({"pid": pa.array([], pa.int64()), "registered_date": pa.array([], pa.date32())})
    empty_b = pa.table({"pid": pa.array([], pa.int64()), "registered_capital": pa.array([], pa.int64())})
    home = pa.table({"pid": [1], "property_no": ["P1"]})
    tables = {
        "pfacts": pfacts,
        "income_facts": income,
        "finance": finance,
        "vehicle_facts": empty_v,
        "business_facts": empty_b,
        "home": home,
    }
    (hf,) = run(R.HFACTS_SQL, tables)
    policy = policy_from_fixture(MONTH, {COUNTY})
    figures = desk.figures_table(E.DIBAO_KEYS, [policy.figures[(COUNTY, "urban")]])
    households = pa.table(
        {
            "hid": [hf["hid"]],
            "fig_key": pa.array([0], pa.int32()),
            "n_alive": pa.array([hf["n_alive"]], pa.int32()),
            "wage": [Decimal(hf["wage"])],
            "other_income": [Decimal(hf["other_income"])],
            "fin": [Decimal(hf["fin"])],
            "n_veh": pa.array([hf["n_veh"]], pa.int32()),
            "n_res": pa.array([hf["n_res"]], pa.int32()),
            "biz_cap": pa.array([hf["biz_cap"]], pa.int64()),
        }
    )
    no_alone = "(SELECT CAST(NULL AS BIGINT) AS hid, 0 AS n_alone, CAST(0 AS DECIMAL(18,4)) AS alone_amount "
    no_alone += "WHERE false)"
    (row,) = run(
        E.dibao_sql("households", no_alone, "figures"), {"households": households, "figures": figures}
    )
    return {"facts": hf, "rule": row}


def test_the_engine_keeps_the_late_husbands_savings_in_the_household_divided_by_the_widow_alone() -> None:
    got = _engine_household(340_000)
    assert got["facts"]["n_alive"] == 1
    assert got["facts"]["fin"] == 342_000  # his 340,000 inherited + her own 2,000
    assert got["facts"]["other_income"] == WIDOW_INCOME  # the dead earn nothing
    assert got["rule"]["income_ok"] is True
    assert got["rule"]["fin_ok"] is False
    assert got["rule"]["eligible"] is False


def test_the_engine_proposes_the_same_widow_when_nothing_was_left() -> None:
    got = _engine_household(0)
    assert got["rule"]["fin_ok"] is True and got["rule"]["eligible"] is True


def _widow_case(financial: int) -> dict[str, Any]:
    return {
        "programme": "dibao",
        "date": f"{MONTH}-15",
        "region": COUNTY,
        "hukou_type": "urban",
        "members": [
            {
                "id_number": new_id(COUNTY, dt.date(1957, 1, 1), "F"),
                "relation": "head",
                "monthly_pension": WIDOW_INCOME,
            }
        ],
        "assets": {
            "financial": financial,
            "vehicles": [],
            "residential_properties": 1,
            "business_capital": 0,
        },
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("financial", "eligible"), [(342_000, False), (2_000, True)])
def test_the_desk_agrees_the_inherited_savings_count_for_the_widow_alone(
    financial: int, eligible: bool
) -> None:
    assert assess(_widow_case(financial))["eligible"] is eligible
