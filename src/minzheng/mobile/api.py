"""/api/v1/mobile/: what a phone needs for field work — its bottom bar, this month's elders to visit, the
carer's service check-in/out, and
the idempotent sync of visits entered offline (the key the phone made is kept per user)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from minzheng.core.api_schemas import with_errors
from minzheng.core.inputs import MAX_NUMBER

from . import selectors, services

router = Router(tags=["掌上办"])
NO_PHOTO = File(None)  # the photo part is optional


class MobileEntryOut(Schema):
    label: str
    url: str


class MobileHomeOut(Schema):
    name: str
    role: str
    region: str
    entries: list[MobileEntryOut]


class MobileElderOut(Schema):
    person_id: int
    name: str
    id_number: str  # masked
    region_code: str
    visited_on: str  # this month's last visit, "" when not yet visited


class MobileSyncIn(Schema):
    key: uuid.UUID = Field(..., description="手机生成的同步编号（UUID）；重复提交同一编号不会重复登记")
    kind: Literal["visits", "children", "vagrants"] = Field(
        ..., description="visits 老年人探访 / children 儿童走访 / vagrants 244台账走访"
    )
    subject: int = Field(..., ge=1, le=MAX_NUMBER, description="老年人或儿童的人员编号，或台账编号")
    fields: str = Field(
        "{}", max_length=8000, description='表单字段JSON：{"字段名": ["值", …]}，与网页表单的字段相同'
    )
    latitude: float | None = Field(None, ge=-90, le=90, description="纬度（浏览器定位，可空）")
    longitude: float | None = Field(None, ge=-180, le=180, description="经度（浏览器定位，可空）")


class MobileSyncOut(Schema):
    id: int
    key: str
    kind: str
    kind_label: str
    target_type: str
    target_id: int
    created: bool  # False: this key was synced before, nothing new was written
    synced_at: str


def _fields(raw: str) -> dict[str, list[str]]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        raise ValidationError("表单字段不是有效的JSON") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in data.items()
    ):
        raise ValidationError('表单字段应为{"字段名": ["值", …]}')
    return data


def _out(record: Any, created: bool) -> dict[str, Any]:
    return {
        "id": record.pk,
        "key": str(record.key),
        "kind": record.kind,
        "kind_label": record.get_kind_display(),
        "target_type": record.target_type,
        "target_id": record.target_id,
        "created": created,
        "synced_at": timezone.localtime(record.synced_at).isoformat(),
    }


@router.get("/home", response=with_errors(MobileHomeOut), summary="手机首页：底部导航")
def home(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "name": str(user),
        "role": str(user.get_role_display()),
        "region": user.region.full_name if user.region_id else "",
        "entries": selectors.bottom_nav(user),
    }


@router.get("/visits", response=with_errors(list[MobileElderOut]), summary="本月待探访的老年人")
def visits_mine(request: HttpRequest) -> list[dict[str, Any]]:
    from minzheng.accounts.permissions import require
    from minzheng.visits import selectors as visits_sel

    require(request.user, visits_sel.RECORD, target="mobile:visits")
    month = timezone.localdate().replace(day=1)
    return [
        {
            "person_id": p.person_id,
            "name": p.person.name,
            "id_number": p.person.id_masked,
            "region_code": p.region_code,
            "visited_on": _last(p),
        }
        for p in visits_sel.my_month(actor=request.user, month=month)[:200]
    ]


def _last(profile: Any) -> str:
    day = getattr(profile, "visited_on", None)  # annotated by my_month
    return day.isoformat() if day else ""


@router.post(
    "/sync",
    response=with_errors(MobileSyncOut),
    summary="同步离线登记（同一编号只登记一次）",
    url_name="mobile_sync",
)
def sync(
    request: HttpRequest, payload: Form[MobileSyncIn], photo: UploadedFile | None = NO_PHOTO
) -> dict[str, Any]:
    try:
        record, created = services.field_record_sync(
            actor=request.user,
            key=payload.key,
            kind=payload.kind,
            subject_id=payload.subject,
            fields=_fields(payload.fields),
            photo=photo,
            latitude=None if payload.latitude is None else Decimal(str(payload.latitude)),
            longitude=None if payload.longitude is None else Decimal(str(payload.longitude)),
        )
    except Http404 as e:  # out of scope answers like missing, in Chinese
        raise HttpError(404, str(e) or "没有这条记录") from None
    return _out(record, created)


@router.get("/sync", response=with_errors(list[MobileSyncOut]), summary="我已同步的离线登记（最近100条）")
def synced(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(r, False) for r in selectors.synced_mine(actor=request.user)[:100]]


class MobileOrderOut(Schema):
    id: int
    number: str
    person: str
    item: str
    scheduled_at: str
    state: str
    state_label: str


class MobileClockIn(Schema):
    latitude: float | None = Field(None, ge=-90, le=90, description="纬度（浏览器定位，可空）")
    longitude: float | None = Field(None, ge=-180, le=180, description="经度（浏览器定位，可空）")
    note: str = Field("", max_length=200, description="未能定位时说明原因")


def _order(order: Any) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "person": order.person.name,
        "item": order.item.name,
        "scheduled_at": timezone.localtime(order.scheduled_at).isoformat(),
        "state": order.state,
        "state_label": order.get_state_display(),
    }


@router.get(
    "/homecare/orders", response=with_errors(list[MobileOrderOut]), summary="护理员：我的上门服务工单"
)
def homecare_orders(request: HttpRequest) -> list[dict[str, Any]]:
    from minzheng.homecare import selectors as homecare_sel

    orders = homecare_sel.carer_orders(actor=request.user).select_related("person", "item")
    return [_order(o) for o in orders[:100]]


def _clock(request: HttpRequest, order_id: int, body: MobileClockIn, step: str) -> dict[str, Any]:
    from minzheng.homecare import selectors as homecare_sel
    from minzheng.homecare import services as homecare_svc

    try:
        order = homecare_sel.order_get(actor=request.user, pk=order_id)
    except Http404:
        raise HttpError(404, "订单不存在") from None
    do = homecare_svc.order_check_in if step == "check_in" else homecare_svc.order_check_out
    done = do(
        actor=request.user, order=order, latitude=body.latitude, longitude=body.longitude, note=body.note
    )
    return _order(done)


@router.post(
    "/homecare/orders/{pk}/check_in", response=with_errors(MobileOrderOut), summary="护理员：上门签到"
)
def homecare_check_in(request: HttpRequest, pk: int, body: MobileClockIn) -> dict[str, Any]:
    return _clock(request, pk, body, "check_in")


@router.post(
    "/homecare/orders/{pk}/check_out", response=with_errors(MobileOrderOut), summary="护理员：服务签退"
)
def homecare_check_out(request: HttpRequest, pk: int, body: MobileClockIn) -> dict[str, Any]:
    return _clock(request, pk, body, "check_out")
