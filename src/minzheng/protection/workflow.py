"""The two workflows of the line on `minzheng.casework`: a minor-protection case and an adoption. Their
deadlines are policy keys; neither lists its cases in the engine's shared `cases_due` (which is scoped by
region only): their overdue lists are the line's own, read through the assignment rule."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minzheng.casework.workflow import Action, Deadline, Step, Transition, Workflow, workflow_register

from .models import ADOPTION_STATES, PROTECTION_STATES, Adoption, ProtectionCase

OPEN = ("reported", "assessed", "conferenced", "planned", "following")


def _case_url(case: Any) -> str:
    return reverse("protection-case", args=[case.pk])


def _adoption_url(case: Any) -> str:
    return reverse("protection-adoption", args=[case.pk])


PROTECTION = Workflow(
    code="protection",
    label="未成年人保护个案",
    model=ProtectionCase,
    states=PROTECTION_STATES,
    initial="new",
    steps=(
        Step("report", "接报", separate=False),
        Step(
            "assess",
            "风险评估",
            separate=False,
            deadline=Deadline("风险评估期限", "protection.assess_days", ("reported",), since="reported"),
        ),
        Step(
            "conference",
            "个案会商",
            separate=False,
            deadline=Deadline("个案会商期限", "protection.conference_days", ("assessed",), since="assessed"),
        ),
        Step(
            "plan",
            "制定方案",
            separate=False,
            deadline=Deadline(
                "制定保护方案期限", "protection.plan_days", ("conferenced",), since="conferenced"
            ),
        ),
        Step(
            "followup",
            "跟踪回访",
            separate=False,
            # "" = since the current state was last entered: each follow-up restarts the clock.
            deadline=Deadline("跟踪回访期限", "protection.followup_days", ("planned", "following")),
        ),
        Step(
            "close",
            "结案",
            separate=False,
            deadline=Deadline("个案办结期限", "protection.close_days", OPEN, since="reported"),
        ),
    ),
    transitions=(
        Transition("new", "reported", "child.case_report", step="report"),
        Transition("reported", "assessed", "child.case_handle", step="assess"),
        Transition("assessed", "conferenced", "child.case_handle", step="conference"),
        Transition("conferenced", "planned", "child.case_supervise", step="plan"),
        Transition("planned", "following", "child.case_handle", step="followup"),
        Transition("following", "following", "child.case_handle", step="followup"),
        Transition("following", "closed", "child.case_supervise", step="close"),
    ),
    actions=(
        Action("assign", "分派人员", "child.case_assign", states=OPEN),
        Action("assess", "风险评估", "child.case_handle", states=("reported",)),
        Action("conference", "记录个案会商", "child.case_handle", states=("assessed",)),
        Action("plan", "制定保护方案", "child.case_supervise", states=("conferenced",)),
        Action("measure", "更新措施状态", "child.case_handle", states=("planned", "following")),
        Action("followup", "记录跟踪回访", "child.case_handle", states=("planned", "following")),
        Action("close", "结案", "child.case_supervise", states=("following",)),
    ),
    noun="个案",
    queryset=lambda: ProtectionCase.objects.none(),
    url=_case_url,
    describe=lambda case: f"未成年人保护个案#{case.pk}",
)

ADOPTION = Workflow(
    code="adoption",
    label="收养登记",
    model=Adoption,
    states=ADOPTION_STATES,
    initial="new",
    steps=(
        Step("apply", "受理", separate=False),
        Step(
            "assess",
            "收养评估",
            separate=False,
            deadline=Deadline("收养评估期限", "adoption.assess_days", ("applied",), since="applied"),
        ),
        Step(
            "register",
            "收养登记",
            separate=False,
            deadline=Deadline("收养登记审查期限", "adoption.register_days", ("assessed",), since="assessed"),
        ),
        Step("certify", "发证", separate=False),
        Step("archive", "归档", separate=False),
    ),
    transitions=(
        Transition("new", "applied", "child.adoption", step="apply"),
        Transition("applied", "assessed", "child.adoption", step="assess"),
        Transition("applied", "refused", "child.adoption", step="assess"),
        Transition("assessed", "registered", "child.adoption", step="register"),
        Transition("assessed", "refused", "child.adoption", step="register"),
        Transition("registered", "certified", "child.adoption", step="certify"),
        Transition("certified", "archived", "child.adoption", step="archive"),
    ),
    actions=(
        Action("assess", "收养评估（含家访）", "child.adoption", states=("applied",)),
        Action("register", "办理收养登记", "child.adoption", states=("assessed",)),
        Action("refuse", "不予登记", "child.adoption", states=("assessed",)),
        Action("certify", "发放收养登记证", "child.adoption", states=("registered",)),
        Action("archive", "归档", "child.adoption", states=("certified",)),
    ),
    noun="收养申请",
    queryset=lambda: Adoption.objects.none(),
    url=_adoption_url,
    describe=lambda case: f"收养登记#{case.pk}",
)


def register() -> None:
    workflow_register(PROTECTION)
    workflow_register(ADOPTION)
