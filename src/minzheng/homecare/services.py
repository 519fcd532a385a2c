"""All writes of the 12349 line: keyword-only, typed, atomic, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum, Window
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import can, require
from minzheng.accounts.scoping import in_scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment
from minzheng.core.dates import plausible_date
from minzheng.core.inputs import form_name
from minzheng.elderly.levels import assessed_levels
from minzheng.elderly.shares import home_free_hours
from minzheng.people.models import Person
from minzheng.people.selectors import person_current_membership
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes.registry import DeathEffect

from .geo import haversine_km
from .models import (
    Alarm,
    AlarmKind,
    AlarmState,
    Carer,
    Device,
    DeviceKind,
    Order,
    OrderBasis,
    OrderState,
    Provider,
    ServiceItem,
    Settlement,
    SettlementLine,
)
from .selectors import SERVICE_ORDER, SERVICE_SETTLE, dispatch_candidates, service_eligible

CENT = Decimal("0.01")
# The first characters of a device key, shown on the device list so a technician can tell keys apart.
KEY_PREFIX_LEN = 8


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _coordinate(value: Any, *, name: str, low: float, high: float) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except Exception:
        raise ValidationError(f"{name}格式不正确") from None
    if not (low <= number <= high):
        raise ValidationError(f"{name}超出范围")
    return number


# ---------------------------------------------------------------- catalogue
CATALOGUE = Path(__file__).resolve().parent / "fixtures" / "service_items.json"


@transaction.atomic
def catalogue_load(*, actor: Any, path: Path = CATALOGUE) -> int:
    """Load the published catalogue (migration 0002 loads it on a new database; a test database flushed by
    a transactional test, or a new price list, loads it here). Rows already present are kept."""
    added = 0
    for row in json.loads(path.read_text(encoding="utf-8"))["items"]:
        _, created = ServiceItem.objects.get_or_create(
            code=row["code"],
            region_prefix=row["region_prefix"],
            effective_from=row["effective_from"],
            defaults=row,
        )
        added += created
    if added:
        audit_record(
            actor=actor,
            event_type=AuditEvent.IMPORT,
            target_type="homecare_item",
            detail=f"载入居家服务项目价格{added}条（{path.name}）",
        )
    return added


# ---------------------------------------------------------------- providers and carers
@transaction.atomic
def provider_create(
    *,
    actor: Any,
    name: str,
    region_code: str,
    latitude: Any,
    longitude: Any,
    address: str = "",
    credit_code: str = "",
) -> Provider:
    require(actor, "elderly.facility_manage", region_code=region_code, target="homecare:provider")
    name = form_name(name, "服务商名称", max_length=100)
    provider = Provider.objects.create(
        name=name,
        region_code=region_code,
        address=address,
        credit_code=credit_code,
        latitude=_coordinate(latitude, name="纬度", low=-90, high=90),
        longitude=_coordinate(longitude, name="经度", low=-180, high=180),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="homecare_provider",
        target_id=provider.pk,
        region_code=region_code,
        detail=f"登记居家服务商：{provider.name}",
    )
    return provider


@transaction.atomic
def carer_create(
    *,
    actor: Any,
    provider: Provider,
    user: Any,
    name: str,
    certificate: str,
    certificate_no: str,
    latitude: Any,
    longitude: Any,
    region_code: str = "",
    certificate_valid_to: dt.date | None = None,
) -> Carer:
    require(
        actor,
        "elderly.facility_manage",
        region_code=provider.region_code,
        target=f"homecare:provider:{provider.pk}",
    )
    if not can(user, "elderly.order_serve"):
        raise ValidationError("该账号不是护理员账号，不能登记为护理员")
    if not certificate.strip() or not certificate_no.strip():
        raise ValidationError("请填写护理员资格证书及编号")
    name = form_name(name, "护理员姓名", max_length=64)
    carer = Carer.objects.create(
        provider=provider,
        user=user,
        name=name,
        region_code=region_code or provider.region_code,
        certificate=certificate.strip(),
        certificate_no=certificate_no.strip(),
        certificate_valid_to=certificate_valid_to,
        latitude=_coordinate(latitude, name="纬度", low=-90, high=90),
        longitude=_coordinate(longitude, name="经度", low=-180, high=180),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="homecare_carer",
        target_id=carer.pk,
        region_code=carer.region_code,
        detail=f"登记护理员：{carer.name}（{provider.name}）",
    )
    return carer


# ---------------------------------------------------------------- orders
@transaction.atomic
def provider_update(
    *,
    actor: Any,
    provider: Provider,
    name: str,
    address: str,
    credit_code: str,
    latitude: Any,
    longitude: Any,
    active: bool,
) -> Provider:
    """Edit a provider (its place is the centre the dispatch radius is measured from for its carers'
    defaults); deactivating it takes its carers out of dispatch."""
    require(
        actor,
        "elderly.facility_manage",
        region_code=provider.region_code,
        target=f"homecare:provider:{provider.pk}",
    )
    name = form_name(name, "服务商名称", max_length=100)
    old = {"name": provider.name, "active": provider.active}
    provider.name, provider.address, provider.credit_code = (
        name,
        address.strip()[:200],
        credit_code.strip()[:18],
    )
    provider.latitude = _coordinate(latitude, name="纬度", low=-90, high=90)
    provider.longitude = _coordinate(longitude, name="经度", low=-180, high=180)
    provider.active = active
    provider.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="homecare_provider",
        target_id=provider.pk,
        region_code=provider.region_code,
        old=old,
        new={"name": provider.name, "active": active},
    )
    return provider


@transaction.atomic
def carer_update(
    *,
    actor: Any,
    carer: Carer,
    certificate: str,
    certificate_no: str,
    certificate_valid_to: dt.date | None,
    region_code: str,
    latitude: Any,
    longitude: Any,
    active: bool,
) -> Carer:
    """Edit a carer's certificate and service area (region and home position: dispatch measures the
    radius from it); an inactive carer is no longer proposed for dispatch."""
    require(
        actor,
        "elderly.facility_manage",
        region_code=carer.provider.region_code,
        target=f"homecare:carer:{carer.pk}",
    )
    if not certificate.strip() or not certificate_no.strip():
        raise ValidationError("请填写护理员资格证书及编号")
    region_code = region_code.strip() or carer.region_code
    if not region_code.isdigit() or not in_scope(actor, region_code):
        raise ValidationError("服务区划不在您的管辖范围内")
    carer.certificate, carer.certificate_no = certificate.strip()[:64], certificate_no.strip()[:32]
    carer.certificate_valid_to, carer.region_code, carer.active = certificate_valid_to, region_code, active
    carer.latitude = _coordinate(latitude, name="纬度", low=-90, high=90)
    carer.longitude = _coordinate(longitude, name="经度", low=-180, high=180)
    carer.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="homecare_carer",
        target_id=carer.pk,
        region_code=carer.region_code,
        new={"certificate_valid_to": certificate_valid_to, "region_code": region_code, "active": active},
    )
    return carer


def item_on(*, code: str, on: dt.date, region_code: str) -> ServiceItem:
    """The catalogue row in force on `on` for the region (the most specific region wins)."""
    rows = ServiceItem.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on), code=code, effective_from__lte=on
    )
    best = [r for r in rows if region_code.startswith(r.region_prefix)]
    if not best:
        raise ValidationError("该服务项目在预约日期没有公布的价格")
    return max(best, key=lambda r: (len(r.region_prefix), r.effective_from))


def _log(actor: Any, order: Order, event: str, detail: str) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE if event == "take" else AuditEvent.UPDATE,
        target_type="homecare_order",
        target_id=order.pk,
        region_code=order.region_code,
        detail=f"{order.number}：{detail}",
    )


def _move(order: Order, expected: str, **changes: Any) -> Order:
    """Optimistic lock: the order moves only from the state the page showed."""
    n = Order.objects.filter(pk=order.pk, state=expected, version=order.version).update(
        version=F("version") + 1, **changes
    )
    if n != 1:
        raise ValidationError("订单状态已变化，请刷新后重试")
    order.refresh_from_db()
    return order


SPECIAL_ORDER = "specialfamilies.care_order"


@transaction.atomic
def order_take(
    *,
    actor: Any,
    person: Person,
    item_code: str,
    quantity: Decimal,
    scheduled_at: dt.datetime,
    caller: str = "",
    note: str = "",
    basis: str = OrderBasis.ELDERLY,
) -> Order:
    if basis == OrderBasis.ASSISTANCE:  # a service bought for social assistance: only for those eligible
        require(actor, SERVICE_ORDER, region_code=person.region_code, target=f"person:{person.pk}")
        if not service_eligible(on=timezone.localdate()).filter(pk=person.pk).exists():
            raise ValidationError(
                "该人员不是社会救助服务类对象（分散供养特困人员或低保重度残疾人），不能派社会救助服务单"
            )
    elif basis == OrderBasis.ELDERLY:
        require(actor, "elderly.order_take", region_code=person.region_code, target=f"person:{person.pk}")
    elif basis == OrderBasis.SPECIAL:  # the caller (specialfamilies.services) checked the entitlement
        require(actor, SPECIAL_ORDER, region_code=person.region_code, target=f"person:{person.pk}")
    else:
        raise ValidationError("服务类型不正确")
    membership = person_current_membership(person=person)
    if membership is None:
        raise ValidationError("该老人没有在册家庭户，无法上门服务")
    household = membership.household
    if quantity is None or not quantity.is_finite() or quantity <= 0 or quantity > 12:
        raise ValidationError("数量应大于0且不超过12")
    if scheduled_at < timezone.now() - dt.timedelta(days=1):
        raise ValidationError("预约时间不能早于昨天")
    plausible_date(timezone.localdate(scheduled_at), "预约时间", future_days=90)
    item = item_on(code=item_code, on=timezone.localdate(scheduled_at), region_code=household.region_code)
    order = Order.objects.create(
        number=f"T{secrets.token_hex(6)}",  # replaced by the readable number below, once the id is known
        person=person,
        household=household,
        region_code=household.region_code,
        item=item,
        quantity=quantity,
        scheduled_at=scheduled_at,
        caller=caller.strip()[:32],
        note=note.strip()[:200],
        basis=basis,
        taken_by=actor,
        confirm_code=f"{secrets.randbelow(10000):04d}",
    )
    order.number = f"12349-{timezone.localdate():%Y%m%d}-{order.pk:05d}"
    order.save(update_fields=["number"])
    _log(actor, order, "take", f"受理{item.name}×{quantity}{item.unit}")
    return order


@transaction.atomic
def order_dispatch(*, actor: Any, order: Order, carer: Carer) -> Order:

    require(actor, "elderly.order_take", region_code=order.region_code, target=f"homecare_order:{order.pk}")
    match = next((c for c in dispatch_candidates(order=order) if c.pk == carer.pk), None)
    if match is None:
        raise ValidationError("该护理员不在服务半径内或不在岗，不能派单")
    order = _move(
        order,
        order.state if order.state in (OrderState.TAKEN, OrderState.DISPATCHED) else "__none__",
        state=OrderState.DISPATCHED,
        carer=carer,
        provider=carer.provider,
        distance_km=Decimal(str(getattr(match, "distance_km"))).quantize(CENT),  # noqa: B009 (annotated)
        dispatched_at=timezone.now(),
    )
    _log(
        actor, order, "dispatch", f"派单给{carer.provider.name}护理员{carer.name}（{order.distance_km}公里）"
    )
    return order


def _carer_of(actor: Any, order: Order) -> None:
    require(actor, "elderly.order_serve", target=f"homecare_order:{order.pk}")
    if order.carer is None or order.carer.user_id != actor.pk:
        raise ValidationError("这不是派给您的订单")


def _position(lat: Any, lon: Any) -> tuple[Decimal | None, Decimal | None]:
    if lat in (None, "") or lon in (None, ""):
        return None, None
    return _coordinate(lat, name="纬度", low=-90, high=90), _coordinate(lon, name="经度", low=-180, high=180)


def _where(order: Order, lat: Decimal | None, lon: Decimal | None, note: str) -> str:
    if lat is None or lon is None:
        return f"未取得定位（{note or '未说明'}）"
    hh = order.household
    if hh.latitude is None or hh.longitude is None:
        return "已定位"
    km = haversine_km(float(lat), float(lon), float(hh.latitude), float(hh.longitude))
    return f"距老人住址{km:.2f}公里"


# A phone that cannot fix its position reports 0,0 (the Gulf of Guinea): no position, as when refused.
_NO_FIX = (Decimal(0), Decimal(0))


def _clock(actor: Any, order: Order, *, step: str, latitude: Any, longitude: Any, note: str) -> Order:
    """签到 (check_in: dispatched → serving) or 签退 (check_out: serving → served), with the browser's
    position, or without one and a note saying why."""
    _carer_of(actor, order)
    lat, lon = _position(latitude, longitude)
    if (lat, lon) == _NO_FIX:
        lat = lon = None
    label = {"check_in": "签到", "check_out": "签退"}[step]
    if lat is None and not note.strip():
        raise ValidationError(f"未能取得定位，请填写{label}说明（如：手机定位被拒绝）")
    frm, to = (
        (OrderState.DISPATCHED, OrderState.SERVING)
        if step == "check_in"
        else (OrderState.SERVING, OrderState.SERVED)
    )
    order = _move(
        order,
        frm,
        state=to,
        **{
            f"{step}_at": timezone.now(),
            f"{step}_lat": lat,
            f"{step}_lon": lon,
            f"{step}_note": note.strip()[:100],
        },
    )
    _log(actor, order, step, f"{label}，" + _where(order, lat, lon, note))
    return order


@transaction.atomic
def order_check_in(
    *, actor: Any, order: Order, latitude: Any = None, longitude: Any = None, note: str = ""
) -> Order:
    return _clock(actor, order, step="check_in", latitude=latitude, longitude=longitude, note=note)


@transaction.atomic
def order_check_out(
    *, actor: Any, order: Order, latitude: Any = None, longitude: Any = None, note: str = ""
) -> Order:
    return _clock(actor, order, step="check_out", latitude=latitude, longitude=longitude, note=note)


@transaction.atomic
def order_confirm(*, actor: Any, order: Order, code: str = "") -> Order:
    """The elder or family confirms: the carer enters the code they read out, or the hotline records the
    confirmation it took by phone (回访确认)."""
    if can(actor, "elderly.order_serve"):
        _carer_of(actor, order)
        if not code.strip() or not secrets.compare_digest(code.strip(), order.confirm_code):
            raise ValidationError("确认码不正确，请向老人或家属核对")
        how = "老人或家属报确认码"
    else:
        require(
            actor, "elderly.order_take", region_code=order.region_code, target=f"homecare_order:{order.pk}"
        )
        how = "话务员电话回访确认"
    order = _move(
        order, OrderState.SERVED, state=OrderState.CONFIRMED, confirmed_at=timezone.now(), confirmed_how=how
    )
    _log(actor, order, "confirm", how)
    return order


@transaction.atomic
def order_cancel(*, actor: Any, order: Order, reason: str) -> Order:
    require(actor, "elderly.order_take", region_code=order.region_code, target=f"homecare_order:{order.pk}")
    if not reason.strip():
        raise ValidationError("请填写取消原因")
    if order.state not in (OrderState.TAKEN, OrderState.DISPATCHED):
        raise ValidationError("服务已开始的订单不能取消")
    order = _move(order, order.state, state=OrderState.CANCELLED, cancel_reason=reason.strip()[:200])
    _log(actor, order, "cancel", f"取消：{reason.strip()[:50]}")
    return order


# Orders a death ends: not yet served (受理、派单) or in service (服务中). A served order waiting for
# confirmation was delivered before the death and is still settled.
OPEN_ON_DEATH = (OrderState.TAKEN, OrderState.DISPATCHED, OrderState.SERVING)


@transaction.atomic
def orders_stop_on_death(*, actor: Any, person: Person, died_on: dt.date) -> list[DeathEffect]:
    """The elder died: every open order ends as 已终止 with reason 服务对象死亡 (and stays on the carer's
    list for a few days as such). Registered as the line's death hook; an order already ended is left."""
    reason = f"服务对象死亡（{died_on:%Y-%m-%d}）"
    effects = []
    orders = Order.objects.select_for_update(of=("self",)).filter(person=person, state__in=OPEN_ON_DEATH)
    for order in orders.select_related("item", "carer__provider").order_by("pk"):  # one elder's few orders
        order = _move(
            order, order.state, state=OrderState.TERMINATED, cancel_reason=reason, ended_at=timezone.now()
        )
        _log(actor, order, "terminate", f"终止：{reason}")
        told = f"，护理员{order.carer.name}的工单已更新" if order.carer else ""
        effects.append(
            DeathEffect(
                "居家服务", f"12349工单{order.number}（{order.item.name}）", f"已终止：{reason}{told}"
            )
        )
    return effects


