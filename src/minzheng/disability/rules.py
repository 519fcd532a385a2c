"""The trial calculation `disability_subsidy` (assess-lines.md): 困难残疾人生活补贴 and 重度残疾人护理补贴 of
the head, from the one SQL definition (`eligibility.py`, run by `desk.py`); this module words the reasons."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from minzheng.assistance.assess import evaluate, parse_case
from minzheng.assistance.rules import Case, Policy, Result, Test, yuan

from . import desk
from . import eligibility as E

TRIAL = "disability_subsidy"
LIVING = "dis_living"
CARE = "dis_care"
GRADE_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
KIND_LABELS = {
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
}


def _flag(raw: Any, label: str) -> bool:
    if raw is None:
        return False
    if not isinstance(raw, bool):
        raise ValidationError(f"{label}应为 true 或 false")
    return raw


def status_of(data: dict[str, Any]) -> desk.Status:
    """The subsidy inputs beyond the common case: household_dibao (top level), the head's tekun and
    work_injury_care flags (both default to false)."""
    members = data.get("members") or []
    head = next((m for m in members if isinstance(m, dict) and m.get("relation") == "head"), {})
    return desk.Status(
        household_dibao=_flag(data.get("household_dibao"), "家庭享受低保household_dibao"),
        tekun=_flag(head.get("tekun"), "户主特困人员标记tekun"),
        work_injury_care=_flag(head.get("work_injury_care"), "户主享受工伤护理费work_injury_care"),
    )


def assess_subsidy(case: Case, p: Policy, status: desk.Status) -> Result:
    head = next(m for m in case.members if m.relation == "head")
    figures = p.figures(E.FIGURE_KEYS)
    row = desk.subsidies([case], [status], [figures])[0]
    if row is None:
        tests = [Test("grade", False, "户主未持有残疾人证（无残疾等级），不符合两项补贴条件")]
        result = Result(TRIAL, False, 0, 0, 0, 0, "county", p.version, tests)
        result.extra = {"living_subsidy": 0, "care_subsidy": 0}
        return result
    grade = GRADE_LABELS[int(row["grade"])]
    kind = KIND_LABELS.get(head.disability_kind or "", "类别未填")
    tests = [
        Test("grade", True, f"持残疾人证：{kind}{grade}"),
        Test(
            "living",
            bool(row["living_ok"]),
            (
                f"困难残疾人生活补贴：{'家庭享受低保' if status.household_dibao else '家庭未享受低保'}"
                f"{'，系特困供养人员' if status.tekun else ''}"
                + (f"，{grade}每月{row['living']}元" if row["living_ok"] else "，不符合")
            ),
        ),
        Test(
            "care",
            bool(row["care_ok"]),
            (
                "重度残疾人护理补贴："
                + (
                    f"{grade}重度残疾，每月{row['care']}元"
                    if row["care_ok"]
                    else (
                        "系特困供养人员"
                        if status.tekun
                        else ("已享受工伤保险生活护理费" if status.work_injury_care else "限一、二级残疾")
                    )
                    + "，不符合"
                )
            ),
        ),
    ]
    result = Result(
        programme=TRIAL,
        eligible=bool(row["eligible"]),
        monthly_amount=int(row["monthly_amount"]),
        standard=yuan(figures[E.LIVING_KEYS[int(row["grade"]) - 1]]),
        per_capita_income=0,
        members_covered=1 if row["eligible"] else 0,
        approval_level="county",
        rule_version=p.version,
        reasons=tests,
    )
    result.extra = {"living_subsidy": int(row["living"]), "care_subsidy": int(row["care"])}
    return result


def evaluate_case(data: dict[str, Any]) -> Result:
    """The result with the policy figures it used (`inputs`): what a decision keeps."""
    case = parse_case(data)
    status = status_of(data)
    return evaluate(case, lambda c, p: assess_subsidy(c, p, status))


def trial(data: dict[str, Any]) -> dict[str, Any]:
    """The registered trial calculation: assess-lines.md `disability_subsidy` case in, result out."""
    return evaluate_case(data).as_dict()
