"""儿童基本生活保障 (children's basic living allowance): the amount by category and the end at 18, as the
trial calculation (assess.md `programme: child`, each child's `child_category` on the member)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from minzheng.assistance.assess import evaluate, parse_case
from minzheng.assistance.rules import Case, Policy, Result, Test, age_in_month, fmt, household_income, yuan

CODE = "child"
CATEGORY = "child_category"  # the member input this programme registers (TrialField)
CHILD_LABELS = {
    "institutional_orphan": "机构孤儿",
    "scattered_orphan": "社会散居孤儿",
    "de_facto_unsupported": "事实无人抚养儿童",
    "hiv_affected": "受艾滋病影响儿童",
    "key_difficult": "重点困境儿童",
    "guardianship_lacking": "监护缺失儿童",
}


def assess_child(case: Case, p: Policy) -> Result:
    """The allowance of the first member with a category (policy child.<category>); it ends in the month
    the child turns child.end_age."""
    m = next((x for x in case.members if x.extra.get(CATEGORY)), None)
    if m is None:
        return Result(
            CODE, False, 0, 0, 0, 0, "county", p.version, [Test("category", False, "没有成员填写儿童类别")]
        )
    category = m.extra[CATEGORY]
    amount = p(f"child.{category}")
    end_age = int(p("child.end_age"))
    age = age_in_month(m.id.birth_date, case.date)
    under = age < end_age
    tests = [
        Test("category", True, f"{CHILD_LABELS[category]}，保障标准{fmt(amount)}元/月"),
        Test("age", under, f"{case.date:%Y年%m月}{'未满' if under else '已满'}{end_age}周岁（{age}岁）"),
    ]
    return Result(
        programme=CODE,
        eligible=under,
        monthly_amount=yuan(amount) if under else 0,
        standard=yuan(amount),
        per_capita_income=yuan(household_income(case, p)[1]),
        members_covered=1 if under else 0,
        approval_level="county",
        rule_version=p.version,
        reasons=tests,
    )


def trial(data: dict[str, Any]) -> dict[str, Any]:
    """The registered trial calculation: assess.md case in, result out."""
    case = parse_case(data)
    if not any(m.extra.get(CATEGORY) for m in case.members):
        raise ValidationError("儿童保障试算须有成员填写儿童类别child_category")
    return evaluate(case, assess_child).as_dict()
