"""Reads of the 12349 line: region-scoped (out of scope reads as missing); the actions each page offers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.core.todos import Item, Todo

from . import geo
from .geo import radius_km
from .models import (
    Alarm,
    AlarmState,
    Carer,
    Device,
    Order,
    OrderBasis,
    OrderState,
    Provider,
    ServiceItem,
    Settlement,
)

OPERATOR = "elderly.order_take"
CARER = "elderly.order_serve"
SETTLE = "elderly.settle"


@dataclass(frozen=True)
class Action:
    code: str
    label: str


def catalogue(*, on: dt.date, region_code: str = "") -> list[ServiceItem]:
    """The items in force on `on` (one row per code, the most specific region and latest date)."""
    rows = ServiceItem.objects.filter(effective_from__lte=on).exclude(effective_to__lt=on).order_by("code")
    best: dict[str, ServiceItem] = {}
    for r in rows:
        if region_code.startswith(r.region_prefix):
            cur = best.get(r.code)
            if cur is None or (len(r.region_prefix), r.effective_from) > (
                len(cur.region_prefix),
                cur.effective_from,
            ):
                best[r.code] = r
    return list(best.values())


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("person", "item", "carer__provider", "provider", "household")


def order_list(*, actor: Any, state: str = "", month: str = "") -> QuerySet[Order]:
    qs = scoped(OPERATOR, _orders(), actor) | scoped(SETTLE, _orders(), actor)
    if state in OrderState.values:
        qs = qs.filter(state=state)
    if month:
        try:
            start = dt.date.fromisoformat(month + "-01")
        except ValueError:
            return qs.none()
        qs = qs.filter(
            scheduled_at__date__gte=start,
            scheduled_at__date__lt=(start + dt.timedelta(days=32)).replace(day=1),
        )
    return qs.order_by("-scheduled_at", "-pk")


def order_get(*, actor: Any, pk: int) -> Order:
    """An operator's (or settlement officer's) order in scope, or the carer's own; anything else 404."""
    order = (scoped(OPERATOR, _orders(), actor) | scoped(SETTLE, _orders(), actor)).filter(pk=pk).first()
    if order is None and can(actor, CARER):
        order = _orders().filter(pk=pk, carer__user_id=actor.pk).first()
    if order is None:
        raise Http404("订单不存在")
    return order


# A carer still sees an order a death ended (已终止) for a week, so they know not to go.
ENDED_SHOWN = dt.timedelta(days=7)
CARER_OPEN = (OrderState.DISPATCHED, OrderState.SERVING, OrderState.SERVED)


def carer_orders(*, actor: Any, ended: bool = True) -> QuerySet[Order]:
    """The carer's orders to serve, and (`ended`) those a death ended in the last week."""
    if not can(actor, CARER):
        return Order.objects.none()
    shown = Q(state__in=CARER_OPEN)
    if ended:
        shown |= Q(state=OrderState.TERMINATED, ended_at__gte=timezone.now() - ENDED_SHOWN)
    return _orders().filter(shown, carer__user_id=actor.pk).order_by("scheduled_at", "pk")


def order_actions(*, actor: Any, order: Order) -> list[Action]:
    """What this actor may do to this order now: the pages show exactly these."""
    out: list[Action] = []
    own = can(actor, CARER) and order.carer is not None and order.carer.user_id == actor.pk
    operator = can(actor, OPERATOR, region_code=order.region_code)
    if operator and order.state in (OrderState.TAKEN, OrderState.DISPATCHED):
        out.append(Action("dispatch", "派单" if order.state == OrderState.TAKEN else "改派"))
    if own and order.state == OrderState.DISPATCHED:
        out.append(Action("check_in", "签到"))
    if own and order.state == OrderState.SERVING:
        out.append(Action("check_out", "签退"))
    if order.state == OrderState.SERVED and (own or operator):
        out.append(Action("confirm", "确认完成"))
    if operator and order.state in (OrderState.TAKEN, OrderState.DISPATCHED):
        out.append(Action("cancel", "取消订单"))
    return out