# ---------------------------------------------------------------- monthly settlement
@transaction.atomic
def settlement_make(*, actor: Any, provider: Provider, month: dt.date) -> Settlement:
    """Price every confirmed order of the provider served in the month and split it: the elder's free hours
    of the month (elderly.shares.home_free_hours, less what other providers' settlements used) pay for the
    first hours in the order they were served; the rest is the elder's own part."""
    require(
        actor, "elderly.settle", region_code=provider.region_code, target=f"homecare_provider:{provider.pk}"
    )
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):  # also the far future (no overflow past 9999-12)
        raise ValidationError("当月尚未结束，不能结算")
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    if Settlement.objects.filter(provider=provider, month=month, basis=OrderBasis.ELDERLY).exists():
        raise ValidationError("该服务商本月已结算")
    orders = list(
        Order.objects.filter(
            provider=provider,
            basis=OrderBasis.ELDERLY,  # services bought for assistance settle apart (service_settlement_make)
            state=OrderState.CONFIRMED,
            check_out_at__date__gte=month,
            check_out_at__date__lt=nxt,
        )
        .select_related("item", "household", "person")
        .annotate(
            cum_hours=Window(
                Sum(F("item__hours_per_unit") * F("quantity")),
                partition_by=[F("person_id")],
                order_by=[F("check_out_at").asc(), F("pk").asc()],
            )
        )
        .order_by("person_id", "check_out_at", "pk")
    )
    if not orders:
        raise ValidationError(f"该服务商{month:%Y年%m月}没有已完成的订单")
    persons = {o.person_id for o in orders}
    households = {o.household_id for o in orders}
    month_end = nxt - dt.timedelta(days=1)
    enrol = Enrolment.objects.filter(
        Q(person_id__in=persons) | Q(household_id__in=households),
        Q(last_month__isnull=True) | Q(last_month__gte=month),
        programme__in=("tekun", "dibao"),
        first_month__lte=month_end,
    ).values_list("programme", "person_id", "household_id")
    tekun_p, dibao_p, dibao_h = set(), set(), set()
    for programme, pid, hid in enrol:
        if programme == "tekun":
            tekun_p.add(pid)
        else:
            dibao_p.add(pid)
            if hid:
                dibao_h.add(hid)
    # The free hours rest on the latest RECORDED capability assessment, never a level typed elsewhere.
    levels = {pid: level for pid, (level, _due) in assessed_levels(persons, month_end).items()}
    used_elsewhere = dict(
        SettlementLine.objects.filter(person_id__in=persons, settlement__month=month)
        .values("person_id")
        .annotate(n=Sum("free_used"))
        .values_list("person_id", "n")
    )
    policies: dict[tuple[str, str], Any] = {}
    settlement = Settlement.objects.create(
        provider=provider, month=month, region_code=provider.region_code, made_by=actor
    )
    lines = []
    for o in orders:
        if o.person_id in tekun_p:
            identity = "tekun"
        elif o.person_id in dibao_p or o.household_id in dibao_h:
            identity = "dibao"
        else:
            identity = "other"
        level = levels.get(o.person_id)
        key = (o.region_code[:6], o.person.hukou_type)
        if key not in policies:
            policies[key] = policy_resolve(
                on=month, region_code=o.region_code, hukou_type=o.person.hukou_type
            )
        free = Decimal(
            home_free_hours(policies[key].get, identity=identity, level=level) if level is not None else 0
        ) - Decimal(used_elsewhere.get(o.person_id) or 0)
        free = max(free, Decimal(0))
        hours = o.service_hours
        before = Decimal(o.cum_hours) - hours
        free_used = min(max(free - before, Decimal(0)), hours)
        amount = _q(o.item.price * o.quantity)
        government = _q(amount * free_used / hours) if hours else Decimal(0)
        lines.append(
            SettlementLine(
                settlement=settlement,
                order=o,
                person_id=o.person_id,
                identity=identity,
                capability_level=level,
                free_hours=free,
                hours=hours,
                free_used=free_used,
                amount=amount,
                government=government,
                personal=amount - government,
            )
        )
    SettlementLine.objects.bulk_create(lines)
    settlement.orders = len(lines)
    settlement.total = sum((x.amount for x in lines), Decimal(0))
    settlement.government = sum((x.government for x in lines), Decimal(0))
    settlement.personal = settlement.total - settlement.government
    settlement.save(update_fields=["orders", "total", "government", "personal"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="homecare_settlement",
        target_id=settlement.pk,
        region_code=settlement.region_code,
        detail=f"{provider.name} {month:%Y-%m} 结算：{len(lines)}单，合计{settlement.total}元，"
        f"政府{settlement.government}元",
    )
    return settlement


@transaction.atomic
def settlement_check(*, actor: Any, settlement: Settlement) -> Settlement:
    require(
        actor,
        "elderly.settle",
        region_code=settlement.region_code,
        target=f"homecare_settlement:{settlement.pk}",
    )
    require_other_person(actor, settlement.made_by_id, message="制表人和复核人不能是同一人")
    if settlement.basis != OrderBasis.ELDERLY:
        raise ValidationError("购买服务类结算单须在“社会救助服务类”中复核并从救助资金支付")
    return _conditional_step(
        actor,
        settlement,
        Settlement.objects.filter(pk=settlement.pk, state=Settlement.MADE),
        {"state": Settlement.CHECKED, "checked_by": actor, "checked_at": timezone.now()},
        refused="该结算单已复核",
        event=AuditEvent.DECISION,
        target_type="homecare_settlement",
        detail=f"复核通过：合计{settlement.total}元",
    )


def _conditional_step(
    actor: Any,
    obj: Any,
    qs: Any,
    changes: dict[str, Any],
    *,
    refused: str,
    event: str,
    target_type: str,
    detail: str,
) -> Any:
    """One state step that happens only if the row is still where the page saw it (the conditional
    UPDATE is the lock), then audited: settlement check, alarm acknowledge and close."""
    if qs.update(**changes) != 1:
        raise ValidationError(refused)
    obj.refresh_from_db()
    audit_record(
        actor=actor,
        event_type=event,
        target_type=target_type,
        target_id=obj.pk,
        region_code=obj.region_code,
        detail=detail,
    )
    return obj


# ---------------------------------------------------------------- devices and alarms
def device_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def device_register(
    *, actor: Any, kind: str, serial: str, place: str, region_code: str, person: Person | None = None
) -> tuple[Device, str]:
    """Register a device and issue its key (returned once, stored only as SHA-256)."""
    require(actor, "elderly.facility_manage", region_code=region_code, target="homecare:device")
    if kind not in DeviceKind.values:
        raise ValidationError("设备类型不正确")
    if not serial.strip() or not place.strip():
        raise ValidationError("请填写设备序列号和安装位置")
    if person is not None and not person.region_code.startswith(region_code):
        raise ValidationError("老人不在该设备的管辖区划内")
    key = "dev_" + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            device = Device.objects.create(
                kind=kind,
                serial=serial.strip(),
                place=place.strip(),
                region_code=region_code,
                person=person,
                key_hash=device_key_hash(key),
                key_prefix=key[:KEY_PREFIX_LEN],
                registered_by=actor,
            )
    except IntegrityError:
        raise ValidationError("该设备序列号已登记") from None
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="homecare_device",
        target_id=device.pk,
        region_code=region_code,
        detail=f"登记报警设备{device.get_kind_display()}（{device.place}），密钥{device.key_prefix}…",
    )
    return device, key


