"""Demo data of 婚姻登记: the county's registry office (5A, quotas by weekday), the holidays and the special
dates of the years shown (七夕 is lunar: its dates are typed in per year), today's bookings (one married at
the window, one divorce by agreement entering its cooling-off period), future bookings, a cancellation, a
rebooking and a non-local party under the cross-region pilot. Written by the demo 社会事务科 (shehui)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.core.idnumber import make_id_number
from minzheng.marriage import services
from minzheng.people.models import Person

HOLIDAYS = (
    (dt.date(2027, 1, 1), "元旦"),
    *((dt.date(2027, 2, 6) + dt.timedelta(days=i), "春节") for i in range(7)),
    *((dt.date(2027, 10, 1) + dt.timedelta(days=i), "国庆节") for i in range(7)),
)
SPECIAL = (
    (dt.date(2027, 5, 20), "5·20"),
    (dt.date(2027, 8, 8), "七夕"),  # 农历七月初七, 2027
    (dt.date(2028, 5, 20), "5·20"),
    (dt.date(2028, 8, 26), "七夕"),  # 农历七月初七, 2028
)


def _party(p: Person) -> dict[str, str]:
    return {"name": p.name, "id_number": p.id_number}


def seed(*, actor: Any, seed: int) -> str:
    clerk = User.objects.filter(username="shehui").first()
    if clerk is None or clerk.region is None:
        return "婚姻登记：缺少演示账号shehui，跳过"
    county = clerk.region.code[:6]
    today = timezone.localdate()
    people = Person.objects.filter(region_code__startswith=county, is_alive=True).exclude(id_hash=None)
    men = list(
        people.filter(
            sex="M",
            birth_date__range=(today.replace(year=today.year - 38), today.replace(year=today.year - 24)),
        ).order_by("id")[:40]
    )
    women = list(
        people.filter(
            sex="F",
            birth_date__range=(today.replace(year=today.year - 36), today.replace(year=today.year - 22)),
        ).order_by("id")[:40]
    )
    if len(men) < 8 or len(women) < 8:
        return "婚姻登记：演示县适龄人员不足，跳过"
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    rng.shuffle(men)
    rng.shuffle(women)
    office = services.office_create(
        actor=clerk,
        name=f"{clerk.region.name}婚姻登记处",
        region_code=county,
        address=f"{clerk.region.name}民政局婚姻登记大厅",
        phone="0537-2345678",
        quotas=[40, 40, 40, 40, 40, 10, 0],
    )
    services.office_grade(actor=clerk, office=office, grade="5A", graded_on=dt.date(2024, 6, 18))
    for day, name in HOLIDAYS:
        services.closed_day_add(actor=clerk, date=day, name=name)
    for day, name in SPECIAL:
        services.special_date_add(actor=clerk, date=day, name=name, extra_slots=60)
    couples = list(zip(men, women, strict=False))
    booked = 0

    def book(man: Person, woman: Person, day: dt.date, kind: str = "marriage") -> Any:
        nonlocal booked
        booked += 1
        return services.appointment_book(
            actor=clerk, office=office, date=day, kind=kind, party_a=_party(man), party_b=_party(woman)
        )

    # Today: two couples waiting, one married at the window.
    open_today = today.weekday() < 6
    if open_today:
        wed = book(*couples[0], today)
        services.marriage_register(actor=clerk, appointment=wed)
        book(*couples[1], today)
        book(*couples[2], today)
    # The coming days (skipping the closed Sunday): bookings, one cancelled, one moved.
    future = [
        today + dt.timedelta(days=i) for i in range(1, 20) if (today + dt.timedelta(days=i)).weekday() < 6
    ]
    for (man, woman), day in zip(couples[3:7], future, strict=False):
        book(man, woman, day)
    cancelled = book(*couples[7], future[1])
    services.appointment_cancel(actor=clerk, appointment=cancelled)
    moved = book(men[8], women[8], future[2])
    services.appointment_rebook(actor=clerk, appointment=moved, date=future[4])
    # A woman from Henan living here on a residence permit (跨区域通办试点).
    henan_id = make_id_number("410105", dt.date(1996, 3, 15), 14, "F")
    services.appointment_book(
        actor=clerk,
        office=office,
        date=future[3],
        kind="marriage",
        party_a=_party(men[9]),
        party_b={"name": "赵晓雨", "id_number": henan_id, "hukou_province": "河南省", "permit_no": henan_id},
    )
    divorces = 0
    if open_today:
        # A couple married here earlier comes to divorce by agreement: the 30-day cooling-off starts today.
        split = book(men[10], women[10], today, kind="divorce")
        services.divorce_apply(actor=clerk, appointment=split)
        divorces = 1
    return f"婚姻登记：{office.name}（5A），{booked + 1}对预约，{divorces}件离婚冷静期"
