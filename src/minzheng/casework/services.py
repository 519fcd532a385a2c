"""Writes of the case engine: one transition checked against the programme's workflow, the permission
`require()`d (a refusal is audited as DENIED), the state moved under an optimistic lock, the step history
and an audit row written in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.permissions import _record as record_denial  # kept across the refused rollback
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record

from .models import Case, CaseEvent
from .selectors import case_steps, separation_refusal
from .workflow import Workflow, workflow_for

STALE = "已被他人处理或已变更，请刷新后重试"


def case_require_separate(
    *, workflow: Workflow, case: Any, actor: Any, step: str, permission: str = ""
) -> None:
    """Refuse when `actor` already took a make/check step of another stage of this case. Given the
    permission the step was asked under, the refusal is audited as DENIED like any other."""
    reason = separation_refusal(
        workflow=workflow, step=step, taken=case_steps(workflow=workflow, case=case), actor=actor
    )
    if not reason:
        return
    if not permission:
        raise ValidationError(reason)
    denial = Denied(
        reason,
        permission=permission,
        region_code=case.region_code,
        target=f"{case._meta.model_name}:{case.pk}",
    )
    record_denial(actor, denial)
    raise denial


@transaction.atomic
def case_transition(
    *,
    actor: Any,
    workflow: Workflow,
    case: Any,
    to: str,
    expected_version: int | None = None,
    note: str = "",
) -> Any:
    """Move `case` (any model with state, version and region_code) to `to` along `workflow`."""
    frm = case.state
    transition = workflow.transition(frm, to)
    if transition is None:
        raise ValidationError(
            f"{workflow.noun}当前为“{workflow.state_label(frm)}”，不能转为“{workflow.state_label(to)}”"
        )
    target = f"{case._meta.model_name}:{case.pk}"
    require(actor, transition.permission, region_code=case.region_code, target=target)
    if transition.step and transition.check:
        case_require_separate(
            workflow=workflow, case=case, actor=actor, step=transition.step, permission=transition.permission
        )
    version = case.version if expected_version is None else expected_version
    # Optimistic lock: exactly one concurrent caller can move the row from this version and state.
    updated = (
        type(case)
        ._default_manager.filter(pk=case.pk, version=version, state=frm)
        .update(state=to, version=F("version") + 1)
    )
    if updated != 1:
        raise ValidationError(f"该{workflow.noun}{STALE}")
    case.refresh_from_db()
    CaseEvent.objects.create(
        case_type=workflow.case_type,
        case_id=case.pk,
        workflow=workflow.code,
        from_state=frm,
        to_state=to,
        step=transition.step,
        actor=actor,
        note=note[:300],
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type=f"{case._meta.model_name}.state",
        target_id=case.pk,
        region_code=case.region_code,
        old={"state": frm},
        new={"state": to, "note": note},
    )
    return case


@transaction.atomic
def case_open(*, actor: Any, workflow_code: str, region_code: str, subject: Any = None) -> Case:
    """Open a generic case (for a programme without a model of its own) in its workflow's first state.
    Whoever may take the first transition may open it."""
    workflow = workflow_for(workflow_code)
    if workflow.model is not Case:
        raise ValidationError(f"“{workflow.label}”的案件由其业务模块登记")
    first = next((t for t in workflow.transitions if t.frm == workflow.initial), None)
    if first is None:
        raise ValidationError(f"“{workflow.label}”的办理流程没有起始环节")
    require(actor, first.permission, region_code=region_code, target=f"case:new:{workflow_code}")
    case = Case.objects.create(
        workflow=workflow_code,
        state=workflow.initial,
        region_code=region_code,
        subject=subject,
        opened_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="case",
        target_id=case.pk,
        region_code=region_code,
        new={"workflow": workflow_code},
    )
    return case
