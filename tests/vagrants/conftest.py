from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.models import Role
from tests.conftest import VILLAGE_A


@pytest.fixture
def staff(make_user: Callable[..., Any]) -> dict[str, Any]:
    """The rescue station's officer of county A, the county officer who checks merges, a village assistant
    of village A and the officer of another county."""
    return {
        "officer": make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6]),
        "checker": make_user(Role.COUNTY_OFFICER, VILLAGE_A[:6]),
        "village": make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A),
        "other": make_user(Role.SOCIAL_AFFAIRS_OFFICER, "370812"),
    }


@pytest.fixture
def station(staff: dict[str, Any]) -> Any:
    from minzheng.vagrants.services import station_create

    return station_create(
        actor=staff["officer"],
        region_code=VILLAGE_A[:6],
        name="任城区救助管理站",
        address="任城区救助路1号",
        beds=40,
    )


@pytest.fixture
def unknown_intake(staff: dict[str, Any], station: Any) -> Callable[..., Any]:
    """An unidentified man found by a patrol, self-reported name 王建国, about 60."""
    from minzheng.vagrants.services import stay_intake

    def make(days_ago: int = 0, name: str = "王建国", age: int = 60, **kw: Any) -> Any:
        on = timezone.localdate() - dt.timedelta(days=days_ago)
        return stay_intake(
            actor=staff["officer"],
            station=station,
            found_by="patrol",
            found_place="火车站广场",
            found_at=timezone.make_aware(dt.datetime.combine(on, dt.time(7, 30))),
            intake_on=on,
            unknown={
                "region_code": VILLAGE_A,
                "found_on": on,
                "found_place": "火车站广场",
                "description": "身高约170厘米，偏瘦，灰色棉衣，鲁西南口音",
                "sex": kw.get("sex", "M"),
                "estimated_age": age,
                "name": name,
            },
        )

    return make
