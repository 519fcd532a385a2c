from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.services import enrolment_create
from minzheng.disability.services import application_intake
from minzheng.people.models import Household, Person
from minzheng.people.selectors import household_members
from tests.conftest import TOWN_A


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user("township_clerk", TOWN_A)


def enrol(programme: str, household: Household, person: Person | None = None, amount: int = 500) -> Any:
    head = person or household_members(household=household).get(relation="head").person
    return enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme=programme,
        person=head,
        household=household,
        amount=amount,
        first_month=this_month(),
    )


def certify(clerk: Any, person: Person, grade: int) -> Any:
    """A disability certificate of `grade`, recorded at the subsidy desk (the line reads its grade)."""
    return application_intake(
        actor=clerk,
        person=person,
        certificate_no=f"{person.id_number}4{grade}",
        grade=grade,
        kind="physical",
        issued_on=dt.date(2020, 1, 1),
    )


def member(household: Household, relation: str = "child") -> Person:
    return household_members(household=household).filter(relation=relation).first().person  # type: ignore[union-attr]
