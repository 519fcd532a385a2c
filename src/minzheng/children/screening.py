"""The screening rule of 儿童保障: a child on the allowance turns 18 this month (`in_child` is this
month's enrolment in the engine's `person` table; see docs/adding-a-line.md)."""

# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.screening import Rule, evidence


def rules() -> list[Rule]:
    return [
        Rule(
            code="child_end",
            name="儿童保障对象年满18周岁",
            programme="child",
            sources=("persons",),
            severity="medium",
            action="本月起停发儿童保障金，评估是否转入其他救助",
            sql=f"""
SELECT pid, hid, region AS region_code,
  {evidence(出生日期="CAST(birth_date AS VARCHAR)", 年龄="{{child.end_age}}")} AS evidence
FROM person WHERE {{{{turning:child.end_age}}}} AND in_child
""",
            basis="policy.md: benefits end in the month a child turns 18",
        )
    ]
