"""Demo data of the governance line (issue 18 part 1): the grid worker's community (the demo township's
community with the most households) with its grids, households placed on the 7-level address, building
heads, the grid worker's appointment, incidents in every state (one overdue, one closed late), community
workers with trainings, one-window requests, and the two experimental zones the seeds name. Written
through the line's services by the demo accounts.

The pay table of 三岗十八级 stays empty: the seeds give no figures, so the pages show 未设定."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, When
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.services import user_change_role
from minzheng.governance import services
from minzheng.governance.models import IncidentCategory, MatterType
from minzheng.people.models import Household, Membership, Person
from minzheng.regions.models import Region, RegionLevel

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰娟涛明超秀英华平刚桂兰玉萍红"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _grid_for(grid_user: Any, clerk: Any, village: str, admin: Any) -> Region | None:
    """The demo grid: the first grid of the demo township's community with the most households (the
    demo village's if it has grids), so the grid worker's lists are not empty; the demo account is
    rebound there, as an admin would, when it sits elsewhere."""
    town = clerk.region.code
    with_grids = Region.objects.filter(level=RegionLevel.GRID, code__startswith=town).values("parent__code")
    busiest = (
        Household.objects.filter(region_code__in=with_grids)
        .values("region_code")
        .annotate(n=Count("pk"))
        .order_by(Case(When(region_code__startswith=village, then=0), default=1), "-n", "region_code")
        .first()
    )
    grids = Region.objects.filter(level=RegionLevel.GRID).order_by("code")
    target = grids.filter(code__startswith=busiest["region_code"]).first() if busiest else None
    if target is None:
        return grid_user.region if grid_user.region and grid_user.region.code.startswith(town) else None
    if grid_user.region is not None and grid_user.region.code.startswith(target.code[:12]):
        return grid_user.region
    if admin is None:
        return None
    user_change_role(actor=admin, user=grid_user, role=grid_user.role, region_code=target.code)
    grid_user.refresh_from_db()
    return target


def _head(hh: Household) -> Person | None:
    m = Membership.objects.filter(household=hh, relation="head", end_date__isnull=True).first()
    return m.person if m else None


def seed(*, actor: Any, seed: int) -> str:
    names = ("xiangzhen", "wangge", "cunxieli", "admin", "xianji", "shiji")
    users = {u.username: u for u in User.objects.select_related("region").filter(username__in=names)}
    clerk, grid_user = users.get("xiangzhen"), users.get("wangge")
    if clerk is None or grid_user is None or clerk.region is None:
        return "基层治理：缺少演示账号，未生成"
    rng = random.Random(seed + 18)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    cadre = users.get("cunxieli")
    village = cadre.region.code if cadre is not None and cadre.region is not None else clerk.region.code
    grid = _grid_for(grid_user, clerk, village, users.get("admin"))
    if grid is None or grid.parent is None:
        return "基层治理：演示乡镇没有网格，未生成"
    community = grid.parent
    grids = list(Region.objects.filter(level=RegionLevel.GRID, parent=community).order_by("code")[:3])
    households = list(Household.objects.filter(region_code=community.code).order_by("pk")[:60])
    if not households:
        return "基层治理：演示社区没有住户，未生成"

    # Placement: two thirds in the grid worker's grid, the rest in the neighbouring grids.
    placed, mine = 0, []
    for i, hh in enumerate(households):
        others = [x for x in grids if x.code != grid.code]
        g = grid if i % 3 != 2 or not others else others[(i // 3) % len(others)]
        services.household_place(
            actor=clerk,
            household=hh,
            grid_code=g.code,
            building=f"{1 + i % 4}号楼",
            unit=str(1 + i % 2),
            room=f"{1 + i % 6}0{1 + i % 2}",
        )
        placed += 1
        if g.code == grid.code:
            mine.append(hh)
    services.grid_appoint(
        actor=clerk, worker=grid_user, grid_code=grid.code, appointed_on=today - dt.timedelta(days=400)
    )
    heads = 0
    for building, hh in zip(("1号楼", "2号楼"), households, strict=False):
        person = _head(hh)
        if person is not None:
            services.building_head_appoint(
                actor=clerk,
                person=person,
                grid_code=grid.code,
                building=building,
                phone=f"139{rng.randint(10000000, 99999999)}",
                appointed_on=today - dt.timedelta(days=300),
            )
            heads += 1

    # Incidents in every state: closed on time, closed late, handled, accepted and overdue, just reported.
    cats = {c.code: c for c in IncidentCategory.objects.all()}
    plan = (
        ("dispute", 20, "closed", 4, "3号楼两户因楼道堆物发生争执", "人民调解员上门调解，双方签订调解协议"),
        ("sanitation", 25, "closed", 12, "小区东门垃圾清运不及时", "协调环卫所增加清运频次"),
        ("hardship", 3, "handled", None, "独居老人家中无人照料，生活困难", "民政办入户核实，已辅导申请低保"),
        ("safety", 30, "accepted", None, "2号楼楼道电动车充电，存在火灾隐患", ""),
        ("other", 1, "reported", None, "小区路灯损坏两盏", ""),
    )
    for code, ago, state, closed_after, text, result in plan:
        incident = services.incident_report(
            actor=grid_user,
            category=cats[code],
            description=text,
            household=rng.choice(mine) if code in ("dispute", "hardship") else None,
            on=today - dt.timedelta(days=ago),
        )
        if state == "reported":
            continue
        services.incident_accept(actor=clerk, incident=incident)
        if state == "accepted":
            continue
        services.incident_handle(actor=clerk, incident=incident, result=result)
        if state == "closed" and closed_after is not None:
            services.incident_close(
                actor=clerk, incident=incident, on=today - dt.timedelta(days=ago - closed_after)
            )

    # Community workers of the township's communities, with trainings.
    county = users.get("xianji")
    workers = 0
    if county is not None:
        communities = list(
            Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=clerk.region.code).order_by(
                "code"
            )[:3]
        )
        for c in communities:
            for post, grade in (("head", 12), ("deputy", 8), ("staff", 3), ("staff", 5)):
                w = services.worker_create(
                    actor=county,
                    name=_name(rng),
                    region_code=c.code,
                    post=post,
                    grade=grade,
                    hired_on=today - dt.timedelta(days=rng.randint(400, 3000)),
                    certified=rng.random() < 0.4,
                )
                services.training_record(
                    actor=county,
                    worker=w,
                    held_on=today - dt.timedelta(days=rng.randint(10, 200)),
                    title="“一窗受理、全科服务”业务培训",
                    hours=Decimal(rng.choice((4, 8, 16))),
                    organiser="区民政局",
                )
                workers += 1

    # One-window requests at the demo village's desk.
    requests = 0
    if cadre is not None and cadre.region is not None:
        people = list(Person.objects.filter(region_code=cadre.region.code, is_alive=True).order_by("pk")[:3])
        for person, matter in zip(
            people, MatterType.objects.filter(active=True).order_by("order"), strict=False
        ):
            try:
                services.window_request_take(
                    actor=cadre, person=person, matter=matter, note="群众来窗口咨询办理"
                )
            except ValidationError:
                continue
            requests += 1

    # The experimental zones the seeds name (seed 002: 邹城市全国农村社区治理实验区; seed 000: 任城区
    # 全省城市社区治理创新实验区).
    city = users.get("shiji")
    zones = 0
    if city is not None:
        zone = services.zone_create(
            actor=city,
            name="邹城市全国农村社区治理实验区",
            level="national",
            region_code="370883",
            approved_on=dt.date(2019, 7, 1),
            theme="农村社区治理和服务标准化",
            measures="农村社区“344”工作模式；农村社区治理和服务标准化建设试点",
        )
        services.zone_evaluate(
            actor=city,
            zone=zone,
            evaluated_on=dt.date(2021, 12, 1),
            evaluator="市民政局",
            conclusion="优秀",
            findings="经验在全市推广",
        )
        services.zone_create(
            actor=city,
            name="任城区全省城市社区治理创新实验区",
            level="provincial",
            region_code="370811",
            approved_on=dt.date(2019, 5, 1),
            theme="“全域+区域+楼域”网格化治理",
            measures="全区92个社区划分为762个网格，一格一员、专岗专用；推行楼长制",
        )
        zones = 2
    return (
        f"基层治理：{community.name}{len(grids)}个网格落格{placed}户（网格员所在{grid.name}），"
        f"楼栋长{heads}名，网格事件{len(plan)}件（含超期1件），社区工作者{workers}名，"
        f"一窗受理{requests}件，社区治理实验区{zones}个"
    )
