"""Grants into a frozen payroll (issue 19): an enrolment whose first month's roll is already frozen is not
promised into that roll; its money goes into the county's next open roll as one catch-up (补发) line, and
the roll it really goes into is named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from minzheng.accounts.system import system_actor
from minzheng.benefits.models import PayrollCorrection, PayrollLine, PayrollRun, PayrollStatus
from minzheng.benefits.selectors import enrolment_roll_note
from minzheng.benefits.services import enrolment_create, payroll_generate
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db

DEC = dt.date(2026, 12, 1)
JAN = dt.date(2027, 1, 1)


def grant(person: Any, first: dt.date, last: dt.date | None, amount: int = 800) -> Any:
    return enrolment_create(
        actor=system_actor(purpose="test"),
        programme="sf_medical",
        person=person,
        household=None,
        amount=amount,
        first_month=first,
        last_month=last,
    )


def test_a_one_month_grant_into_a_frozen_roll_is_paid_as_a_catch_up_line_of_the_next_open_roll(
    make_person: Any, make_user: Any
) -> None:
    PayrollRun.objects.create(county_code=VILLAGE_A[:6], month=DEC, status=PayrollStatus.FROZEN)
    enrolment = grant(make_person(), DEC, DEC)
    assert enrolment.catch_up and enrolment.roll_month == JAN
    assert "2027年01月发放名册中补发" in enrolment_roll_note(enrolment)
    run = payroll_generate(
        actor=make_user("county_officer", VILLAGE_A[:6]), county_code=VILLAGE_A[:6], month=JAN
    )
    lines = list(PayrollLine.objects.filter(run=run, enrolment=enrolment).values_list("kind", "amount"))
    assert lines == [("adjustment", 800)]  # paid once, in January's roll, as 补发
    assert PayrollLine.objects.filter(run__month=DEC).count() == 0  # the frozen roll is never edited


def test_an_open_enrolment_from_a_frozen_month_gets_that_month_as_catch_up_then_its_regular_lines(
    make_person: Any, make_user: Any
) -> None:
    PayrollRun.objects.create(county_code=VILLAGE_A[:6], month=DEC, status=PayrollStatus.FROZEN)
    enrolment = grant(make_person(), DEC, None, amount=500)
    run = payroll_generate(
        actor=make_user("county_officer", VILLAGE_A[:6]), county_code=VILLAGE_A[:6], month=JAN
    )
    lines = sorted(PayrollLine.objects.filter(run=run, enrolment=enrolment).values_list("kind", "amount"))
    assert lines == [("adjustment", 500), ("regular", 500)]


def test_a_grant_into_an_open_month_goes_into_its_own_roll_without_catch_up(make_person: Any) -> None:
    enrolment = grant(make_person(), DEC, DEC)
    assert not enrolment.catch_up and enrolment.roll_month == DEC
    assert enrolment_roll_note(enrolment) == "列入2026年12月发放名册"
    assert not PayrollCorrection.objects.filter(enrolment=enrolment).exists()
