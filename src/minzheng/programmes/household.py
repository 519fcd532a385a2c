"""The canonical household facts: the one shape both paths give the programme rules.

A programme's eligibility and amount are written once, as SQL over three relations (see
`assistance/eligibility.py`); the desk fills them for one household from a `Case` (e.g. `assistance/desk.py`),
the screening engine set-based for the whole city from the month's snapshot (`monitoring/engine`).

households  one row per household:
  hid           household key (BIGINT)
  fig_key       county × hukou type of the household (its head), the key of its row of `figures`:
                county code (6 digits) × 2 + 1 for urban, + 0 for rural
  n_alive       members alive at the month's end (the desk: every member of the case)
  wage          wages of employed members alive (the employment deduction applies to these)
  other_income  every other income of members alive: pensions, unemployment benefit, other income
  fin           financial assets: deposits + securities + insurance cash value
  n_veh         motor vehicles other than a disability mobility vehicle
  n_res         residential properties (a home owned jointly counts once)
  biz_cap       the largest registered capital of an active business (NULL or 0 when none)
  The assets (fin, n_veh, n_res, biz_cap) are the household's property (家庭财产, 《最低生活保障审核确认办法》
  第十二条): what a member who died left to the household counts with it; income and the head count take
  the members alive only.

members     one row per member (the tekun rule tests one person; 单人保 tests members one by one):
  hid, pid      household and person keys
  fig_key       the household's fig_key, repeated on each member (joins the figures without the household)
  alive         alive at the month's end
  age           age in whole years on the day assessed (the engine: the month's end)
  wage, other_income   as above, the person's own
  disability_grade     the most severe disability certificate's grade (1–4, NULL when none)
  disability_kind      its kind (intellectual, mental, …; NULL when not known)
  severe_illness       a severe illness declared and certified
  medical_oop          medical out-of-pocket spending of the month (0 when not known)
  self_care            full | partial | none (the care standard of 特困)
  has_supporter        a legal supporter able to support; NULL = not declared, inferred from the household
                       (another member alive of working age)

figures     one row per fig_key with one column per policy figure (`figure_column`), each resolved with
            `policy_resolve` for that county and hukou type on the month (a missing figure is an error).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from minzheng.core.idnumber import IdInfo

ZERO = Decimal(0)

MONEY = "DECIMAL(18,4)"  # exact yuan amounts to 1/10,000 yuan (wage × (1 − rate) stays exact)
FIGURE = "DECIMAL(18,4)"

HOUSEHOLD_COLUMNS: dict[str, str] = {
    "hid": "BIGINT",
    "fig_key": "INTEGER",
    "n_alive": "INTEGER",
    "wage": MONEY,
    "other_income": MONEY,
    "fin": MONEY,
    "n_veh": "INTEGER",
    "n_res": "INTEGER",
    "biz_cap": MONEY,
}

MEMBER_COLUMNS: dict[str, str] = {
    "hid": "BIGINT",
    "pid": "BIGINT",
    "fig_key": "INTEGER",
    "alive": "BOOLEAN",
    "age": "INTEGER",
    "wage": MONEY,
    "other_income": MONEY,
    "disability_grade": "INTEGER",
    "disability_kind": "VARCHAR",
    "severe_illness": "BOOLEAN",
    "medical_oop": MONEY,
    "self_care": "VARCHAR",
    "has_supporter": "BOOLEAN",
}

# the fig_key expression over a 6-digit county code column and an "is urban" boolean expression
FIG_KEY = "CAST(TRY_CAST(left({region}, 6) AS INTEGER) * 2 + CASE WHEN {urban} THEN 1 ELSE 0 END AS INTEGER)"


def fig_key(county: str, hukou_type: str) -> int:
    """The Python twin of FIG_KEY for one county code (or a longer code under it) and hukou type."""
    return int(county[:6]) * 2 + (1 if hukou_type == "urban" else 0)


def figure_column(key: str) -> str:
    """The figures table's column of a policy key: dibao.standard → f_dibao__standard."""
    return "f_" + key.replace(".", "__")


def create_sql(name: str, columns: dict[str, str]) -> str:
    return f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns.items())})"


# The household as the desk takes it in (试算, an application, a verification report): validated input, no
# database. Every line's trial calculation reads this shape.
@dataclass(frozen=True)
class Vehicle:
    kind: str
    value: Decimal


@dataclass(frozen=True)
class Member:
    id: IdInfo
    relation: str
    monthly_wage: Decimal = ZERO
    employed: bool = False
    monthly_pension: Decimal = ZERO
    other_income: Decimal = ZERO
    disability_grade: int | None = None
    disability_kind: str | None = None
    severe_illness: bool = False
    self_care: str = "full"
    has_supporter: bool | None = True  # None: not declared, inferred from the household (engine facts)
    name: str = ""
    medical_oop: Decimal = ZERO  # the month's medical out-of-pocket bill, when known (verification)
    # Inputs only another programme's rule reads, keyed by the name it registered (TrialField).
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Assets:
    financial: Decimal = ZERO
    vehicles: tuple[Vehicle, ...] = ()
    residential_properties: int = 0
    business_capital: Decimal = ZERO


@dataclass(frozen=True)
class Case:
    programme: str
    date: dt.date
    region: str
    hukou_type: str
    members: tuple[Member, ...]
    assets: Assets = field(default_factory=Assets)
    amount_requested: Decimal | None = None
