"""高龄津贴 (high-age allowance): the tier rule, written once as SQL (`high_age_sql`), and the trial
calculation (assess.md `programme: high_age`).

The screening engine runs `high_age_sql` over the month's `person` table with the figures of each
person's county × hukou type (elderly/screening.py); the desk — the trial, the person's panel, the
automatic grant and tier change — runs the same SQL on one row (`high_age_tier`, programmes/desk.py).
Figures: high_age.* (policy.md: 80–89 / 90–99 / ≥ 100; ages and amounts are policy data)."""

# The SQL is assembled from this module's text and relation names given by the callers.
# ruff: noqa: S608

from __future__ import annotations

from decimal import Decimal
from typing import Any

from minzheng.assistance.assess import evaluate, parse_case
from minzheng.assistance.rules import (
    Case,
    Policy,
    Result,
    Test,
    age_in_month,
    fmt,
    household_income,
    yuan,
)
from minzheng.programmes import desk
from minzheng.programmes.household import figure_column as _f

CODE = "high_age"
TIER_LABELS = {"tier80": "80–89岁", "tier90": "90–99岁", "tier100": "100岁以上"}


# Figures the rule reads (per county × hukou type, for the month).
HIGH_AGE_KEYS: tuple[str, ...] = (
    "high_age.start_age",
    "high_age.tier2_age",
    "high_age.tier3_age",
    "high_age.tier80",
    "high_age.tier90",
    "high_age.tier100",
)
# The persons the rule reads: age = the age reached by the end of the month (a tier starts in the month
# of the birthday, `age_in_month`); fig_key = the person's own county × hukou type.
PERSON_COLUMNS: dict[str, str] = {"pid": "BIGINT", "fig_key": "INTEGER", "age": "INTEGER"}


def high_age_sql(persons: str, figures: str) -> str:
    """One row per person of `persons` (every column kept): tier ('tier80' | 'tier90' | 'tier100' | ''),
    tier_age (the age that tier starts at; NULL below the first), amount (the tier's monthly amount,
    exact; 0 below the first tier) and eligible."""
    t2, t3, start = (f"f.{_f(k)}" for k in ("high_age.tier2_age", "high_age.tier3_age", "high_age.start_age"))
    return f"""
SELECT p.*,
  CASE WHEN p.age >= {t3} THEN 'tier100' WHEN p.age >= {t2} THEN 'tier90'
       WHEN p.age >= {start} THEN 'tier80' ELSE '' END AS tier,
  CAST(CASE WHEN p.age >= {t3} THEN {t3} WHEN p.age >= {t2} THEN {t2}
       WHEN p.age >= {start} THEN {start} END AS INTEGER) AS tier_age,
  CASE WHEN p.age >= {t3} THEN f.{_f("high_age.tier100")} WHEN p.age >= {t2} THEN f.{_f("high_age.tier90")}
       WHEN p.age >= {start} THEN f.{_f("high_age.tier80")} ELSE 0 END AS amount,
  p.age >= {start} AS eligible
FROM {persons} p JOIN {figures} f ON f.fig_key = p.fig_key
"""


def high_age_tier(age: int, p: Policy) -> tuple[str, Decimal]:
    """The tier and monthly amount at `age` under policy `p`: `high_age_sql` evaluated on one row."""
    (row,) = desk.run(
        high_age_sql("persons", "figures"),
        {
            "persons": desk.table(PERSON_COLUMNS, [{"pid": 0, "fig_key": 0, "age": age}]),
            "figures": desk.figures_table(HIGH_AGE_KEYS, [{k: p(k) for k in HIGH_AGE_KEYS}]),
        },
    )
    return str(row["tier"]), Decimal(row["amount"])


def assess_high_age(case: Case, p: Policy) -> Result:
    """到龄即享 (seed 003): from the calendar month the oldest member turns 80; 90 and 100 move tiers."""
    m = min(case.members, key=lambda x: x.id.birth_date)
    age = age_in_month(m.id.birth_date, case.date)
    tier, amount = high_age_tier(age, p)
    start = int(p("high_age.start_age"))
    eligible = bool(tier)
    tests = [
        Test(
            "age",
            eligible,
            f"{case.date:%Y年%m月}年满{age}周岁，{'享受' if eligible else '未到'}高龄津贴"
            + (f"（{TIER_LABELS[tier]}档{fmt(amount)}元）" if eligible else f"（{start}周岁起）"),
        ),
        Test("alive", True, "到龄即享，无需申请"),
    ]
    return Result(
        programme=CODE,
        eligible=eligible,
        monthly_amount=yuan(amount),
        standard=yuan(amount),
        per_capita_income=yuan(household_income(case, p)[1]) if case.members else 0,
        members_covered=1 if eligible else 0,
        approval_level="automatic",
        rule_version=p.version,
        reasons=tests,
        extra={"age": age},
    )


def trial(data: dict[str, Any]) -> dict[str, Any]:
    """The registered trial calculation: assess.md case in, result out."""
    return evaluate(parse_case(data), assess_high_age).as_dict()
