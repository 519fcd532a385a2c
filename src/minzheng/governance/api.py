"""/api/v1/governance/: the grid worker's households and the incidents in the actor's scope (a grid
worker's grid, a township's grids). Out of scope reads as missing (404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.accounts.permissions import can
from minzheng.core.api_schemas import with_errors

from . import selectors
from .workflow import HANDLE, INCIDENT, REPORT

router = Router(tags=["基层治理"])


class GridHouseholdOut(Schema):
    id: int
    number: str
    head: str
    grid_code: str
    building: str
    unit: str
    room: str


class IncidentOut(Schema):
    id: int
    category: str
    office: str
    state: str
    reported_on: str
    due_on: str
    closed_on: str
    overdue: bool
    result: str


class IncidentRateOut(Schema):
    township: str
    closed: int
    on_time: int
    rate: float | None
    open: int
    overdue: int


def _refuse(request: HttpRequest, *permissions: str) -> None:
    if not any(can(request.user, p) for p in permissions):
        raise HttpError(403, "您没有查看基层治理数据的权限")


@router.get("/households", response=with_errors(list[GridHouseholdOut]), summary="网格住户")
def households(request: HttpRequest, q: str = "", building: str = "") -> list[dict[str, Any]]:
    _refuse(request, selectors.GRID_READ, selectors.MANAGE, selectors.READ)
    rows = selectors.grid_households(actor=request.user, q=q[:30], building=building[:40])[:200]
    return [
        {
            "id": p.household_id,
            "number": p.household.number,
            "head": getattr(p, "head_name", "") or "",
            "grid_code": p.grid_code,
            "building": p.building,
            "unit": p.unit,
            "room": p.room,
        }
        for p in rows
    ]


def _incident(i: Any, today: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "category": i.category.name,
        "office": i.office,
        "state": INCIDENT.state_label(i.state),
        "reported_on": i.reported_on.isoformat(),
        "due_on": i.due_on.isoformat(),
        "closed_on": i.closed_on.isoformat() if i.closed_on else "",
        "overdue": i.state != "closed" and i.due_on < today,
        "result": i.result,
    }


@router.get("/incidents", response=with_errors(list[IncidentOut]), summary="网格事件")
def incidents(request: HttpRequest, overdue: bool = False) -> list[dict[str, Any]]:
    _refuse(request, REPORT, HANDLE, selectors.READ)
    today = timezone.localdate()
    rows = selectors.incident_list(actor=request.user, overdue=overdue, on=today)[:200]
    return [_incident(i, today) for i in rows]


@router.get("/incidents/{pk}", response=with_errors(IncidentOut), summary="网格事件（办理结果）")
def incident(request: HttpRequest, pk: int) -> dict[str, Any]:
    _refuse(request, REPORT, HANDLE, selectors.READ)
    i = selectors.incident_get(actor=request.user, pk=pk) if 0 < pk < 2**62 else None
    if i is None:
        raise HttpError(404, "未找到该事件")
    return _incident(i, timezone.localdate())


@router.get(
    "/incident-rates", response=with_errors(list[IncidentRateOut]), summary="网格事件按时办结率（按乡镇）"
)
def incident_rates(request: HttpRequest) -> list[dict[str, Any]]:
    _refuse(request, selectors.READ, HANDLE)
    return [
        {
            "township": r.name,
            "closed": r.closed,
            "on_time": r.on_time,
            "rate": float(r.rate) if r.rate is not None else None,
            "open": r.open,
            "overdue": r.overdue,
        }
        for r in selectors.on_time_rates(actor=request.user, on=timezone.localdate())
    ]
