"""12349 demo: two home-care companies of the demo township with three certified carers (the demo
account huli and two more), elders of that township with coordinates and capability levels, orders in
every state, last month's settlement (one made and checked, one waiting for its check) and two devices with
alarms (one open, repeated; one closed).

Written through the homecare services by the demo accounts who would do it (yanglao registers, xiangzhen
takes and dispatches, huli serves, caiwu checks). Household coordinates are not homecare's to write and
have no service yet, so they are filled here only where missing (around the township's centre,
set-based); the elder's capability level is a recorded assessment through the elderly service."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Mod
from django.utils import timezone

from minzheng.accounts.models import Role, User
from minzheng.accounts.services import user_create
from minzheng.demo.lines.elderly import assess
from minzheng.homecare import services
from minzheng.homecare.models import Order, OrderState
from minzheng.people.models import Household, Membership

# 济宁市任城区 (the demo county): the township's centre the demo coordinates spread around.
CENTRE = (Decimal("35.414000"), Decimal("116.587000"))


def _carer_user(username: str, region_code: str, label: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=_system(),
            username=username,
            password=secrets.token_urlsafe(12),
            role=Role.CARER,
            region_code=region_code,
            display_name=label,
        )
    return user


def _system() -> Any:
    from minzheng.accounts.system import system_actor

    return system_actor(purpose="初始化演示环境")


def seed(*, actor: Any, seed: int) -> str:
    users = {
        u.username: u for u in User.objects.filter(username__in=["yanglao", "xiangzhen", "huli", "caiwu"])
    }
    if len(users) < 4:
        return "12349居家服务：缺少演示账号，跳过"
    officer, clerk, huli, finance = users["yanglao"], users["xiangzhen"], users["huli"], users["caiwu"]
    if clerk.region is None:
        return "12349居家服务：演示乡镇经办没有所属区划，跳过"
    town = clerk.region.code
    services.catalogue_load(actor=actor)
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    # Coordinates for the township's households that have none: within about 2.5 km of the centre.
    Household.objects.filter(region_code__startswith=town, latitude__isnull=True).update(
        latitude=Value(CENTRE[0]) + (Mod(F("id") * 37, Value(401)) - Value(200)) * Value(Decimal("0.00011")),
        longitude=Value(CENTRE[1]) + (Mod(F("id") * 53, Value(401)) - Value(200)) * Value(Decimal("0.00013")),
    )
    sixty = timezone.localdate().replace(year=timezone.localdate().year - 60)
    heads = list(
        Membership.objects.filter(
            end_date__isnull=True, household__region_code__startswith=town, person__birth_date__lte=sixty
        )
        .select_related("person", "household")
        .order_by("person_id")[:12]
    )
    if not heads:
        return "12349居家服务：演示乡镇没有60岁以上老人，跳过"
    for m in heads:
        # The free hours rest on a recorded assessment (through the elderly service), never a typed level.
        assess(person=m.person, level=rng.choice([2, 3, 3, 4]), rng=rng)
    kangle = services.provider_create(
        actor=officer,
        name="康乐居家养老服务有限公司",
        region_code=town,
        latitude="35.410000",
        longitude="116.580000",
        address="任城区济安桥路88号",
    )
    fuleyuan = services.provider_create(
        actor=officer,
        name="福乐源居家照料服务中心",
        region_code=town,
        latitude="35.420000",
        longitude="116.595000",
        address="任城区建设路16号",
    )
    carers = [
        services.carer_create(
            actor=officer,
            provider=kangle,
            user=huli,
            name="王秀兰",
            certificate="养老护理员（四级/中级工）",
            certificate_no="HL3708110021",
            latitude="35.415200",
            longitude="116.586100",
        ),
        services.carer_create(
            actor=officer,
            provider=kangle,
            user=_carer_user("huli2", town, "护理员（李）"),
            name="李桂芳",
            certificate="养老护理员（五级/初级工）",
            certificate_no="HL3708110035",
            latitude="35.405500",
            longitude="116.579800",
        ),
        services.carer_create(
            actor=officer,
            provider=fuleyuan,
            user=_carer_user("huli3", town, "护理员（赵）"),
            name="赵明",
            certificate="养老护理员（四级/中级工）",
            certificate_no="HL3708110047",
            latitude="35.421000",
            longitude="116.596500",
        ),
    ]
    now = timezone.now()
    items = ["JJ14", "JJ01", "JJ05", "JJ19", "JJ23", "JJ24", "JJ03", "JJ25"]
    orders: list[Order] = []
    for i, m in enumerate(heads + heads):  # two orders an elder: the hotline's regulars
        orders.append(
            services.order_take(
                actor=clerk,
                person=m.person,
                item_code=items[i % len(items)],
                quantity=Decimal(rng.choice([1, 2, 3])) if i % 2 == 0 else Decimal(1),
                scheduled_at=now + dt.timedelta(hours=2 + i),
                caller=rng.choice(["本人", "女儿", "儿子", "邻居"]),
            )
        )

    def carer_for(order: Order) -> Any:
        found = list(services_candidates(order))
        return next((c for c in found if c.user_id == huli.pk), found[0] if found else None)

    # The last four stay 已受理, 已派单, 服务中 and 待确认; the others are done.
    stop = {
        len(orders) - 4: "taken",
        len(orders) - 3: "dispatched",
        len(orders) - 2: "serving",
        len(orders) - 1: "served",
    }
    done = []
    for i, order in enumerate(orders):
        carer = carer_for(order)
        if carer is None or stop.get(i) == "taken":
            continue
        order = services.order_dispatch(actor=clerk, order=order, carer=carer)
        if stop.get(i) == "dispatched":
            continue
        order = services.order_check_in(
            actor=carer.user,
            order=order,
            latitude=str(order.household.latitude),
            longitude=str(order.household.longitude),
        )
        if stop.get(i) == "serving":
            continue
        order = services.order_check_out(actor=carer.user, order=order, note="手机定位被拒绝，已电话报备")
        if stop.get(i) == "served":
            continue
        done.append(
            services.order_confirm(actor=carer.user if i % 2 else clerk, order=order, code=order.confirm_code)
        )
    # The confirmed orders were served last month, so last month's settlement has something to price.
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for j, order in enumerate(done):
        when = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=3 + j), dt.time(9)))
        Order.objects.filter(pk=order.pk).update(
            check_in_at=when,
            check_out_at=when + dt.timedelta(hours=2),
            confirmed_at=when + dt.timedelta(hours=3),
            scheduled_at=when,
        )
    settled = 0
    for provider in (kangle, fuleyuan):
        if Order.objects.filter(provider=provider, state=OrderState.CONFIRMED).exists():
            s = services.settlement_make(actor=officer, provider=provider, month=last)
            settled += 1
            if provider == kangle:
                services.settlement_check(actor=finance, settlement=s)
    button, _ = services.device_register(
        actor=officer,
        kind="call_button",
        serial="CB-3708-0001",
        place=f"{heads[0].person.name}家卧室",
        region_code=heads[0].person.region_code,
        person=heads[0].person,
    )
    monitor, _ = services.device_register(
        actor=officer,
        kind="sleep_monitor",
        serial="SM-3708-0001",
        place=f"{heads[-1].person.name}家床垫",
        region_code=heads[-1].person.region_code,
        person=heads[-1].person,
    )
    services.alarm_receive(device=button, kind="call")
    services.alarm_receive(device=button, kind="call")
    closed, _ = services.alarm_receive(device=monitor, kind="left_bed")
    services.alarm_close(actor=clerk, alarm=closed, note="电话联系家属，老人夜间如厕已回床")
    services.alarm_receive(device=monitor, kind="vitals")
    return (
        f"12349居家服务：服务商2家、护理员{len(carers)}名、订单{len(orders)}单（各状态）、"
        f"上月结算{settled}份、报警设备2台"
    )


def services_candidates(order: Order) -> Any:
    from minzheng.homecare.selectors import dispatch_candidates

    return dispatch_candidates(order=order)
