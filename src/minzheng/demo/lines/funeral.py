"""Demo data of the funeral line: the county's funeral home, a county and two village-level public
cemeteries with plots, and 身后一件事 cases of elders of the demo county in several steps (one closed
with every benefit stopped, one of the demo township with its step overdue on the clerk's 首页), with
burials. Written through the
line's services by the demo accounts (shehui lays out the facilities, xiangzhen handles the cases)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.scoping import in_scope
from minzheng.benefits.models import Enrolment
from minzheng.elderly.models import CapabilityAssessment
from minzheng.funeral import services
from minzheng.funeral.models import FuneralCase
from minzheng.people.models import Person


def _facilities(officer: Any, county: str, villages: list[str]) -> tuple[Any, list[Any]]:
    home = services.facility_create(
        actor=officer,
        name="区殡仪馆",
        kind="funeral_home",
        level="county",
        region_code=county,
        operator="区民政局",
    )
    cemeteries = [
        services.facility_create(
            actor=officer,
            name="区孝德园公益性公墓",
            kind="public_cemetery",
            level="county",
            region_code=county,
            operator="区民政局",
        )
    ]
    for i, village in enumerate(villages[:2], start=1):
        cemeteries.append(
            services.facility_create(
                actor=officer,
                name=f"第{i}村级公益性公墓",
                kind="public_cemetery",
                level="village",
                region_code=village,
                operator="村民委员会",
            )
        )
    for c in cemeteries:
        services.plots_create(
            actor=officer, cemetery=c, prefix="A", count=12, plot_type="public", form="tree"
        )
        services.plots_create(actor=officer, cemetery=c, prefix="B", count=6, plot_type="public", form="lawn")
        services.plots_create(
            actor=officer, cemetery=c, prefix="C", count=6, plot_type="public", form="traditional"
        )
    return home, cemeteries


def _elders(county: str, town: str, today: dt.date) -> list[Person]:
    """The county's identified elders of 70 and over, the clerk's township first (the demo city has only a
    handful of elders per township), then those on tekun (their free urn shows), then the oldest. Elders the
    elderly line's demo assessed are left alive: its walk applies for their subsidy."""
    paid = Enrolment.objects.filter(person=OuterRef("pk"), last_month__isnull=True, programme="tekun")
    assessed = CapabilityAssessment.objects.filter(person=OuterRef("pk"))
    return list(
        Person.objects.filter(
            region_code__startswith=county, is_alive=True, birth_date__lte=today - dt.timedelta(days=70 * 366)
        )
        .exclude(id_hash=None)
        .exclude(Exists(assessed))
        .annotate(tekun=Exists(paid), own=ExpressionWrapper(Q(region_code__startswith=town), BooleanField()))
        .order_by("-own", "-tekun", "birth_date", "id")[:30]
    )


def seed(*, actor: Any, seed: int) -> str:
    users = {u.username: u for u in User.objects.filter(username__in=("shehui", "xiangzhen"))}
    region = users["xiangzhen"].region if len(users) == 2 else None
    if region is None:
        return "殡葬服务：缺少演示账号，跳过"
    officer, clerk = users["shehui"], users["xiangzhen"]
    town = region.code
    today = timezone.localdate()
    elders = _elders(town[:6], town, today)
    if len(elders) < 5:
        return "殡葬服务：演示县高龄老人不足，跳过"
    # The clerk's own township may have no elder at all: its overdue case on the 首页 is then the oldest
    # resident there, and the county's social-affairs officer handles the cases of other townships.
    own = [p for p in elders if p.region_code.startswith(town)]
    if not own:
        assessed = CapabilityAssessment.objects.filter(person=OuterRef("pk"))
        own = list(
            Person.objects.filter(region_code__startswith=town, is_alive=True)
            .exclude(id_hash=None)
            .exclude(Exists(assessed))
            .order_by("birth_date", "id")[:1]
        )
    villages = sorted({p.region_code for p in elders})
    home, cemeteries = _facilities(officer, town[:6], villages)
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    overdue = own[0] if own else elders[-1]
    rest = [p for p in elders if p.pk != overdue.pk]
    chosen = rest[:2] + rng.sample(rest[2:], 2) + [overdue]
    relations = ["儿子", "女儿", "配偶", "儿子", "孙子"]
    cases = []
    for i, person in enumerate(chosen):
        death = today - dt.timedelta(days=rng.randint(8, 60))
        cases.append(
            services.funeral_case_open(
                actor=clerk if in_scope(clerk, person.region_code) else officer,
                person=person,
                death_date=max(death, person.birth_date),
                death_place=rng.choice(["家中", "区人民医院", "镇卫生院"]),
                certificate_number=f"J{town}{today:%Y}{seed % 1000:03d}{i:02d}",
                family_name=person.name[0] + rng.choice(["建国", "秀英", "卫东", "丽华", "志强"]),
                family_relation=relations[i],
                family_phone="139" + f"{rng.randrange(10**8):08d}",
            )
        )
    # 0, 1: closed (every benefit stopped); 2: subsidy decided; 3: cremated; 4: certified, step overdue
    plots = [c.plots.filter(status="free").order_by("number") for c in cemeteries]
    for n, case in enumerate(cases[:4]):
        cremated = min(case.death_date + dt.timedelta(days=2), today)
        clerk_of = clerk if in_scope(clerk, case.region_code) else officer
        case = services.funeral_cremation_record(
            actor=clerk_of, case=case, funeral_home=home, cremated_on=cremated
        )
        if n < 3:
            case = services.funeral_hukou_notice(actor=clerk_of, case=case)
            case = services.funeral_subsidy_decide(
                actor=clerk_of, case=case, urn_price=rng.choice([300, 800, 1680])
            )
        if n < 2:
            case = services.funeral_benefits_stop(actor=clerk_of, case=case)
            case = services.funeral_notices_issue(actor=clerk_of, case=case)
        services.burial_record(
            actor=officer,
            person=case.person,
            plot=plots[n % len(plots)].first(),
            buried_on=min(cremated + dt.timedelta(days=1), today),
        )
    FuneralCase.objects.filter(pk=cases[4].pk).update(state_since=today - dt.timedelta(days=6))
    return f"殡葬服务：殡仪馆1处、公益性公墓{len(cemeteries)}处，身后一件事{len(cases)}件（办结2件）"
