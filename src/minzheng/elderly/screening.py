"""The screening rules of 高龄津贴, run by the monthly screening over the snapshot: the one tier rule
(`rules.high_age_sql`) over the engine's `person` table, each person with the figures of their own
county × hukou type (`in_high_age` is this month's enrolment; see docs/adding-a-line.md)."""

# SQL text assembled from this module's own constants and rules.high_age_sql.
# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.household import FIG_KEY
from minzheng.programmes.screening import Rule, evidence

from .rules import high_age_sql


def _tiers(where: str, ages: str) -> str:
    """The persons alive of `where` who turn one of `ages` (policy keys) this month in some county — a
    range prefilter on birth_date — with their own county's tier; `turned` = the birthday reached that
    county's tier age. Only the columns the rules show are carried."""
    persons = (
        f"(SELECT pid, hid, region, birth_date, age, in_high_age, "
        f"{FIG_KEY.format(region='region', urban='urban')} AS fig_key FROM person "
        f"WHERE alive AND {where} AND {{{{turning_any:{ages}}}}})"
    )
    return f"(SELECT t.*, t.age = t.tier_age AS turned FROM ({high_age_sql(persons, 'figures')}) t)"


_EVIDENCE = evidence(出生日期="CAST(x.birth_date AS VARCHAR)", 年龄="x.age", 月标准="x.amount")


def rules() -> list[Rule]:
    return [
        Rule(
            code="high_age_grant",
            name="年满80周岁未享受高龄津贴（到龄即享）",
            programme="high_age",
            sources=("persons", "deaths"),
            severity="medium",
            action="免申即享：自动纳入高龄津贴发放",
            sql=f"""
SELECT x.pid, x.hid, x.region AS region_code, {_EVIDENCE} AS evidence
FROM {_tiers("NOT in_high_age", "high_age.start_age")} x
WHERE x.turned AND x.tier = 'tier80'
""",
            basis="seed 003 到龄即享; policy.md: starts in the month the person turns 80",
        ),
        Rule(
            code="high_age_tier",
            name="高龄津贴调档（年满90/100周岁）",
            programme="high_age",
            sources=("persons", "deaths"),
            severity="low",
            action="按新档次标准调整高龄津贴",
            sql=f"""
SELECT x.pid, x.hid, x.region AS region_code,
  {evidence(出生日期="CAST(x.birth_date AS VARCHAR)", 年龄="x.age", 新月标准="x.amount")} AS evidence
FROM {_tiers("in_high_age", "high_age.tier2_age|high_age.tier3_age")} x
WHERE x.turned AND x.tier IN ('tier90', 'tier100')
""",
            basis="policy.md high-age tiers 80–89 / 90–99 / ≥ 100",
        ),
    ]
