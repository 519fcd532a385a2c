"""The enrolment panel on the person page lists the person's own enrolments and those of a household only
for the time they were in it (issue 19: past households' enrolments were shown)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from minzheng.accounts.system import system_actor
from minzheng.benefits.selectors import enrolments_for_person
from minzheng.benefits.services import enrolment_create
from minzheng.people.services import household_add_member

from ..conftest import VILLAGE_A


def _enrol(household: Any, first: dt.date, last: dt.date | None = None) -> Any:
    head = household.memberships.get(relation="head").person
    return enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=head,
        household=household,
        amount=500,
        first_month=first,
        last_month=last,
    )


def test_a_household_enrolment_after_the_person_moved_out_is_not_on_their_page(
    make_user: Callable[..., Any], make_household: Callable[..., Any]
) -> None:
    clerk = make_user("county_officer", VILLAGE_A[:6])
    old, new = make_household(size=2), make_household(size=1)
    mover = old.memberships.get(relation="child").person
    household_add_member(
        actor=system_actor(purpose="测试数据"),
        household=new,
        person=mover,
        relation="other",
        start_date=dt.date(2024, 3, 15),
    )
    while_there = _enrol(old, dt.date(2023, 1, 1), dt.date(2024, 6, 1))
    after_leaving = _enrol(old, dt.date(2024, 5, 1))
    current = _enrol(new, dt.date(2024, 4, 1))
    before_joining = _enrol(new, dt.date(2020, 1, 1), dt.date(2023, 12, 1))

    shown = set(enrolments_for_person(actor=clerk, person=mover))

    assert shown == {while_there, current}
    assert after_leaving not in shown and before_joining not in shown


def test_the_head_still_sees_every_enrolment_of_the_household(
    make_user: Callable[..., Any], make_household: Callable[..., Any]
) -> None:
    clerk = make_user("county_officer", VILLAGE_A[:6])
    hh = make_household(size=2)
    a = _enrol(hh, dt.date(2023, 1, 1), dt.date(2023, 6, 1))
    b = _enrol(hh, dt.date(2024, 1, 1))
    head = hh.memberships.get(relation="head").person

    assert list(enrolments_for_person(actor=clerk, person=head)) == [b, a]
