"""The screening rules of 高龄津贴, run by the monthly screening over the snapshot (set-based SQL over
the engine's `person` table: `in_high_age` is this month's enrolment; see docs/adding-a-line.md)."""

# SQL text assembled from this module's own constants; policy figures are rendered by the engine.
# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.screening import Rule, evidence

_GRANT_EVIDENCE = evidence(
    出生日期="CAST(birth_date AS VARCHAR)", 年龄="{{high_age.start_age}}", 月标准="{{high_age.tier80}}"
)


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
SELECT pid, hid, region AS region_code,
  {_GRANT_EVIDENCE} AS evidence
FROM person
WHERE {{{{turning:high_age.start_age}}}} AND alive AND NOT in_high_age
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
SELECT pid, hid, region AS region_code,
  {
                evidence(
                    出生日期="CAST(birth_date AS VARCHAR)",
                    年龄="age",
                    新月标准=(
                        "CASE WHEN age >= {{high_age.tier3_age}} THEN {{high_age.tier100}} "
                        "ELSE {{high_age.tier90}} END"
                    ),
                )
            } AS evidence
FROM person
WHERE ({{{{turning:high_age.tier2_age}}}} OR {{{{turning:high_age.tier3_age}}}}) AND alive AND in_high_age
""",
            basis="policy.md high-age tiers 80–89 / 90–99 / ≥ 100",
        ),
    ]
