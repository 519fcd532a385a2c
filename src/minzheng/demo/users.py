"""Demo accounts: one per role, bound to regions of the demo city."""

from __future__ import annotations

import secrets

from django.db import transaction

from minzheng.accounts.models import Role, User
from minzheng.accounts.services import user_create
from minzheng.accounts.system import system_actor
from minzheng.regions.models import Region, RegionLevel


def _first(level: str, prefix: str) -> Region:
    region = Region.objects.filter(level=level, code__startswith=prefix).order_by("code").first()
    if region is None:
        raise LookupError(f"区划{prefix}下没有{level}")
    return region


@transaction.atomic
def _busiest_township(county: str) -> Region:
    """The township of `county` with the most open screening alerts (then most residents), so the demo
    clerk's worklist has work in it."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from minzheng.monitoring.models import Alert
    from minzheng.people.models import Person

    for qs in (
        Alert.objects.filter(region_code__startswith=county, work_status="open"),
        Person.objects.filter(region_code__startswith=county),
    ):
        top = (
            qs.annotate(town=Substr("region_code", 1, 9))
            .values("town")
            .annotate(n=Count("id"))
            .order_by("-n")
        ).first()
        if top is not None:
            return Region.objects.get(code=top["town"])
    return _first(RegionLevel.TOWNSHIP, county)


def _busiest_village(township: str) -> Region:
    from django.db.models import Count

    from minzheng.people.models import Person

    top = (
        Person.objects.filter(region_code__startswith=township)
        .values("region_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return Region.objects.get(code=top["region_code"]) if top else _first(RegionLevel.VILLAGE, township)


@transaction.atomic
def demo_users_create() -> list[tuple[str, str, str, str]]:
    """Create missing demo users; return (username, password, role label, region) for new ones only."""
    town = _busiest_township("370811")
    other_town = _busiest_township("370812")
    village = _busiest_village(town.code).code
    plan = [
        ("cunxieli", Role.VILLAGE_ASSISTANT, village, "村协理员"),
        ("xiangzhen", Role.TOWNSHIP_CLERK, town.code, "乡镇经办"),
        # 受理 and 核对 are different people (经办与审核分离): the township's second clerk does the 核对
        ("hedui", Role.TOWNSHIP_CLERK, town.code, "乡镇核对员"),
        ("xiangzhen2", Role.TOWNSHIP_CLERK, other_town.code, "乡镇经办（兖州）"),
        ("shenpi", Role.TOWNSHIP_APPROVER, town.code, "乡镇审批"),
        ("xianji", Role.COUNTY_OFFICER, "370811", "县级"),
        ("xianji2", Role.COUNTY_OFFICER, "370811", "县级（复核）"),
        ("caiwu", Role.COUNTY_FINANCE, "370811", "县级财务"),
        ("shiji", Role.CITY_OFFICER, "370800", "市级"),
        ("shiji2", Role.CITY_OFFICER, "370800", "市级（复核）"),
        ("shenji", Role.AUDITOR, "370800", "审计"),
        ("admin", Role.SYSADMIN, "370800", "系统管理员"),
        # the new lines (issues 14–19): one account per role, in the same demo township and village
        ("yanglao", Role.ELDERLY_OFFICER, "370811", "养老服务科"),
        ("ertong", Role.CHILD_WELFARE_OFFICER, "370811", "儿童福利科"),
        ("dudao", Role.CHILD_SUPERVISOR, town.code, "儿童督导员"),
        ("ertongzhuren", Role.CHILD_DIRECTOR, village, "儿童主任"),
        ("shehui", Role.SOCIAL_AFFAIRS_OFFICER, "370811", "社会事务科"),
        ("shezu", Role.ORG_OFFICER, "370811", "社会组织管理"),
        ("huli", Role.CARER, town.code, "护理员"),
        ("wangge", Role.GRID_WORKER, _first(RegionLevel.GRID, "370811").code, "网格员"),
        ("zhiyuan", Role.VOLUNTEER, village, "志愿者"),
        ("tianbao", Role.ORG_FILER, "370811", "社会组织填报员"),
    ]
    created = []
    for username, role, code, label in plan:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user_create(
            actor=system_actor(purpose="初始化演示账号"),
            username=username,
            password=password,
            role=role,
            region_code=code,
            display_name=label,
        )
        created.append((username, password, label, Region.objects.get(code=code).full_name))
    return created
