from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.services import enrolment_create, first_of_month
from minzheng.students.models import Student
from minzheng.students.services import academic_term, student_enrol
from tests.conftest import TOWN_A


@pytest.fixture
def dibao_student(make_household: Any) -> Any:
    """A member of a household enrolled in dibao this month (the student), and the household."""
    hh = make_household(size=3)
    head = hh.memberships.get(relation="head").person
    student = hh.memberships.exclude(relation="head").first().person
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=head,
        household=hh,
        amount=600,
        members_covered=3,
        first_month=first_of_month(timezone.localdate()).replace(year=timezone.localdate().year - 1),
    )
    return student


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "county": make_user("county_officer", "370811"),
        "county2": make_user("county_officer", "370811"),
        "finance": make_user("county_finance", "370811"),
    }


@pytest.fixture
def this_year() -> int:
    return academic_term(timezone.localdate())[0]


def enrol(staff: dict[str, Any], person: Any, this_year: int) -> Student:
    """A four-year undergraduate entered this year by the township clerk."""
    return student_enrol(
        actor=staff["clerk"],
        person=person,
        school="曲阜师范大学",
        major="汉语言文学",
        entry_year=this_year,
        graduation_year=this_year + 4,
        student_number="2026010101",
    )
