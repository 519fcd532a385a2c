"""Reads of the two subsidies (region-scoped through `disability.read`): the applications list, one
application with its "why" and the actions the actor may take on it, the decision letter's content."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from minzheng.accounts.permissions import can, scoped
from minzheng.accounts.scoping import actor_prefix
from minzheng.assistance.letters import appeal_text, cn_date, cn_month, issuing_office

from .models import Status, SubsidyApplication


def applications(*, actor: Any, status: str = "") -> QuerySet[SubsidyApplication]:
    qs = scoped("disability.read", SubsidyApplication.objects.select_related("person"), actor)
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-intake_at", "-id")


def application_get(*, actor: Any, pk: int) -> SubsidyApplication:
    """Out of scope = missing (404)."""
    app = (
        scoped(
            "disability.read",
            SubsidyApplication.objects.select_related("person", "intake_by", "decided_by"),
            actor,
        )
        .filter(pk=pk)
        .first()
    )
    if app is None:
        raise Http404("申请不存在")
    return app


def list_actions(*, actor: Any) -> list[tuple[str, str]]:
    """(url name, label) the list page offers."""
    return [("disability-new", "受理新申请")] if can(actor, "disability.intake") else []


def application_actions(*, actor: Any, app: SubsidyApplication) -> list[str]:
    """What the actor may do with the application: "decide" (an approver other than the clerk, while it
    waits), "letter" (once decided)."""
    actions = []
    if (
        app.status == Status.SUBMITTED
        and app.intake_by_id != actor.pk
        and can(actor, "disability.subsidy_decide", region_code=app.region_code)
    ):
        actions.append("decide")
    if app.status != Status.SUBMITTED:
        actions.append("letter")
    return actions


def letter_context(*, app: SubsidyApplication) -> dict[str, Any]:
    prefix = actor_prefix(app.decided_by) or ""
    office = issuing_office(region_code=app.region_code, level="county" if len(prefix) <= 6 else "township")
    decided = app.decided_at.date() if app.decided_at else None
    if app.status == Status.APPROVED:
        parts = []
        if app.living_amount:
            parts.append(f"困难残疾人生活补贴每月{app.living_amount}元")
        if app.care_amount:
            parts.append(f"重度残疾人护理补贴每月{app.care_amount}元")
        start = cn_month(app.first_month) if app.first_month else ""
        body = f"经审核，决定自{start}起给予{'、'.join(parts)}，按月发放。"
    else:
        reasons = [r["detail"] for r in app.result.get("reasons", []) if not r.get("passed")]
        body = "经审核，不符合残疾人两项补贴条件，决定不予批准。理由：" + "；".join(reasons) + "。"
    return {
        "office": office,
        "body": body,
        "appeal": appeal_text(office),
        "decided": cn_date(decided) if decided else "",
    }


def overdue_loans(*, actor: Any, on: Any) -> QuerySet[Any]:
    """Devices not returned by their due date, in the actor's region, longest overdue first."""
    from .models import DeviceLoan

    qs = DeviceLoan.objects.select_related("person", "stock__device", "stock__site")
    return (
        scoped("disability.rehab", qs, actor)
        .filter(returned_on__isnull=True, due_on__lt=on)
        .order_by("due_on")
    )


def overdue_todo(actor: Any, on: Any) -> Any:
    """首页待办: assistive devices overdue for return."""
    from django.urls import reverse

    from minzheng.core.todos import Item, Todo

    qs = overdue_loans(actor=actor, on=on)
    items = [
        Item(
            f"{x.person.name} · {x.stock.device.name}",
            reverse("disability-list"),
            f"应还 {x.due_on:%Y-%m-%d}",
        )
        for x in qs[:5]
    ]
    return Todo(
        "disability_overdue", "辅具逾期未还", qs.count(), reverse("disability-list"), items, "无逾期辅具"
    )
