"""成立、变更、注销登记 on `minzheng.casework`: one small workflow per flow over `OrgCase` — the clerk
receives the documents of the flow's checklist (受理), then the registering authority decides with a 文号
(准予 / 不予) within the policy's period. The cases are the registry's own: none is listed in the engine's
shared `cases_due` (scoped by region only, it would show them to staff without org permissions)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minzheng.casework.workflow import Action, Deadline, Step, Transition, Workflow, workflow_register

from .models import CASE_STATES, CaseKind, OrgCase


def _url(case: Any) -> str:
    return reverse("orgs-case", args=[case.pk])


def _flow(kind: str, label: str) -> Workflow:
    return Workflow(
        code=f"org_{kind}",
        label=label,
        model=OrgCase,
        states=CASE_STATES,
        initial="new",
        steps=(
            Step("accept", "受理", separate=False),
            Step(
                "decide",
                "登记决定",
                separate=False,
                deadline=Deadline("登记决定期限", "orgs.decide_days", ("applied",), since="applied"),
            ),
        ),
        transitions=(
            Transition("new", "applied", "org.registry_manage", step="accept"),
            Transition("applied", "approved", "org.registry_manage", step="decide"),
            Transition("applied", "refused", "org.registry_manage", step="decide"),
        ),
        actions=(
            Action("documents", "登记收到的材料", "org.registry_manage", states=("applied",)),
            Action("approve", "准予登记", "org.registry_manage", states=("applied",), step="decide"),
            Action("refuse", "不予登记", "org.registry_manage", states=("applied",), step="decide"),
        ),
        noun="登记事项",
        queryset=lambda: OrgCase.objects.none(),
        url=_url,
        describe=lambda case: f"{label}#{case.pk}",
    )


FLOWS = {
    CaseKind.REGISTER: _flow("register", "社会组织成立登记"),
    CaseKind.CHANGE: _flow("change", "社会组织变更登记"),
    CaseKind.CANCEL: _flow("cancel", "社会组织注销登记"),
}


def flow(case: OrgCase) -> Workflow:
    return FLOWS[CaseKind(case.kind)]


def register() -> None:
    for wf in FLOWS.values():
        workflow_register(wf)
