"""The two workflows of the line on `minzheng.casework`: a minor-protection case and an adoption. Their
deadlines are policy keys; neither lists its cases in the engine's shared `cases_due` (which is scoped by
region only): their overdue lists are the line's own, read through the assignment rule."""

from __future__ import annotations

from minzheng.casework.workflow import Deadline, workflow_register, workflow_table

from .models import ADOPTION_STATES, PROTECTION_STATES, Adoption, ProtectionCase

OPEN = ("reported", "assessed", "conferenced", "planned", "following")
REPORT, HANDLE, SUPERVISE, ADOPT = (
    "child.case_report",
    "child.case_handle",
    "child.case_supervise",
    "child.adoption",
)

PROTECTION = workflow_table(
    code="protection",
    label="未成年人保护个案",
    model=ProtectionCase,
    states=PROTECTION_STATES,
    steps=(
        ("report", "接报"),
        (
            "assess",
            "风险评估",
            Deadline("风险评估期限", "protection.assess_days", ("reported",), since="reported"),
        ),
        (
            "conference",
            "个案会商",
            Deadline("个案会商期限", "protection.conference_days", ("assessed",), since="assessed"),
        ),
        (
            "plan",
            "制定方案",
            Deadline("制定保护方案期限", "protection.plan_days", ("conferenced",), since="conferenced"),
        ),
        # "" = since the current state was last entered: each follow-up restarts the clock.
        (
            "followup",
            "跟踪回访",
            Deadline("跟踪回访期限", "protection.followup_days", ("planned", "following")),
        ),
        ("close", "结案", Deadline("个案办结期限", "protection.close_days", OPEN, since="reported")),
    ),
    transitions=(
        ("new", "reported", REPORT, "report"),
        ("reported", "assessed", HANDLE, "assess"),
        ("assessed", "conferenced", HANDLE, "conference"),
        ("conferenced", "planned", SUPERVISE, "plan"),
        ("planned", "following", HANDLE, "followup"),
        ("following", "following", HANDLE, "followup"),
        ("following", "closed", SUPERVISE, "close"),
    ),
    actions=(
        ("assign", "分派人员", "child.case_assign", OPEN),
        ("assess", "风险评估", HANDLE, ("reported",)),
        ("conference", "记录个案会商", HANDLE, ("assessed",)),
        ("plan", "制定保护方案", SUPERVISE, ("conferenced",)),
        ("measure", "更新措施状态", HANDLE, ("planned", "following")),
        ("followup", "记录跟踪回访", HANDLE, ("planned", "following")),
        ("close", "结案", SUPERVISE, ("following",)),
    ),
    noun="个案",
    url_name="protection-case",
    describe="未成年人保护个案",
)

ADOPTION = workflow_table(
    code="adoption",
    label="收养登记",
    model=Adoption,
    states=ADOPTION_STATES,
    steps=(
        ("apply", "受理"),
        (
            "assess",
            "收养评估",
            Deadline("收养评估期限", "adoption.assess_days", ("applied",), since="applied"),
        ),
        (
            "register",
            "收养登记",
            Deadline("收养登记审查期限", "adoption.register_days", ("assessed",), since="assessed"),
        ),
        ("certify", "发证"),
        ("archive", "归档"),
    ),
    transitions=(
        ("new", "applied", ADOPT, "apply"),
        ("applied", "assessed", ADOPT, "assess"),
        ("applied", "refused", ADOPT, "assess"),
        ("assessed", "registered", ADOPT, "register"),
        ("assessed", "refused", ADOPT, "register"),
        ("registered", "certified", ADOPT, "certify"),
        ("certified", "archived", ADOPT, "archive"),
    ),
    actions=(
        ("assess", "收养评估（含家访）", ADOPT, ("applied",)),
        ("register", "办理收养登记", ADOPT, ("assessed",)),
        ("refuse", "不予登记", ADOPT, ("assessed",)),
        ("certify", "发放收养登记证", ADOPT, ("registered",)),
        ("archive", "归档", ADOPT, ("certified",)),
    ),
    noun="收养申请",
    url_name="protection-adoption",
    describe="收养登记",
)


def register() -> None:
    workflow_register(PROTECTION)
    workflow_register(ADOPTION)
