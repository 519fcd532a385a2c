"""The screening rule of 儿童保障: a child on the allowance turns 18 this month (`in_child` is this
month's enrolment in the engine's `person` table), by the end age of the child's own county
(see docs/adding-a-line.md)."""

# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.screening import Rule, evidence, figures_of, turned

_EVIDENCE = evidence(出生日期="CAST(p.birth_date AS VARCHAR)", 年龄="CAST(fg.f_child__end_age AS INTEGER)")


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
SELECT p.pid, p.hid, p.region AS region_code,
  {_EVIDENCE} AS evidence
FROM person p {figures_of("p")}
WHERE {{{{turning_any:child.end_age}}}} AND p.in_child AND {turned("p.birth_date", "fg.f_child__end_age")}
""",
            basis="policy.md: benefits end in the month a child turns 18",
        )
    ]
