"""儿童基本生活保障 (children's basic living allowance) as the trial calculation (assess-lines.md `child`):
the category from the parents' situations (民发〔2019〕62号) or as declared (`child_category`), the
category's standard on the date, nothing from 18 on."""

from __future__ import annotations

import copy
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
# A parent's situation (assess-lines.md `child`): the two that make an orphan, the eight that make a
# child de-facto unsupported, and `none`.
SITUATIONS = {
    "none": "无特殊情形",
    "dead": "死亡",
    "missing": "宣告失踪",
    "severe_disability": "重残",
    "severe_illness": "重病",
    "imprisoned": "服刑在押",
    "drug_rehab": "强制隔离戒毒",
    "lost_contact": "失联",
    "guardianship_revoked": "被撤销监护资格",
    "deported": "被遣送（驱逐）出境",
}
ORPHAN_SITUATIONS = frozenset({"dead", "missing"})
PARENTS = "parents"
IN_INSTITUTION = "in_institution"


def category_from_parents(situations: list[str] | tuple[str, ...], in_institution: bool) -> str | None:
    """The category the parents' situations make, or None: both dead or declared missing → orphan
    (institutional when in an institution); each in any situation but `none` → de-facto unsupported."""
    if len(situations) == 2 and all(s in ORPHAN_SITUATIONS for s in situations):
        return "institutional_orphan" if in_institution else "scattered_orphan"
    if len(situations) == 2 and all(s != "none" for s in situations):
        return "de_facto_unsupported"
    return None


def parse_parents(raw: Any, label: str) -> tuple[str, ...]:
    """`parents: [{"situation": S}, {"situation": S}]`, validated (Chinese message for bad input)."""
    if not isinstance(raw, list) or len(raw) != 2:
        raise ValidationError(f"{label}的父母情形parents应为两项（父、母）")
    out = []
    for j, p in enumerate(raw, start=1):
        s = p.get("situation") if isinstance(p, dict) else None
        if s not in SITUATIONS:
            raise ValidationError(
                f"{label}的第{j}位父母情形situation取值“{s}”无效，应为：{' | '.join(SITUATIONS)}"
            )
        out.append(str(s))
    return tuple(out)


Parents = dict[int, tuple[tuple[str, ...], bool]]  # member index → (situations, in_institution)


def assess_child(case: Case, p: Policy, parents: Parents | None = None) -> Result:
    """The allowance of the first member with a category, declared or made by the parents' situations
    (policy child.<category>); nothing from child.end_age on."""
    parents = parents or {}
    i = next((i for i, x in enumerate(case.members) if x.extra.get(CATEGORY)), None)
    income = yuan(household_income(case, p)[1])
    if i is None:
        tests = [Test("category", False, "没有成员填写儿童类别")]
        if parents:
            said = "、".join(SITUATIONS[s] for s in next(iter(parents.values()))[0])
            tests = [Test("category", False, f"父母情形（{said}）不构成孤儿或事实无人抚养儿童")]
        result = Result(CODE, False, 0, 0, income, 0, "county", p.version, tests)
        result.extra[CATEGORY] = None
        return result
    m = case.members[i]
    category = m.extra[CATEGORY]
    amount = p(f"child.{category}")
    end_age = int(p("child.end_age"))
    # Aged 18 or more on the date, or turning 18 in its month (benefits end in the month a child turns 18).
    age = age_in_month(m.id.birth_date, case.date)
    under = age < end_age
    tests = []
    if i in parents:
        situations, inst = parents[i]
        said = "、".join(SITUATIONS[s] for s in situations)
        where = "，在福利机构养育" if inst else ""
        tests.append(Test("parents", True, f"父母情形：{said}{where}，认定为{CHILD_LABELS[category]}"))
    tests += [
        Test("category", True, f"{CHILD_LABELS[category]}，保障标准{fmt(amount)}元/月"),
        Test("age", under, f"{case.date:%Y年%m月}{'未满' if under else '已满'}{end_age}周岁（{age}岁）"),
    ]
    result = Result(
        programme=CODE,
        eligible=under,
        monthly_amount=yuan(amount) if under else 0,
        standard=yuan(amount),
        per_capita_income=income,
        members_covered=1 if under else 0,
        approval_level="county",
        rule_version=p.version,
        reasons=tests,
    )
    result.extra[CATEGORY] = category
    return result


def trial(data: dict[str, Any]) -> dict[str, Any]:
    """The registered trial calculation: assess-lines.md case in, result out. A member with relation
    `child` may carry `parents` (and `in_institution`) instead of `child_category`."""
    data = copy.deepcopy(data)
    derived: Parents = {}
    members = data.get("members") if isinstance(data, dict) else None
    if isinstance(members, list):
        for i, raw in enumerate(members, start=1):
            if not isinstance(raw, dict) or PARENTS not in raw or raw.get(CATEGORY):
                continue
            label = f"第{i}位成员"
            situations = parse_parents(raw.pop(PARENTS), label)
            inst = raw.pop(IN_INSTITUTION, False)
            if not isinstance(inst, bool):
                raise ValidationError(f"{label}的在福利机构养育in_institution应为 true 或 false")
            category = category_from_parents(situations, inst)
            derived[i - 1] = (situations, inst)
            if category:
                raw[CATEGORY] = category
    case = parse_case(data)
    if not derived and not any(m.extra.get(CATEGORY) for m in case.members):
        raise ValidationError("儿童保障试算须有成员填写儿童类别child_category或父母情形parents")
    return evaluate(case, lambda c, p: assess_child(c, p, derived)).as_dict()


# Where the money comes from: the guardianship-lacking fund is a charity fund (seed 001, 罗庄), every
# other category the budget. The enrolment's `tier` is the category, so payroll totals separate them.
FUNDING = {"guardianship_lacking": "charity"}
FUNDING_LABELS = {"budget": "财政资金", "charity": "慈善基金"}


def funding_of(category: str) -> str:
    return FUNDING.get(category, "budget")


# 监护能力评估 (民发〔2019〕34号): the checklist as data (code, what the assessor confirms, points; 100 in
# all). The result comes from the score by the policy thresholds child.guardianship_full_min and
# child.guardianship_partial_min on the assessment date.
GUARDIANSHIP_ITEMS: tuple[tuple[str, str, int], ...] = (
    ("lives_with", "监护人与儿童共同生活", 20),
    ("guardian_health", "监护人身体健康，具备照料能力", 15),
    ("income", "家庭有稳定收入，能保障儿童基本生活", 15),
    ("housing", "住房安全，儿童有学习和休息的地方", 10),
    ("schooling", "能保障儿童按时入学、完成义务教育", 10),
    ("daily_care", "能照料儿童饮食起居、及时就医", 10),
    ("safety", "无家庭暴力、虐待、忽视", 10),
    ("contact", "与儿童及在外父母保持联系沟通", 5),
    ("conduct", "监护人无违法犯罪和不良嗜好", 5),
)


def guardianship_result(answers: dict[str, bool], p: Policy) -> tuple[int, str]:
    """The checklist's score and result (full / partial / none) under the day's thresholds."""
    unknown = set(answers) - {code for code, _, _ in GUARDIANSHIP_ITEMS}
    if unknown:
        raise ValidationError("监护能力评估项目无效")
    score = sum(points for code, _, points in GUARDIANSHIP_ITEMS if answers.get(code))
    full_min = int(p("child.guardianship_full_min"))
    partial_min = int(p("child.guardianship_partial_min"))
    if score >= full_min:
        return score, "full"
    return score, "partial" if score >= partial_min else "none"
