"""Demo data of the special-difficulty families line (淄博, seed 001): a few households of the demo township
recognised as 低保边缘 or 支出型困难 (those with a certified disabled member outside dibao first, so
categories 3 and 4 have people), a spring-festival condolence list prepared by the county (xianji) and
waiting for the finance officer's (caiwu) decision, and on the tekun files the willingness to live in an
institution and this year's insurance for most of the dispersed — all through the line's services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.benefits.models import Enrolment
from minzheng.disability.models import SubsidyApplication
from minzheng.people.models import Household, Membership
from minzheng.specialfamilies import services

BASIS = {
    "expense": "因病支出较大，经乡镇入户核查认定",
    "margin": "家庭人均收入低于低保标准1.5倍，经核对认定",
}
INSURERS = ("中国人民财产保险股份有限公司", "中国人寿财产保险股份有限公司")


def seed(*, actor: Any, seed: int) -> str:
    users = get_user_model().objects
    clerk = users.filter(username="xiangzhen").first()
    county = users.filter(username="xianji").first()
    if clerk is None or county is None or clerk.region is None or county.region is None:
        return "特殊困难家庭：缺少演示账号，未生成"
    rng = random.Random(seed)  # noqa: S311 -- demo data, reproducible by seed
    today = timezone.localdate()
    month = today.replace(day=1)
    prefix = clerk.region.prefix
    dibao_homes = set(
        Enrolment.objects.filter(
            programme="dibao", region_code__startswith=prefix, last_month__isnull=True
        ).values_list("household_id", flat=True)
    )
    certified = SubsidyApplication.objects.filter(region_code__startswith=prefix).values_list(
        "person_id", "grade"
    )
    homes: dict[int, int] = {}
    for person_id, grade in certified:
        hid = (
            Membership.objects.filter(person_id=person_id, end_date__isnull=True)
            .values_list("household_id", flat=True)
            .first()
        )
        if hid and hid not in dibao_homes:
            homes[hid] = min(grade, homes.get(hid, 9))
    margin = expense = 0
    for hid, grade in sorted(homes.items())[:6]:
        kind = "expense" if grade <= 2 and expense < 2 else "margin"
        services.hardship_household_record(
            actor=clerk,
            household=Household.objects.get(pk=hid),
            kind=kind,
            recognised_on=today - dt.timedelta(days=rng.randint(20, 300)),
            basis="因病支出较大，经乡镇入户核查认定"
            if kind == "expense"
            else "家庭人均收入低于低保标准1.5倍，经核对认定",
        )
        margin += kind == "margin"
        expense += kind == "expense"
    # the next spring festival's list, prepared by the county and waiting for the second officer
    year = today.year + 1 if today.month >= 10 else today.year
    try:
        run = services.condolence_prepare(
            actor=county, county_code=county.region.code[:6], festival="spring", year=year, month=month
        )
        listed = f"{run}名单{run.lines.count()}人（待审定）"
    except ValidationError as e:
        listed = f"节日慰问金名单未编制（{e.messages[0]}）"
    from django.db.models import OuterRef

    from minzheng.facilities.selectors import placed

    tekun = list(
        Enrolment.objects.filter(programme="tekun", region_code__startswith=prefix)
        .exclude(last_month__lt=month)
        .annotate(placed=placed(OuterRef("person_id")))  # 集中供养 = in an institution now (the data)
        .select_related("person")[:40]
    )
    willing = insured = 0
    for i, enrolment in enumerate(tekun):
        choice = rng.random() < 0.3
        services.tekun_willingness_record(
            actor=clerk,
            person=enrolment.person,
            asked_on=today - dt.timedelta(days=rng.randint(1, 90)),
            willing=choice,
        )
        willing += choice
        if not enrolment.placed and i % 5:  # most of the dispersed are insured; a few are on the list
            services.tekun_insurance_record(
                actor=clerk,
                person=enrolment.person,
                year=today.year,
                insurer=rng.choice(INSURERS),
                policy_no=f"PDEX{today.year}{3708000 + i:07d}",
                premium=Decimal("120.00"),
            )
            insured += 1
    return (
        f"特殊困难家庭：认定低保边缘家庭{margin}户、支出型困难家庭{expense}户；{listed}；"
        f"特困人员登记集中供养意愿{len(tekun)}人（愿意{willing}人），分散供养保险{insured}人"
    )
