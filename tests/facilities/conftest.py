"""Fixtures of the facilities line: a county elderly officer, a carer of the township, an institution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from minzheng.facilities.models import Facility, Residency
from minzheng.facilities.services import facility_create, residency_admit
from tests.conftest import TOWN_A, VILLAGE_A
from tests.elderly.conftest import assessed, record_level  # noqa: F401 — the fixture, for this folder

COUNTY_A = TOWN_A[:6]


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user("elderly_officer", COUNTY_A)


@pytest.fixture
def carer(make_user: Callable[..., Any]) -> Any:
    return make_user("carer", TOWN_A)


@pytest.fixture
def home(officer: Any) -> Facility:
    return facility_create(
        actor=officer,
        name="任城区中心敬老院",
        kind="tekun_home",
        operator="任城区民政局",
        address="幸福路1号",
        region_code=TOWN_A,
        beds_total=10,
        beds_nursing=8,
        status="filed",
        filed_on=dt.date(2021, 3, 1),
    )


@pytest.fixture
def admit(
    officer: Any, home: Facility, make_person: Callable[..., Any], make_user: Callable[..., Any]
) -> Callable[..., Residency]:
    def make(level: int = 3, identity: str = "tekun", fee: int = 2000, **kw: Any) -> Residency:
        person = kw.pop("person", None) or make_person(
            village=VILLAGE_A, birth=dt.date(1940, 5, 1), name="王大爷"
        )
        record_level(make_user, person, level)  # graded care follows a recorded assessment
        return residency_admit(
            actor=officer,
            facility=kw.pop("facility", home),
            person=person,
            identity=identity,
            monthly_fee=fee,
            admitted_on=dt.date(2025, 1, 10),
            room="101-1",
        )

    return make
