"""/api/v1/vagrants/: the intake lookup (by ID number, in the body, never the URL) and the actor's stays."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.core.api_schemas import with_errors

from . import selectors, services

router = Router(tags=["流浪乞讨人员救助"])


class LookupIn(Schema):
    station: int
    id_number: str


class LookupOut(Schema):
    found: bool
    name: str
    id_number: str
    alive: bool
    on_ledger: bool
    stays: int


class StayOut(Schema):
    id: int
    person: str
    number: str
    state: str
    intake_on: str
    repeat: bool


@router.post("/lookup", response=with_errors(LookupOut), summary="入站身份核查")
def lookup(request: HttpRequest, body: LookupIn) -> dict[str, Any]:
    station = selectors.stations(actor=request.user).filter(pk=body.station).first()
    if station is None:
        raise HttpError(404, "救助管理站不存在")
    try:
        return services.intake_lookup(actor=request.user, station=station, id_number=body.id_number[:30])
    except ValidationError as e:
        raise HttpError(400, e.messages[0]) from None


def _out(s: Any) -> dict[str, Any]:
    who = s.subject or s.person
    return {
        "id": s.pk,
        "person": who.name,
        "number": who.id_masked,
        "state": s.state_label,
        "intake_on": s.intake_on.isoformat(),
        "repeat": s.repeat,
    }


@router.get("/stays", response=with_errors(list[StayOut]), summary="在站及托养人员")
def stays(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(s) for s in selectors.stays(actor=request.user, state="open")[:200]]


@router.get("/stays/{stay_id}", response=with_errors(StayOut), summary="救助记录")
def stay(request: HttpRequest, stay_id: int) -> dict[str, Any]:
    s = selectors.stay_get(actor=request.user, pk=stay_id)
    if s is None:
        raise HttpError(404, "救助记录不存在")
    return _out(s)