def dispatch_candidates(*, order: Order) -> QuerySet[Carer]:
    """Active carers within the service radius of the elder's household, nearest first (bounding box,
    then haversine, in SQL)."""
    hh = order.household
    if hh.latitude is None or hh.longitude is None:
        return Carer.objects.none()
    km = radius_km(on=timezone.localdate(order.scheduled_at), region_code=order.region_code)
    qs = Carer.objects.filter(active=True, provider__active=True).select_related("provider")
    return geo.within(qs, float(hh.latitude), float(hh.longitude), km)


def providers(*, actor: Any) -> QuerySet[Provider]:
    return (
        scoped(SETTLE, Provider.objects.all(), actor) | scoped(OPERATOR, Provider.objects.all(), actor)
    ).order_by("name")


def settlement_list(*, actor: Any) -> QuerySet[Settlement]:
    return scoped(
        SETTLE, Settlement.objects.select_related("provider", "made_by", "checked_by"), actor
    ).order_by("-month", "provider__name")


def settlement_get(*, actor: Any, pk: int) -> Settlement:
    s = settlement_list(actor=actor).filter(pk=pk).first()
    if s is None:
        raise Http404("结算单不存在")
    return s


def settlement_actions(*, actor: Any, settlement: Settlement) -> list[Action]:
    if (
        settlement.state == Settlement.MADE
        and can(actor, SETTLE, region_code=settlement.region_code)
        and settlement.made_by_id != actor.pk
    ):
        return [Action("check", "复核通过")]
    return []


def settlement_lines(*, settlement: Settlement) -> QuerySet[Any]:
    return settlement.lines.select_related("order", "order__item", "person").order_by(
        "person_id", "order__check_out_at"
    )


def alarm_list(*, actor: Any, state: str = "") -> QuerySet[Alarm]:
    qs = scoped(OPERATOR, Alarm.objects.select_related("device", "person"), actor)
    if state in AlarmState.values:
        qs = qs.filter(state=state)
    elif state != "all":
        qs = qs.exclude(state=AlarmState.CLOSED)
    return qs.order_by("state", "-last_at")


def alarm_get(*, actor: Any, pk: int) -> Alarm:
    a = scoped(OPERATOR, Alarm.objects.select_related("device", "person"), actor).filter(pk=pk).first()
    if a is None:
        raise Http404("报警不存在")
    return a


def alarm_actions(*, actor: Any, alarm: Alarm) -> list[Action]:
    if not can(actor, OPERATOR, region_code=alarm.region_code):
        return []
    if alarm.state == AlarmState.OPEN:
        return [Action("acknowledge", "响应"), Action("close", "处置完毕并关闭")]
    if alarm.state == AlarmState.ACKNOWLEDGED:
        return [Action("close", "处置完毕并关闭")]
    return []


def state_counts(*, actor: Any) -> dict[str, int]:
    rows = order_list(actor=actor).order_by().values("state").annotate(n=Count("pk"))
    return {r["state"]: r["n"] for r in rows}


# ---------------------------------------------------------------- 首页 to-dos
def todo_orders(actor: Any, on: dt.date) -> Todo:
    qs = scoped(OPERATOR, _orders(), actor).filter(state__in=(OrderState.TAKEN, OrderState.SERVED))
    first = list(qs.order_by("scheduled_at")[:5])
    return Todo(
        key="homecare_orders",
        title="12349待派单、待确认订单",
        count=qs.count(),
        url="/homecare/",
        items=[
            Item(f"{o.person.name} {o.item.name}", f"/homecare/orders/{o.pk}/", o.get_state_display())
            for o in first
        ],
    )


def todo_alarms(actor: Any, on: dt.date) -> Todo:
    qs = alarm_list(actor=actor)
    first = list(qs[:5])
    return Todo(
        key="homecare_alarms",
        title="未处置的居家报警",
        count=qs.count(),
        url="/homecare/alarms/",
        items=[
            Item(
                f"{a.get_kind_display()} {a.device.place}", f"/homecare/alarms/{a.pk}/", a.get_state_display()
            )
            for a in first
        ],
    )