@transaction.atomic
def device_revoke(*, actor: Any, device: Device, reason: str) -> Device:
    """Revoke a device's key (lost, replaced, the elder moved): its alarms are refused from now on."""
    require(
        actor,
        "elderly.facility_manage",
        region_code=device.region_code,
        target=f"homecare:device:{device.pk}",
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写停用原因")
    if Device.objects.filter(pk=device.pk, active=True).update(active=False) != 1:
        raise ValidationError("该设备已停用")
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="homecare_device",
        target_id=device.pk,
        region_code=device.region_code,
        detail=f"停用报警设备密钥{device.key_prefix}…：{reason[:100]}",
    )
    device.refresh_from_db()
    return device


def device_authenticate(*, key: str) -> Device | None:
    if not key:
        return None
    return Device.objects.filter(key_hash=device_key_hash(key), active=True).first()


@transaction.atomic
def alarm_receive(*, device: Device, kind: str, at: dt.datetime | None = None) -> tuple[Alarm, bool]:
    """One report from a device. A repeat of an unclosed alarm of the same kind only counts on it
    (deduplication); returns (alarm, created)."""
    from minzheng.accounts.system import system_actor

    if kind not in AlarmKind.values:
        raise ValidationError("报警类型不正确")
    now = timezone.now()
    at = min(at or now, now)
    Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    existing = (
        Alarm.objects.select_for_update()
        .filter(device=device, kind=kind)
        .exclude(state=AlarmState.CLOSED)
        .first()
    )
    if existing is not None:
        Alarm.objects.filter(pk=existing.pk).update(
            repeats=F("repeats") + 1, last_at=max(at, existing.last_at)
        )
        existing.refresh_from_db()
        return existing, False
    alarm = Alarm.objects.create(
        device=device,
        kind=kind,
        region_code=device.region_code,
        person=device.person,
        first_at=at,
        last_at=at,
    )
    audit_record(
        actor=system_actor(purpose=f"报警设备{device.key_prefix}上报"),
        event_type=AuditEvent.CREATE,
        target_type="homecare_alarm",
        target_id=alarm.pk,
        region_code=alarm.region_code,
        detail=f"{alarm.get_kind_display()}：{device.place}",
    )
    return alarm, True


