from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from minzheng.accounts.models import Role
from minzheng.benefits.services import enrolment_create, payroll_freeze, payroll_generate
from tests.conftest import TOWN_A, VILLAGE_A

# Rolls frozen for July–October; the elder dies in August, so September and October were paid too much.
MONTHS = [dt.date(2026, m, 1) for m in (7, 8, 9, 10)]
DEATH = dt.date(2026, 8, 10)


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.TOWNSHIP_CLERK, TOWN_A)


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6])


@pytest.fixture
def home(officer: Any) -> Any:
    from minzheng.funeral.services import facility_create

    return facility_create(
        actor=officer, name="任城区殡仪馆", kind="funeral_home", level="county", region_code=VILLAGE_A[:6]
    )


@pytest.fixture
def elder(make_person: Callable[..., Any]) -> Any:
    """A tekun elder with the high-age allowance, both paid July–October by frozen rolls."""
    person = make_person(village=VILLAGE_A, birth=dt.date(1938, 5, 1), name="王老汉")
    enrol(person, "tekun", 900)
    enrol(person, "high_age", 100)
    return person


def enrol(person: Any, programme: str, amount: int, household: Any = None) -> Any:
    return enrolment_create(
        actor=None,
        programme=programme,
        person=person,
        household=household,
        amount=amount,
        first_month=MONTHS[0],
    )


@pytest.fixture
def paid(make_user: Callable[..., Any]) -> Callable[[], None]:
    """Freeze the county's rolls for July–October (made by one county officer, checked by another)."""
    maker = make_user(Role.COUNTY_OFFICER, VILLAGE_A[:6])
    checker = make_user(Role.COUNTY_OFFICER, VILLAGE_A[:6])

    def run() -> None:
        for month in MONTHS:
            payroll_freeze(
                actor=checker, run=payroll_generate(actor=maker, county_code=VILLAGE_A[:6], month=month)
            )

    return run


def open_case(clerk: Any, person: Any, death: dt.date = DEATH) -> Any:
    from minzheng.funeral.services import funeral_case_open

    return funeral_case_open(
        actor=clerk,
        person=person,
        death_date=death,
        death_place="家中",
        certificate_number=f"J370811{person.pk:08d}",  # one certificate, one death
        family_name="王小二",
        family_relation="儿子",
        family_phone="13912345678",
    )


def through_subsidy(clerk: Any, case: Any, home: Any, urn_price: int = 800) -> Any:
    from minzheng.funeral import services

    case = services.funeral_cremation_record(actor=clerk, case=case, funeral_home=home, cremated_on=DEATH)
    case = services.funeral_hukou_notice(actor=clerk, case=case)
    return services.funeral_subsidy_decide(actor=clerk, case=case, urn_price=urn_price)