def todo_carer(actor: Any, on: dt.date) -> Todo:
    qs = carer_orders(actor=actor, ended=False)
    first = list(qs[:5])
    return Todo(
        key="homecare_my_orders",
        title="我的上门服务",
        count=qs.count(),
        url="/homecare/my/",
        items=[
            Item(f"{o.person.name} {o.item.name}", f"/homecare/my/{o.pk}/", o.get_state_display())
            for o in first
        ],
    )


# ---------------------------------------------------------------- devices (care homes and homes)
MANAGE = "elderly.facility_manage"


def device_list(*, actor: Any) -> QuerySet[Device]:
    return scoped(MANAGE, Device.objects.select_related("person"), actor).order_by(
        "-active", "region_code", "pk"
    )


def device_get(*, actor: Any, pk: int) -> Device:
    d = scoped(MANAGE, Device.objects.all(), actor).filter(pk=pk).first()
    if d is None:
        raise Http404("设备不存在")
    return d


def device_actions(*, actor: Any, device: Device) -> list[Action]:
    if device.active and can(actor, MANAGE, region_code=device.region_code):
        return [Action("revoke", "停用密钥")]
    return []


# ---------------------------------------------------------------- providers and carers
def provider_list(*, actor: Any) -> QuerySet[Provider]:
    return providers(actor=actor).annotate(carer_count=Count("carers"))


def provider_get(*, actor: Any, pk: int) -> Provider:
    p = providers(actor=actor).filter(pk=pk).first()
    if p is None:
        raise Http404("服务商不存在")
    return p


def provider_carers(*, provider: Provider) -> QuerySet[Carer]:
    return provider.carers.select_related("user").order_by("-active", "name", "pk")


def service_areas(*, provider: Provider) -> list[Any]:
    """The places a carer of `provider` may serve, by name (the provider's own region and the townships
    and villages under it): what a carer's service area is chosen from, never a typed code. One query."""
    from minzheng.regions.models import Region

    return list(
        Region.objects.filter(
            code__startswith=provider.region_code, level__in=("county", "township", "village")
        )
        .order_by("code")
        .only("code", "name")[:500]
    )


def may_manage(*, actor: Any, region_code: str) -> bool:
    return can(actor, MANAGE, region_code=region_code)


def carer_accounts(*, actor: Any) -> list[Any]:
    """Carer accounts in the actor's scope not yet registered as a carer (for the add-carer form)."""
    from minzheng.accounts.models import User
    from minzheng.accounts.permissions import roles_for

    qs = scoped(
        MANAGE,
        User.objects.filter(role__in=roles_for(CARER), homecare_carer__isnull=True, is_active=True),
        actor,
        field="region__code",
    )
    return list(qs.order_by("username")[:200])


# ---------------------------------------------------------------- 社会救助服务类 (物质+服务, seed 003)
SERVICE_ORDER, SERVICE_SETTLE = "assistance.service_order", "assistance.service_settle"
# the bases settled as services bought for assistance (one rule: services.service_settlement_make)
BOUGHT = (OrderBasis.ASSISTANCE, OrderBasis.SPECIAL)
GRADES = ("一级", "二级", "三级", "四级")  # the disability subsidies' enrolment tier (the certificate grade)