@transaction.atomic
def alarm_acknowledge(*, actor: Any, alarm: Alarm, note: str = "") -> Alarm:
    require(actor, "elderly.order_take", region_code=alarm.region_code, target=f"homecare_alarm:{alarm.pk}")
    changes = {
        "state": AlarmState.ACKNOWLEDGED,
        "acknowledged_by": actor,
        "acknowledged_at": timezone.now(),
        "note": note.strip()[:300],
    }
    return cast(
        Alarm,
        _conditional_step(
            actor,
            alarm,
            Alarm.objects.filter(pk=alarm.pk, state=AlarmState.OPEN),
            changes,
            refused="该报警已有人响应",
            event=AuditEvent.UPDATE,
            target_type="homecare_alarm",
            detail="响应报警",
        ),
    )


@transaction.atomic
def alarm_close(*, actor: Any, alarm: Alarm, note: str) -> Alarm:
    require(actor, "elderly.order_take", region_code=alarm.region_code, target=f"homecare_alarm:{alarm.pk}")
    if not note.strip():
        raise ValidationError("关闭报警须填写处置说明")
    changes = {
        "state": AlarmState.CLOSED,
        "closed_by": actor,
        "closed_at": timezone.now(),
        "note": note.strip()[:300],
        "acknowledged_by": alarm.acknowledged_by or actor,
        "acknowledged_at": alarm.acknowledged_at or timezone.now(),
    }
    return cast(
        Alarm,
        _conditional_step(
            actor,
            alarm,
            Alarm.objects.filter(pk=alarm.pk).exclude(state=AlarmState.CLOSED),
            changes,
            refused="该报警已关闭",
            event=AuditEvent.UPDATE,
            target_type="homecare_alarm",
            detail=f"关闭报警：{note.strip()[:60]}",
        ),
    )


