from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.models import Role
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A


@pytest.fixture
def team(make_user: Callable[..., Any]) -> dict[str, Any]:
    """The child director of village A, the supervisor of its township, the county's officer."""
    return {
        "director": make_user(Role.CHILD_DIRECTOR, VILLAGE_A),
        "supervisor": make_user(Role.CHILD_SUPERVISOR, TOWN_A),
        "officer": make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6]),
    }


@pytest.fixture
def child(make_person: Callable[..., Any]) -> Any:
    return make_person(village=VILLAGE_A, birth=dt.date(2015, 3, 1), name="小明")


@pytest.fixture
def reported(team: dict[str, Any], child: Any) -> Any:
    from minzheng.protection.services import case_report

    return case_report(
        actor=team["director"],
        source="school",
        summary="学校发现该生身上多处淤青，疑似遭受家庭暴力",
        reported_on=timezone.localdate(),
        child_id=child.pk,
        reporter_name="李老师",
        reporter_phone="13912345678",
    )


@pytest.fixture
def outsiders(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "other_director": make_user(Role.CHILD_DIRECTOR, VILLAGE_A),
        "other_supervisor": make_user(Role.CHILD_SUPERVISOR, TOWN_A),
        "other_county_officer": make_user(Role.CHILD_WELFARE_OFFICER, TOWN_B[:6]),
        "township_clerk": make_user(Role.TOWNSHIP_CLERK, TOWN_A),
        "county_officer": make_user(Role.COUNTY_OFFICER, VILLAGE_A[:6]),
    }
