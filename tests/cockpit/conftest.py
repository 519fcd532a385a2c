from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import enrolment_create
from tests.conftest import VILLAGE_A, VILLAGE_B

THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def enrol(make_household: Callable[..., Any]) -> Callable[..., Enrolment]:
    """A dibao household enrolment (members covered = household size) through the benefits service."""

    def make(
        village: str = VILLAGE_A, size: int = 2, amount: int = 500, first: dt.date | None = None
    ) -> Enrolment:
        hh = make_household(village=village, size=size)
        return enrolment_create(
            actor=system_actor(purpose="测试数据"),
            programme="dibao",
            person=hh.memberships.get(relation="head").person,
            household=hh,
            amount=amount,
            first_month=first or dt.date(2024, 1, 1),
            members_covered=size,
        )

    return make


@pytest.fixture
def two_counties(enrol: Callable[..., Enrolment]) -> list[Enrolment]:
    return [enrol(VILLAGE_A, 2), enrol(VILLAGE_A, 3), enrol(VILLAGE_B, 4)]
