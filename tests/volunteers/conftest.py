from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.core.idnumber import make_id_number
from minzheng.volunteers import services
from tests.conftest import TOWN_A, VILLAGE_A

_seq = count(1)


@pytest.fixture
def organiser(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ORG_OFFICER, "370811")


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    """The organiser of another county."""
    return make_user(Role.ORG_OFFICER, "370812")


def fresh_id(region6: str = "370811", birth: dt.date = dt.date(1990, 3, 3)) -> str:
    return make_id_number(region6, birth, 400 + next(_seq) % 99, "F")


@pytest.fixture
def make_volunteer(organiser: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """A volunteer registered by ID in VILLAGE_A with a bound login of the volunteer role."""

    def make(name: str = "李志愿", village: str = VILLAGE_A, login: bool = True, **kw: Any) -> Any:
        actor = kw.pop("actor", organiser)
        v = services.volunteer_register(
            actor=actor,
            id_number=kw.pop("id_number", None) or fresh_id(village[:6]),
            name=name,
            region_code=village,
            skills=kw.pop("skills", ["elderly"]),
            **kw,
        )
        if login:
            services.volunteer_bind_user(actor=actor, volunteer=v, user=make_user(Role.VOLUNTEER, village))
            v.refresh_from_db()
        return v

    return make


@pytest.fixture
def make_activity(organiser: Any) -> Callable[..., Any]:
    def make(
        start: dt.datetime | None = None,
        hours: int = 3,
        capacity: int = 10,
        region_code: str = TOWN_A,
        actor: Any = None,
    ) -> Any:
        start = start or timezone.now() - dt.timedelta(minutes=30)
        return services.activity_create(
            actor=actor or organiser,
            title="敬老院陪伴",
            region_code=region_code,
            place="任城区敬老院",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            capacity=capacity,
        )

    return make


@pytest.fixture
def earned(make_volunteer: Callable[..., Any], make_activity: Callable[..., Any], organiser: Any) -> Any:
    """A volunteer with 3 confirmed hours (checked in at the start, out at the end)."""
    v = make_volunteer()
    a = make_activity()
    s = services.activity_signup(actor=v.user, activity=a)
    services.signup_check_in(actor=v.user, signup=s, now=a.starts_at)
    services.signup_check_out(actor=v.user, signup=s, now=a.ends_at)
    services.signup_confirm(actor=organiser, signup=s)
    return v


@pytest.fixture
def make_item(organiser: Any) -> Callable[..., Any]:
    def make(price: str = "2", stock: int = 5, name: str = "大米5斤") -> Any:
        return services.store_item_create(
            actor=organiser, name=name, region_code="370811", price=Decimal(price), stock=stock
        )

    return make