# ------------------------------------------------ bought services: 社会救助服务类 and 特殊困难家庭照护
# Services the government buys for people in assistance are settled by ONE rule, per provider, month and
# basis: the confirmed orders' hours × the policy hour price, all paid from the county's default fund for
# that basis (made by one person, checked by another, then paid). Per basis: the fund default's programme
# code, the fund's spending line and the name read on pages and in the audit.
def _bought(basis: str) -> tuple[str, str, str]:
    from minzheng.funds.models import SpendingLine
    from minzheng.funds.selectors import BOUGHT_SERVICES, SERVICE, SPECIAL_CARE

    codes: dict[str, str] = {OrderBasis.ASSISTANCE: SERVICE, OrderBasis.SPECIAL: SPECIAL_CARE}
    fund_code = codes.get(basis)
    if fund_code is None:
        raise ValidationError("该结算单不是购买服务类结算（社会救助服务类或特殊困难家庭照护服务）")
    line = SpendingLine.SERVICE if basis == OrderBasis.ASSISTANCE else SpendingLine.CARE
    return fund_code, line, BOUGHT_SERVICES[fund_code]


@transaction.atomic
def service_settlement_make(
    *, actor: Any, provider: Provider, month: dt.date, basis: str = OrderBasis.ASSISTANCE
) -> Settlement:
    """制表: the provider's confirmed orders of one bought-service basis (社会救助服务类, or the care of
    special-difficulty families) served in the month, hours × the policy hour price
    (`assistance.service.hour_price` of the provider's county, the price of services bought for assistance),
    all paid by the fund."""
    require(
        actor, SERVICE_SETTLE, region_code=provider.region_code, target=f"homecare_provider:{provider.pk}"
    )
    _fund_code, _line, label = _bought(basis)
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise ValidationError("当月尚未结束，不能结算")
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    if Settlement.objects.filter(provider=provider, month=month, basis=basis).exists():
        raise ValidationError(f"该服务商本月{label}已结算")
    orders = list(
        Order.objects.filter(
            provider=provider,
            basis=basis,
            state=OrderState.CONFIRMED,
            check_out_at__date__gte=month,
            check_out_at__date__lt=nxt,
        ).select_related("item")
    )
    if not orders:
        raise ValidationError(f"该服务商{month:%Y年%m月}没有已完成的{label}订单")
    try:
        price = Decimal(
            str(
                policy_resolve(on=month, region_code=provider.region_code, hukou_type="").get(
                    "assistance.service.hour_price"
                )
            )
        )
    except PolicyMissing as e:
        raise ValidationError(f"缺少社会救助服务单价的政策参数：{e}") from None
    tekun = (
        set(
            service_eligible(on=month)
            .filter(pk__in={o.person_id for o in orders}, is_tekun=True)
            .values_list("pk", flat=True)
        )
        if basis == OrderBasis.ASSISTANCE
        else set()
    )
    settlement = Settlement.objects.create(
        provider=provider,
        month=month,
        region_code=provider.region_code,
        made_by=actor,
        basis=basis,
        hour_price=price,
    )
    lines = []
    for o in orders:  # one row per order of one provider and month, written in one insert
        hours = o.service_hours
        amount = _q(hours * price)
        identity = "tekun" if o.person_id in tekun else "dibao"
        identity = "special" if basis == OrderBasis.SPECIAL else identity
        lines.append(
            SettlementLine(
                settlement=settlement,
                order=o,
                person_id=o.person_id,
                identity=identity,
                capability_level=None,
                free_hours=Decimal(0),
                hours=hours,
                free_used=hours,
                amount=amount,
                government=amount,
                personal=Decimal(0),
            )
        )
    SettlementLine.objects.bulk_create(lines)
    settlement.orders = len(lines)
    settlement.hours = sum((x.hours for x in lines), Decimal(0))
    settlement.total = settlement.government = sum((x.amount for x in lines), Decimal(0))
    settlement.personal = Decimal(0)
    settlement.save(update_fields=["orders", "hours", "total", "government", "personal"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="homecare_settlement",
        target_id=settlement.pk,
        region_code=settlement.region_code,
        detail=f"{label}结算制表：{settlement.orders}单，{settlement.hours}小时，合计{settlement.total}元",
    )
    return settlement


@transaction.atomic
def service_settlement_check(*, actor: Any, settlement: Settlement) -> Settlement:
    """复核 by a second person, and the county's fund for the settlement's basis pays the total (refused in
    Chinese, with amount and balance, when it cannot; nothing is checked then)."""
    from minzheng.funds.selectors import default_fund
    from minzheng.funds.services import fund_spend

    require(
        actor,
        SERVICE_SETTLE,
        region_code=settlement.region_code,
        target=f"homecare_settlement:{settlement.pk}",
    )
    fund_code, line, label = _bought(settlement.basis)
    require_other_person(actor, settlement.made_by_id, message="制表人和复核人不能是同一人")
    fund = default_fund(programme=fund_code, county_code=settlement.region_code[:6])
    if fund is None:
        raise ValidationError(f"本县尚未设定{label}的默认资金来源，请先在“救助资金”中设定")
    checked = _conditional_step(
        actor,
        settlement,
        Settlement.objects.filter(pk=settlement.pk, state=Settlement.MADE),
        {"state": Settlement.CHECKED, "checked_by": actor, "checked_at": timezone.now()},
        refused="该结算单已复核",
        event=AuditEvent.DECISION,
        target_type="homecare_settlement",
        detail=f"{label}结算复核通过：合计{settlement.total}元",
    )
    entry = fund_spend(
        actor=actor,
        fund=fund,
        amount=checked.total,
        month=checked.month,
        line=line,
        reference=f"homecare_settlement:{checked.pk}",
        note=f"{checked.provider.name}{checked.month:%Y年%m月}{label}服务费",
    )
    checked.fund_entry = entry
    checked.save(update_fields=["fund_entry"])
    return checked
