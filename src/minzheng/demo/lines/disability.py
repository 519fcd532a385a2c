"""Demo data of the disability line: certified disabled persons of the demo township taken in by the
township clerk (xiangzhen) and decided by the township approver (shenpi) — most approved onto the two
subsidies' payroll, a few refused, a few still waiting — all through the line's services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from minzheng.benefits.models import Enrolment
from minzheng.disability import services
from minzheng.disability.models import Kind
from minzheng.people.models import Person

COUNT = 16
WAITING = 4


def seed(*, actor: Any, seed: int) -> str:
    users = get_user_model().objects
    clerk = users.filter(username="xiangzhen").first()
    approver = users.filter(username="shenpi").first()
    if clerk is None or approver is None or clerk.region is None:
        return "残疾人两项补贴：缺少演示账号，未生成"
    rng = random.Random(seed)  # noqa: S311 -- demo data, reproducible by seed
    people = list(
        Person.objects.filter(
            region_code__startswith=clerk.region.prefix, is_alive=True, id_hash__isnull=False
        ).order_by("id")[:2000]
    )
    dibao = set(
        Enrolment.objects.filter(person__in=people, programme="dibao", last_month__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    # dibao members first: the living subsidy is theirs; then others (the care subsidy alone)
    chosen = [p for p in people if p.pk in dibao][: COUNT // 2]
    others = [p for p in people if p.pk not in dibao and p.birth_date.year < 2005]
    chosen += rng.sample(others, min(len(others), COUNT - len(chosen)))
    approved = refused = 0
    for i, person in enumerate(chosen):
        app = services.application_intake(
            actor=clerk,
            person=person,
            certificate_no=person.id_number + f"{rng.randint(1, 7)}{rng.randint(1, 4)}",
            grade=rng.choice((1, 2, 2, 3, 4)),
            kind=rng.choice(Kind.values),
            issued_on=dt.date(2015 + rng.randint(0, 9), rng.randint(1, 12), rng.randint(1, 28)),
            household_dibao=person.pk in dibao,
            work_injury_care=rng.random() < 0.05,
        )
        if i < len(chosen) - WAITING:
            app = services.application_decide(actor=approver, application=app, note="材料齐全，同意")
            approved += app.status == "approved"
            refused += app.status == "rejected"
    waiting = len(chosen) - approved - refused
    rehab = _rehab_and_devices(clerk=clerk, people=[p for p in people if p not in chosen], rng=rng)
    subsidies = f"受理{len(chosen)}件，批准{approved}件，不予批准{refused}件，待审批{waiting}件"
    return f"残疾人两项补贴：{subsidies}；{rehab}"


DEVICES = (("轮椅", 180), ("助行器", 90), ("护理床", 365), ("坐便椅", 90))


def _rehab_and_devices(*, clerk: Any, people: list[Person], rng: random.Random) -> str:
    """A community rehabilitation site in the clerk's township with a fortnight of attendance, and its
    store of assistive devices: loans out, one returned, one overdue (the 首页 card has something)."""
    today = timezone.localdate()
    adults = [p for p in people if p.birth_date.year < 2006]
    if len(adults) < 10:
        return "康复与辅具：人员不足，未生成"
    village = adults[0].region_code
    site = services.rehab_site_create(
        actor=clerk, name=f"{clerk.region.name}精神障碍社区康复站", region_code=village, capacity=12
    )
    start = today - dt.timedelta(days=20)
    enrolled = [
        services.rehab_enrol(actor=clerk, site=site, person=p, start_date=start)
        for p in adults[:6]
        if p.region_code.startswith(clerk.region.prefix)
    ]
    marks = ("present", "present", "present", "leave", "absent")
    for back in range(14, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() < 5:
            for e in enrolled:
                services.rehab_attendance_mark(actor=clerk, enrolment=e, day=day, mark=rng.choice(marks))
    stock = []
    for name, days in DEVICES:
        device = services.device_type_create(actor=clerk, name=name, loan_days=days)
        stock.append(
            services.device_stock_add(actor=clerk, site=site, device=device, quantity=rng.randint(3, 6))
        )
    borrowers = adults[6:10]
    loans = [
        services.device_lend(
            actor=clerk, stock=stock[i % len(stock)], person=p, lent_on=today - dt.timedelta(days=30)
        )
        for i, p in enumerate(borrowers[:3])
    ]
    # One lent long ago and never brought back: on the overdue list.
    loans.append(
        services.device_lend(
            actor=clerk, stock=stock[1], person=borrowers[3], lent_on=today - dt.timedelta(days=120)
        )
    )
    services.device_return(actor=clerk, loan=loans[0], returned_on=today - dt.timedelta(days=2))
    return f"康复站1个（在站{len(enrolled)}人），辅具目录{len(DEVICES)}种，借出{len(loans)}件（1件逾期）"
