"""The category case as a casework configuration: the township clerk takes it in with each parent's
situation and evidence (受理) and checks the evidence (核实); the township approver or the child welfare
officer decides (认定), a different person from the one who took it in (经办与审核分离)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minzheng.casework.workflow import Action, Step, Transition, Workflow, workflow_register

from .models import CaseState, CategoryCase, CategoryDecision

S = CaseState


def records(case: CategoryCase) -> dict[int, set[str]]:
    """Who took the case in and who decided it (steps taken outside transitions)."""
    taken: dict[int, set[str]] = {case.created_by_id: {"intake"}}
    decided_by = CategoryDecision.objects.filter(case=case).values_list("decided_by_id", flat=True).first()
    if decided_by is not None:
        taken.setdefault(decided_by, set()).add("decision")
    return taken


def _letter_guard(actor: Any, case: CategoryCase) -> str:
    return "" if CategoryDecision.objects.filter(case=case).exists() else "尚未作出决定"


def _change_guard(actor: Any, case: CategoryCase) -> str:
    # Only the latest decided case of the child is re-decided, and never while another case is open.
    later = CategoryCase.objects.filter(child_id=case.child_id, pk__gt=case.pk).exists()
    return "已有更新的认定申请" if later else ""


CHILD = workflow_register(
    Workflow(
        code="child",
        label="儿童保障类别认定",
        model=CategoryCase,
        states=tuple((s.value, str(s.label)) for s in S),
        initial=S.SUBMITTED,
        steps=(
            Step("intake", "受理"),
            Step("verification", "核实", stage="intake"),
            Step("decision", "认定"),
        ),
        transitions=(
            Transition(S.SUBMITTED, S.VERIFIED, "child.category_intake", step="verification"),
            Transition(S.VERIFIED, S.APPROVED, "child.category_decide", step="decision"),
            Transition(S.VERIFIED, S.REJECTED, "child.category_decide", step="decision"),
        ),
        actions=(
            Action("verify", "核实材料", "child.category_intake", states=(S.SUBMITTED,), step="verification"),
            Action("decide", "作出认定", "child.category_decide", states=(S.VERIFIED,), step="decision"),
            Action(
                "letter", "打印决定书", "children.read", states=(S.APPROVED, S.REJECTED), guard=_letter_guard
            ),
            Action(
                "change",
                "登记父母情形变化",
                "child.category_intake",
                states=(S.APPROVED,),
                guard=_change_guard,
            ),
        ),
        records=records,
        noun="申请",
        url=lambda case: reverse("children-case", args=[case.pk]),
        describe=lambda case: f"{case.child.name} 儿童类别认定",
    )
)
