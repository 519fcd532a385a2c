"""高龄津贴 (high-age allowance): the tier rule and the trial calculation (assess.md `programme:
high_age`). Pure functions over a parsed case and the policy in force (high_age.* figures)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from minzheng.assistance.assess import evaluate, parse_case
from minzheng.assistance.rules import (
    ZERO,
    Case,
    Policy,
    Result,
    Test,
    age_in_month,
    fmt,
    household_income,
    yuan,
)

CODE = "high_age"
TIER_LABELS = {"tier80": "80–89岁", "tier90": "90–99岁", "tier100": "100岁以上"}


def high_age_tier(age: int, p: Policy) -> tuple[str, Decimal]:
    """The tier and monthly amount at `age` (policy.md: 80–89 / 90–99 / ≥ 100; ages are policy data)."""
    if age >= int(p("high_age.tier3_age")):
        return "tier100", p("high_age.tier100")
    if age >= int(p("high_age.tier2_age")):
        return "tier90", p("high_age.tier90")
    if age >= int(p("high_age.start_age")):
        return "tier80", p("high_age.tier80")
    return "", ZERO


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
