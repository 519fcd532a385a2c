"""Reads of the two subsidies (region-scoped through `disability.read`): the applications list, one
application with its "why" and the actions the actor may take on it, the decision letter's content."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.accounts.scoping import actor_prefix
from minzheng.assistance.letters import appeal_text, cn_date, cn_month, issuing_office
from minzheng.core import labels

from .models import (
    Attendance,
    DeviceLoan,
    DeviceStock,
    DeviceType,
    RehabEnrolment,
    RehabSite,
    Status,
    SubsidyApplication,
)


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


def _shown(value: Any) -> str:
    """A recorded fact as people read it: 是/否 for a yes-no, a figure without trailing zeros."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value in (None, ""):
        return "—"
    return labels.number(value) if isinstance(value, int | float | Decimal) else str(value)


def why_rows(*, app: SubsidyApplication) -> dict[str, Any]:
    """The "why" of a decision: every recorded input as (Chinese label, formatted value) — 是/否, 一级,
    110元/人·月 — the policy figures by their labels and units, and each test's reason in words."""
    inputs = dict(app.inputs or {})
    figures = inputs.pop("政策参数", {}) or {}
    return {
        "facts": [(str(k), _shown(v)) for k, v in inputs.items()],
        "figures": labels.policy_rows(figures),
        "reasons": [
            (bool(r.get("passed")), labels.humanise(str(r.get("detail", ""))))
            for r in (app.result or {}).get("reasons", [])
        ],
        "living": labels.amount(app.living_amount, "元/月"),
        "care": labels.amount(app.care_amount, "元/月"),
    }


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


# ---------------------------------------------------------------- community rehabilitation, device rental
def rehab_sites(*, actor: Any) -> QuerySet[RehabSite]:
    """The sites in the actor's region with how many attend now."""
    open_now = Count("enrolments", filter=Q(enrolments__end_date__isnull=True))
    return scoped("disability.rehab", RehabSite.objects.annotate(attending=open_now), actor).order_by(
        "region_code", "name"
    )


def rehab_site_get(*, actor: Any, pk: int) -> RehabSite:
    site = rehab_sites(actor=actor).filter(pk=pk).first()
    if site is None:
        raise Http404("康复站不存在")
    return site


def rehab_enrolment_get(*, actor: Any, site: RehabSite, pk: int) -> RehabEnrolment:
    e = scoped("disability.rehab", site.enrolments.select_related("person"), actor).filter(pk=pk).first()
    if e is None:
        raise Http404("服务对象不存在")
    return e


def site_page(*, actor: Any, site: RehabSite, day: dt.date) -> dict[str, Any]:
    """Who attends (with the day's mark and the month's days present, on leave, absent) and the
    site's recent attendance records: a fixed number of queries however many attend."""
    month_start = day.replace(day=1)

    def days_marked(mark: str) -> Count:
        return Count("days", filter=Q(days__day__gte=month_start, days__day__lte=day, days__mark=mark))

    attending = list(
        site.enrolments.filter(end_date__isnull=True)
        .select_related("person")
        .annotate(
            present=Count(
                "days", filter=Q(days__day__gte=month_start, days__day__lte=day, days__mark="present")
            ),
            leave=days_marked("leave"),
            absent=Count(
                "days", filter=Q(days__day__gte=month_start, days__day__lte=day, days__mark="absent")
            ),
        )
        .order_by("start_date", "id")
    )
    marks = dict(
        Attendance.objects.filter(enrolment__in=[e.pk for e in attending], day=day).values_list(
            "enrolment_id", "mark"
        )
    )
    rows = [
        {"enrolment": e, "mark": marks.get(e.pk, ""), "mark_label": _mark_label(marks.get(e.pk))}
        for e in attending
    ]
    records = (
        Attendance.objects.filter(enrolment__site=site)
        .select_related("enrolment__person")
        .order_by("-day", "enrolment_id")[:60]
    )
    left = site.enrolments.filter(end_date__isnull=False).select_related("person").order_by("-end_date")[:20]
    return {
        "site": site,
        "region": labels.region_name(site.region_code, full=True),
        "rows": rows,
        "records": records,
        "left": left,
        "day": day,
        "marks": Attendance.Mark.choices,
        "free": max(site.capacity - len(attending), 0),
    }


def _mark_label(mark: str | None) -> str:
    return str(dict(Attendance.Mark.choices).get(mark or "", "未记录"))


def device_catalogue() -> QuerySet[DeviceType]:
    return DeviceType.objects.order_by("name")


def device_stock(*, actor: Any) -> QuerySet[DeviceStock]:
    """Stock per site in the actor's region, with how many of each are out on loan."""
    out = Count("loans", filter=Q(loans__returned_on__isnull=True))
    qs = DeviceStock.objects.select_related("site", "device").annotate(lent=out)
    return scoped("disability.rehab", qs, actor, field="site__region_code").order_by(
        "site__name", "device__name"
    )


def device_stock_get(*, actor: Any, pk: int) -> DeviceStock:
    stock = device_stock(actor=actor).filter(pk=pk).first()
    if stock is None:
        raise Http404("库存不存在")
    return stock


def device_loans(
    *, actor: Any, on: dt.date, overdue_only: bool = False, open_only: bool = False
) -> QuerySet[DeviceLoan]:
    """Loans of devices to people in the actor's region: the overdue ones (not returned by their due
    date, longest overdue first), the open ones, or all (latest first)."""
    qs = scoped(
        "disability.rehab", DeviceLoan.objects.select_related("person", "stock__device", "stock__site"), actor
    )
    if overdue_only:
        return qs.filter(returned_on__isnull=True, due_on__lt=on).order_by("due_on", "id")
    if open_only:
        qs = qs.filter(returned_on__isnull=True)
    return qs.order_by("-lent_on", "-id")


def device_loan_get(*, actor: Any, pk: int) -> DeviceLoan:
    loan = device_loans(actor=actor, on=timezone.localdate()).filter(pk=pk).first()
    if loan is None:
        raise Http404("租借记录不存在")
    return loan


def overdue_loans(*, actor: Any, on: Any) -> QuerySet[DeviceLoan]:
    """Devices not returned by their due date, in the actor's region, longest overdue first."""
    return device_loans(actor=actor, on=on, overdue_only=True)


def overdue_todo(actor: Any, on: Any) -> Any:
    """首页待办: assistive devices overdue for return (two queries: the count and the first five)."""
    from django.urls import reverse

    from minzheng.core.todos import Item, Todo

    qs = overdue_loans(actor=actor, on=on)
    url = reverse("disability-devices-overdue")
    items = [
        Item(f"{x.person.name} · {x.stock.device.name}", url, f"应还 {x.due_on:%Y-%m-%d}") for x in qs[:5]
    ]
    return Todo("disability_overdue", "辅具逾期未还", qs.count(), url, items, "无逾期辅具")
