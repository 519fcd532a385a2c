"""/api/v1/volunteers/: the volunteer's own time bank and activities (the phone), and the activities of
an officer's region; scoped like the desk."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.core.api_schemas import with_errors

from . import selectors

router = Router(tags=["志愿服务"])


class VolunteerActivityOut(Schema):
    id: int
    title: str
    place: str
    starts_at: str
    ends_at: str
    capacity: int
    hours: str
    status: str


class VolunteerBankOut(Schema):
    number: str
    name: str
    balance: str
    earned: str


def _activity(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "place": a.place,
        "starts_at": a.starts_at.isoformat(),
        "ends_at": a.ends_at.isoformat(),
        "capacity": a.capacity,
        "hours": str(a.hours),
        "status": a.get_status_display(),
    }


@router.get("/me", response=with_errors(VolunteerBankOut), summary="我的志愿时长")
def me(request: HttpRequest) -> dict[str, Any]:
    volunteer = selectors.own_volunteer(request.user)
    if volunteer is None:
        raise HttpError(404, "账号未绑定志愿者")
    account = selectors.account_of(volunteer)
    return {
        "number": volunteer.number,
        "name": volunteer.name,
        "balance": str(account.balance),
        "earned": str(account.earned),
    }


@router.get("/activities", response=with_errors(list[VolunteerActivityOut]), summary="志愿服务活动")
def activity_list(request: HttpRequest) -> list[dict[str, Any]]:
    volunteer = selectors.own_volunteer(request.user)
    if volunteer is not None:
        return [_activity(a) for a in selectors.open_to_join(volunteer=volunteer)[:100]]
    return [_activity(a) for a in selectors.activity_list(actor=request.user)[:500]]


@router.get("/activities/{pk}", response=with_errors(VolunteerActivityOut), summary="志愿服务活动")
def activity(request: HttpRequest, pk: int) -> dict[str, Any]:
    a = selectors.activity_get(actor=request.user, pk=pk)
    if a is None:
        raise HttpError(404, "记录不存在")
    return _activity(a)
