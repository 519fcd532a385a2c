"""The payroll funding hook: a registered source is called with the run's lines of its programme when the
roll is checked, and its Chinese refusal leaves the roll a draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minzheng.benefits import funding
from minzheng.benefits.models import PayrollRun
from minzheng.benefits.services import enrolment_create, payroll_freeze, payroll_generate

MONTH = dt.date(2026, 3, 1)


def test_a_registered_source_sees_its_programmes_lines_and_can_refuse_the_check(make_user, make_person):
    seen: list[tuple[int, int]] = []

    def source(*, actor, run, lines):
        seen.append((run.pk, sum(line.amount for line in lines)))
        if len(seen) == 1:
            raise ValidationError("基金余额不足")

    enrolment_create(
        actor=None, programme="high_age", person=make_person(), household=None, amount=100, first_month=MONTH
    )
    run = payroll_generate(actor=make_user("county_officer", "370811"), county_code="370811", month=MONTH)
    funding.register_payroll_funding("high_age", source)
    try:
        with pytest.raises(ValidationError, match="基金余额不足"):
            payroll_freeze(actor=make_user("county_finance", "370811"), run=run)
        assert PayrollRun.objects.get(pk=run.pk).status == "draft"
        assert payroll_freeze(actor=make_user("county_finance", "370811"), run=run).status == "frozen"
    finally:
        funding.unregister_payroll_funding("high_age", source)
    assert seen == [(run.pk, 100), (run.pk, 100)]


def test_a_fund_claim_is_read_without_importing_the_line_that_registered_it(db):
    from decimal import Decimal

    def claim(*, actor, year, permission):
        return [(1, Decimal(year - 2000))]

    funding.register_fund_claim("test_fund", claim)
    try:
        assert funding.fund_claims(fund_code="test_fund", actor=None, year=2025, permission="x") == [
            (1, Decimal(25))
        ]
    finally:
        funding.unregister_fund_claim("test_fund", claim)
    assert funding.fund_claims(fund_code="test_fund", actor=None, year=2025, permission="x") == []
