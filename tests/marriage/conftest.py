from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from minzheng.accounts.models import Role
from tests.conftest import VILLAGE_A, new_id


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    """The 社会事务科 of 任城区, who runs the county's marriage registry."""
    return make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6])


@pytest.fixture
def other_clerk(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6])


@pytest.fixture
def office(clerk: Any) -> Any:
    from minzheng.marriage.services import office_create

    return office_create(
        actor=clerk,
        name="任城区婚姻登记处",
        region_code=VILLAGE_A[:6],
        address="任城区民政局一楼",
        quotas=[2] * 7,
    )


@pytest.fixture
def couple(make_person: Callable[..., Any]) -> Callable[..., tuple[dict[str, str], dict[str, str]]]:
    """A local man and woman of marriageable age, as the booking form sends them."""

    def make(i: int = 0) -> tuple[dict[str, str], dict[str, str]]:
        man = make_person(birth=dt.date(1995, 1, 1 + i), sex="M", name=f"王{i}男")
        woman = make_person(birth=dt.date(1997, 2, 1 + i), sex="F", name=f"李{i}女")
        return (
            {"name": man.name, "id_number": man.id_number},
            {"name": woman.name, "id_number": woman.id_number},
        )

    return make


@pytest.fixture
def outsider_party() -> dict[str, str]:
    """A woman with hukou in Henan, living here on a residence permit (cross-region pilot)."""
    id_number = new_id("410105", dt.date(1996, 5, 5), "F")
    return {"name": "赵外地", "id_number": id_number, "hukou_province": "河南省", "permit_no": id_number}
