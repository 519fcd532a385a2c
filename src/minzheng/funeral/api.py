"""/api/v1/funeral/: the actor's 身后一件事 cases, one case with its steps and stopped benefits, and the
eco-burial rate. Out of scope reads as missing (404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.accounts.permissions import can
from minzheng.core.api_schemas import with_errors

from . import selectors
from .workflow import FUNERAL, PERMISSION

router = Router(tags=["殡葬服务"])


class FuneralCaseBrief(Schema):
    id: int
    person: str
    death_date: str
    state: str


class StepOut(Schema):
    label: str
    status: str
    detail: str


class StopOut(Schema):
    programme: str
    last_paid_month: str
    end_month: str
    overpayment: int
    action: str


class FuneralCaseOut(FuneralCaseBrief):
    steps: list[StepOut]
    stops: list[StopOut]
    overpayment: int


class EcoOut(Schema):
    county: str
    year: int
    total: int
    eco: int
    rate: float
    target: float | None
    met: bool


def _refuse(request: HttpRequest) -> None:
    if not can(request.user, PERMISSION):
        raise HttpError(403, "您没有办理身后一件事的权限")


def _brief(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "person": c.person.name,
        "death_date": c.death_date.isoformat(),
        "state": FUNERAL.state_label(c.state),
    }


def _month(d: Any) -> str:
    return d.strftime("%Y-%m") if d else ""


@router.get("/cases", response=with_errors(list[FuneralCaseBrief]), summary="身后一件事")
def cases(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    _refuse(request)
    return [_brief(c) for c in selectors.case_list(actor=request.user, q=q[:30])[:100]]


@router.get("/cases/{case_id}", response=with_errors(FuneralCaseOut), summary="身后一件事（环节与待遇停发）")
def case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    _refuse(request)
    c = selectors.case_get(actor=request.user, pk=case_id) if 0 < case_id < 2**62 else None
    if c is None:
        raise HttpError(404, "未找到该事项")
    stops = selectors.case_stops(c)
    return {
        **_brief(c),
        "steps": [
            {"label": s.label, "status": s.status, "detail": s.detail} for s in selectors.case_steps(c)
        ],
        "stops": [
            {
                "programme": s.get_programme_display(),
                "last_paid_month": _month(s.last_paid_month),
                "end_month": _month(s.end_month),
                "overpayment": s.overpayment,
                "action": s.get_action_display(),
            }
            for s in stops
        ],
        "overpayment": sum(s.overpayment for s in stops),
    }


@router.get("/eco-rate", response=with_errors(list[EcoOut]), summary="节地生态安葬率（按县、年）")
def eco_rate(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    _refuse(request)
    if year is not None and not 2000 <= year <= 2100:
        raise HttpError(400, "年份应在2000至2100之间")
    return [
        {
            "county": r.county,
            "year": r.year,
            "total": r.total,
            "eco": r.eco,
            "rate": round(r.rate, 4),
            "target": r.target,
            "met": r.met,
        }
        for r in selectors.eco_burial_rates(actor=request.user, year=year)
    ]
