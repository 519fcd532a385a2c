"""/api/v1/marriage/: the actor's offices with their free slots, and the actor's appointments (scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from minzheng.core.api_schemas import with_errors

from . import selectors
from .services import day_capacity

router = Router(tags=["婚姻登记"])


class DayOut(Schema):
    date: dt.date
    slots: int
    base: int  # the weekday's quota
    extra: int  # a special date's extra slots
    closed: str
    special: str


class OfficeOut(Schema):
    id: int
    name: str
    address: str
    grade: str
    days: list[DayOut]


class AppointmentOut(Schema):
    id: int
    office: str
    date: dt.date
    slot: int
    kind: str
    status: str


@router.get("/offices", response=with_errors(list[OfficeOut]), summary="我辖区的婚姻登记机关及未来一周名额")
def offices(request: HttpRequest) -> list[dict[str, Any]]:
    today = timezone.localdate()
    out = []
    for o in selectors.offices(actor=request.user):
        days = []
        for i in range(7):
            day = today + dt.timedelta(days=i)
            cap = day_capacity(office=o, date=day)
            days.append(
                {
                    "date": day,
                    "slots": cap.slots,
                    "base": cap.base,
                    "extra": cap.extra,
                    "closed": cap.closed,
                    "special": cap.special,
                }
            )
        out.append(
            {"id": o.pk, "name": o.name, "address": o.address, "grade": o.get_grade_display(), "days": days}
        )
    return out


@router.get("/appointments", response=with_errors(list[AppointmentOut]), summary="我辖区的婚姻登记预约")
def appointments(request: HttpRequest, on: dt.date | None = None) -> list[dict[str, Any]]:
    qs = selectors.appointments(actor=request.user, on=on)[:200]
    return [
        {
            "id": a.pk,
            "office": a.office.name,
            "date": a.date,
            "slot": a.slot,
            "kind": a.get_kind_display(),
            "status": a.get_status_display(),
        }
        for a in qs
    ]
