"""Demo data of the facilities line: a county's care homes, canteens and happiness homes, residents of
the carer's township home with care records and an outing, a canteen grant, home adaptations and a 双随机
draw with one finding. Written through the line's services, by the demo accounts."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.benefits.models import Enrolment
from minzheng.demo.lines.elderly import assess
from minzheng.facilities import services as svc
from minzheng.facilities.models import Facility, Inspector, Residency
from minzheng.facilities.selectors import licence_filter, licence_warn_days
from minzheng.people.models import Person
from minzheng.regions.models import Region

COUNTY = "370811"


def seed(*, actor: Any, seed: int) -> str:
    officer = User.objects.filter(username="yanglao").first()
    carer = User.objects.filter(username="huli").first()
    if officer is None or carer is None or carer.region is None or Facility.objects.exists():
        return "养老设施：缺少演示账号或已有数据，跳过"
    rng = random.Random(seed)  # noqa: S311 - demo data
    town: Region = carer.region
    towns = list(Region.objects.filter(level="township", code__startswith=COUNTY).order_by("code")[:4])
    today = timezone.localdate()
    # Licence (filing) validity: most run for years, two end within the policy's warning window and one
    # has lapsed, so the licence-expiry list and its 首页 card have rows (the window is read, not typed).
    warn = licence_warn_days(actor=officer, on=today)
    ends = [
        today + dt.timedelta(days=3 * 365),
        today + dt.timedelta(days=max(1, warn // 3)),
        today + dt.timedelta(days=max(1, warn * 2 // 3)),
        today + dt.timedelta(days=2 * 365),
        today + dt.timedelta(days=4 * 365),
        today + dt.timedelta(days=365 + warn),
        today - dt.timedelta(days=12),
        today + dt.timedelta(days=3 * 365),
    ]
    specs = [
        ("tekun_home", f"{town.name}中心敬老院", "县民政局", town, 120, 90),
        ("public_private", "任城区社会福利服务中心", "汇晨养老服务有限公司", towns[0], 300, 240),
        ("nursing_home", "仁和颐养院", "仁和养老服务有限公司", towns[1 % len(towns)], 180, 100),
        ("day_care", f"{town.name}日间照料中心", "社区居委会", town, 20, 0),
        ("canteen", f"{town.name}老年人食堂", "社区居委会", town, 0, 0),
        ("canteen", "南池社区爱心食堂", "南池社区", towns[2 % len(towns)], 0, 0),
        ("happiness", "李营农村幸福院", "李营村委会", towns[3 % len(towns)], 12, 0),
        ("turnover", "李营周转房", "李营村委会", towns[3 % len(towns)], 20, 0),
    ]
    made = []
    for (kind, name, operator, region, beds, nursing), valid_to in zip(specs, ends, strict=True):
        made.append(
            svc.facility_create(
                actor=officer,
                name=name,
                kind=kind,
                operator=operator,
                address=f"{region.name}{rng.randint(1, 200)}号",
                region_code=region.code,
                beds_total=beds,
                beds_nursing=nursing,
                status="filed",
                star_rating=rng.randint(1, 4) if beds >= 100 else 0,
                filed_on=dt.date(2021, rng.randint(1, 12), 1),
                valid_to=valid_to,
                area_m2=rng.randint(80, 300) if kind == "canteen" else None,
                latitude=Decimal("35.40") + Decimal(rng.randint(0, 999)) / 10000,
                longitude=Decimal("116.58") + Decimal(rng.randint(0, 999)) / 10000,
            )
        )
    home = made[0]
    tekun = Enrolment.objects.filter(programme="tekun", person_id=OuterRef("pk"), last_month__isnull=True)
    elders = list(
        Person.objects.filter(
            region_code__startswith=town.code, birth_date__lte=dt.date(today.year - 70, 1, 1)
        )
        .annotate(is_tekun=Exists(tekun))
        .order_by("-is_tekun", "birth_date", "pk")[:8]
    )
    stays: list[Residency] = []
    for i, p in enumerate(elders):
        # Graded care follows a recorded assessment (two assessors), never a level typed at admission.
        if not assess(person=p, level=[1, 2, 3, 4, 2, 3, 0, 4][i % 8], rng=rng):
            continue
        stays.append(
            svc.residency_admit(
                actor=officer,
                facility=home,
                person=p,
                identity="tekun" if getattr(p, "is_tekun", False) else "other",
                monthly_fee=1800 + 200 * (i % 4),
                admitted_on=today - dt.timedelta(days=30 + 20 * i),
                room=f"{101 + i // 2}-{1 + i % 2}",
            )
        )
    for r in stays:
        svc.care_record_add(
            actor=carer, residency=r, kind="daily", content="晨间护理、协助进餐，精神状态良好"
        )
        svc.care_record_add(actor=carer, residency=r, kind="rounds", content="夜间查房，睡眠平稳")
    if stays:
        svc.care_record_add(
            actor=carer, residency=stays[0], kind="medication", content="降压药一片，早饭后服用"
        )
        svc.outing_request(
            actor=carer,
            residency=stays[0],
            reason="家属接回探亲",
            leave_on=today,
            return_by=today + dt.timedelta(days=2),
        )
    canteen = made[4]
    grant = svc.grant_apply(
        actor=officer,
        facility=canteen,
        kind="canteen",
        year=today.year,
        area_m2=canteen.area_m2 or 80,
        rural=False,
    )
    svc.grant_advance(actor=officer, grant=grant, note="面积、设施符合标准")
    for p in elders[:3]:
        svc.adaptation_apply(actor=officer, person=p, year=today.year, items="卫生间扶手、防滑地面、坐便椅")
    for i, name in enumerate(["孔秀英", "颜玉梅", "曾凡荣"]):
        w = svc.care_worker_create(
            actor=officer,
            facility=home,
            name=name,
            training_hours=40 * (i + 1),
            certificate="养老护理员四级/中级工",
        )
        if i == 0:
            svc.care_worker_award(actor=officer, worker=w, year=today.year - 1)
    for i, name in enumerate(["张明", "刘芳", "陈刚", "赵丽", "孙伟"]):
        Inspector.objects.create(
            name=name, unit="任城区民政局" if i < 3 else "任城区消防救援大队", region_code=COUNTY
        )
    draw = svc.draw_make(actor=officer, region_code=COUNTY, count=2, seed=seed or 1)
    first = draw.inspections.order_by("pk").first()
    if first:
        svc.inspection_record(
            actor=officer,
            inspection=first,
            finding="部分灭火器压力不足，疏散通道堆放杂物",
            fire_safe=False,
            rectify_by=today + dt.timedelta(days=15),
            credit_mark="限期整改",
        )
    due = licence_filter(Facility.objects.all(), which="due", on=today, days=warn).count()
    return f"养老设施：{len(made)}处设施（{due}处备案到期或将到期），{len(stays)}名入住老人，1次双随机抽取"
