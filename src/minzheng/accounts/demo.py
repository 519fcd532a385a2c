"""Demo accounts: one per role, bound to regions of the demo city."""

from __future__ import annotations

import secrets

from django.db import transaction

from minzheng.regions.models import Region, RegionLevel

from .models import Role, User
from .services import user_create


def _first(level: str, prefix: str) -> Region:
    region = Region.objects.filter(level=level, code__startswith=prefix).order_by("code").first()
    if region is None:
        raise LookupError(f"区划{prefix}下没有{level}")
    return region


@transaction.atomic
def demo_users_create() -> list[tuple[str, str, str, str]]:
    """Create missing demo users; return (username, password, role label, region) for new ones only."""
    town = _first(RegionLevel.TOWNSHIP, "370811")
    other_town = _first(RegionLevel.TOWNSHIP, "370812")
    plan = [
        ("cunxieli", Role.VILLAGE_ASSISTANT, _first(RegionLevel.VILLAGE, town.code).code, "村协理员"),
        ("xiangzhen", Role.TOWNSHIP_CLERK, town.code, "乡镇经办"),
        ("xiangzhen2", Role.TOWNSHIP_CLERK, other_town.code, "乡镇经办（兖州）"),
        ("shenpi", Role.TOWNSHIP_APPROVER, town.code, "乡镇审批"),
        ("xianji", Role.COUNTY_OFFICER, "370811", "县级"),
        ("shiji", Role.CITY_OFFICER, "370800", "市级"),
        ("shenji", Role.AUDITOR, "370800", "审计"),
        ("admin", Role.SYSADMIN, "370800", "系统管理员"),
    ]
    created = []
    for username, role, code, label in plan:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user_create(
            actor=None, username=username, password=password, role=role, region_code=code, display_name=label
        )
        created.append((username, password, label, Region.objects.get(code=code).full_name))
    return created