def service_eligible(*, on: dt.date) -> QuerySet[Any]:
    """Who may get services bought for social assistance in `on`'s month, set-based over the one enrolment
    table: dispersed tekun (分散供养), and dibao members (enrolled or in an enrolled household) holding a
    disability subsidy of a grade up to `assistance.service.disability_grade_max` (city policy)."""
    from django.db.models import Exists, OuterRef

    from minzheng.benefits.models import Enrolment
    from minzheng.people.models import Membership, Person
    from minzheng.policy.selectors import PolicyMissing, policy_resolve

    month = on.replace(day=1)
    try:
        grade_max = int(
            policy_resolve(on=on, region_code="370800", hukou_type="").get(
                "assistance.service.disability_grade_max"
            )
        )
    except PolicyMissing as e:
        from django.core.exceptions import ValidationError

        raise ValidationError(f"缺少社会救助服务类的政策参数：{e}") from None
    open_ = Enrolment.objects.filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month), first_month__lte=month
    )
    from minzheng.facilities.selectors import placed

    # 分散供养 = a tekun not staying in an institution now (the same test as the tekun file's 尚未集中供养)
    tekun = open_.filter(programme="tekun", person=OuterRef("pk"))
    dibao_self = open_.filter(programme="dibao", person=OuterRef("pk"))
    dibao_homes = open_.filter(programme="dibao", household__isnull=False).values("household_id")
    dibao_member = Membership.objects.filter(
        person=OuterRef("pk"), end_date__isnull=True, household_id__in=dibao_homes
    )
    disabled = open_.filter(
        programme__in=("dis_living", "dis_care"), person=OuterRef("pk"), tier__in=GRADES[:grade_max]
    )
    return (
        Person.objects.filter(is_alive=True)
        .annotate(is_tekun=Exists(tekun), is_placed=placed(), is_disabled=Exists(disabled))
        .filter(
            Q(is_tekun=True, is_placed=False)
            | ((Exists(dibao_self) | Exists(dibao_member)) & Q(is_disabled=True))
        )
    )


def service_unserved(*, actor: Any, on: dt.date) -> QuerySet[Any]:
    """Eligible persons in scope without a service order this month (cancelled ones do not count)."""
    month = on.replace(day=1)
    ordered = (
        Order.objects.filter(basis=OrderBasis.ASSISTANCE, taken_at__date__gte=month)
        .exclude(state=OrderState.CANCELLED)
        .values("person_id")
    )
    qs = scoped(SERVICE_ORDER, service_eligible(on=on), actor)
    return qs.exclude(pk__in=ordered).order_by("region_code", "pk")


def service_figures(*, actor: Any) -> list[dict[str, Any]]:
    """People served and hours delivered by month (confirmed orders), in the actor's scope: one query."""
    from django.db.models import F, Sum
    from django.db.models.functions import TruncMonth

    perm = SERVICE_SETTLE if can(actor, SERVICE_SETTLE) else SERVICE_ORDER
    rows = (
        scoped(perm, Order.objects.filter(basis=OrderBasis.ASSISTANCE, state=OrderState.CONFIRMED), actor)
        .annotate(month=TruncMonth("check_out_at"))
        .values("month")
        .annotate(people=Count("person", distinct=True), hours=Sum(F("item__hours_per_unit") * F("quantity")))
        .order_by("-month")
    )
    return list(rows[:24])


def service_settlements(*, actor: Any) -> QuerySet[Settlement]:
    return (
        scoped(SERVICE_SETTLE, Settlement.objects.filter(basis__in=BOUGHT), actor)
        .select_related("provider", "made_by", "checked_by", "fund_entry__fund")
        .order_by("-month", "pk")
    )


def service_settlement_get(*, actor: Any, pk: int) -> Settlement:
    s = service_settlements(actor=actor).filter(pk=pk).first()
    if s is None:
        raise Http404("结算单不存在")
    return s


def service_providers(*, actor: Any) -> QuerySet[Provider]:
    """The providers whose social-assistance services the actor settles."""
    return scoped(SERVICE_SETTLE, Provider.objects.all(), actor).order_by("name")


def person_orders(*, actor: Any, person_ids: list[int], basis: str = "") -> QuerySet[Order]:
    """Orders of these people (newest first) the actor may read: the special-difficulty family page shows
    its members' care orders and how far each has got."""
    qs = _orders().filter(person_id__in=person_ids)
    if basis:
        qs = qs.filter(basis=basis)
    return scoped("specialfamilies.read", qs, actor).order_by("-scheduled_at", "-pk")


def activity_after(*, person: Any, after: dt.date) -> list[str]:
    """The line's later-activity hook: home-care services a carer checked in to for `person` after `after`
    (a service delivered at the door says the person was alive that day)."""
    served = Order.objects.filter(person=person, check_in_at__date__gt=after).order_by("check_in_at")[:3]
    return [
        f"{timezone.localtime(o.check_in_at):%Y年%m月%d日}接受居家上门服务（工单{o.number}）"
        for o in served
        if o.check_in_at is not None
    ]
