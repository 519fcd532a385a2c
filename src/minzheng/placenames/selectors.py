"""Reads of 地名: the gazetteer is read by every staff role in its region (`placename.read`), applications
and the reserve by the 社会事务科 (`placename.manage`). Out of scope = missing (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from minzheng.accounts.permissions import can, scoped
from minzheng.core.labels import region_name
from minzheng.core.todos import Item, Todo

from .models import ApplicationStatus, NameStatus, NamingApplication, PlaceName, toneless_pinyin

READ, MANAGE, APPROVE = "placename.read", "placename.manage", "placename.approve"


def may_handle(actor: Any) -> bool:
    """Whether the actor works on applications: enters and reviews them (manage) or approves them."""
    return can(actor, MANAGE) or can(actor, APPROVE)


def gazetteer(
    *, actor: Any, q: str = "", category: str = "", region_code: str = "", status: str = NameStatus.STANDARD
) -> QuerySet[PlaceName]:
    qs = scoped(READ, PlaceName.objects.all(), actor).filter(status=status)
    q = (q or "").strip()
    if q:
        found = Q(name__contains=q) | Q(pinyin__icontains=q) | Q(former_names__contains=q)
        key = toneless_pinyin(q)
        if key:  # pinyin typed without tones or spaces: "chongwen" finds 崇文街 (Chóngwén Jiē)
            found |= Q(pinyin_key__contains=key)
        qs = qs.filter(found)
    if category:
        qs = qs.filter(category=category)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    return qs


def coordinate(value: Decimal | None) -> str:
    """A stored coordinate as people read it: 35.397000 → "35.397" (the column keeps six decimals)."""
    return "" if value is None else format(value.normalize(), "f")


def place_facts(item: PlaceName | NamingApplication) -> dict[str, str]:
    """Where a name (or a proposed one) is, as people read it: the region's full name, never its code."""
    return {
        "region": region_name(item.region_code, full=True),
        "lat": coordinate(item.latitude),
        "lon": coordinate(item.longitude),
    }


def place_get(*, actor: Any, place_id: int) -> PlaceName:
    found = scoped(READ, PlaceName.objects.all(), actor).filter(pk=place_id).first()
    if found is None:
        raise Http404("未找到该地名")
    return found


def reserve(*, actor: Any) -> QuerySet[PlaceName]:
    return scoped(MANAGE, PlaceName.objects.filter(status=NameStatus.RESERVE), actor)


def applications(*, actor: Any, status: str = "") -> QuerySet[NamingApplication]:
    qs = scoped(
        MANAGE if can(actor, MANAGE) else APPROVE, NamingApplication.objects.select_related("place"), actor
    )
    return qs.filter(status=status) if status else qs


def application_get(*, actor: Any, application_id: int) -> NamingApplication:
    found = applications(actor=actor).filter(pk=application_id).first()
    if found is None:
        raise Http404("未找到该申请")
    return found


def application_actions(*, actor: Any, application: NamingApplication) -> list[tuple[str, str]]:
    """The steps this actor may take now (the applicant does not review; the county officer approves, and
    neither the applicant nor the reviewer approves)."""
    region = application.region_code
    manage, approve = can(actor, MANAGE, region_code=region), can(actor, APPROVE, region_code=region)
    if not (manage or approve):
        return []
    if application.status == ApplicationStatus.APPLIED and application.applied_by_id != actor.pk:
        return [("review", "审核通过，报请批准")]
    if (
        approve
        and application.status == ApplicationStatus.REVIEWED
        and actor.pk
        not in (
            application.applied_by_id,
            application.reviewed_by_id,
        )
    ):
        return [("approve", "批准"), ("reject", "驳回")]
    return []


def todo_applications(actor: Any, on: dt.date) -> Todo:
    qs = applications(actor=actor).filter(status__in=[ApplicationStatus.APPLIED, ApplicationStatus.REVIEWED])
    return Todo(
        key="placenames-pending",
        title="待办地名命名更名申请",
        count=qs.count(),
        url=reverse("placenames-applications"),
        items=[
            Item(
                label=a.proposed_name,
                url=reverse("placenames-application", args=[a.pk]),
                note=f"{a.get_kind_display()}·{a.get_status_display()}",
            )
            for a in qs[:5]
        ],
        empty="无待办申请",
    )
