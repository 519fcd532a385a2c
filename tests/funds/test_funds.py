"""Funding channels (issue 19, seed 002 “济时救”): funds per county by source, income made and checked by
two people, a set-based balance, every payroll line and one-off grant carries its fund, and a payment the
fund cannot cover is refused with the amount and the balance, changing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment, PayrollLine, PayrollRun
from minzheng.benefits.services import enrolment_create, payroll_freeze, payroll_generate
from minzheng.funds import selectors, services
from minzheng.funds.models import FundEntry

from .conftest import funded

MONTH = dt.date(2026, 3, 1)


def _dibao(make_person, amount, n=1):
    people = []
    for i in range(n):
        p = make_person(name=f"低保{i}")
        enrolment_create(
            actor=None, programme="dibao", person=p, household=None, amount=amount, first_month=MONTH
        )
        people.append(p)
    return people


def test_income_counts_only_once_another_person_has_checked_it(finance, officer):
    fund = funded(finance, officer, "0")
    entry = services.income_record(
        actor=finance, fund=fund, amount="5000", income_kind="allocation", booked_on=timezone.localdate()
    )
    assert selectors.balance(fund) == Decimal("0")
    with pytest.raises(ValidationError, match="登记人和复核人不能是同一人"):
        services.income_confirm(actor=finance, entry=entry)
    services.income_confirm(actor=officer, entry=entry)
    assert selectors.balance(fund) == Decimal("5000.00")
    with pytest.raises(ValidationError, match="已复核"):
        services.income_confirm(actor=officer, entry=entry)
    assert AuditLog.objects.filter(
        target_type="fund_entry", target_id=str(entry.pk), event_type="decision"
    ).exists()


def test_a_rejected_income_never_counts(finance, officer):
    fund = funded(finance, officer, "100")
    entry = services.income_record(
        actor=finance, fund=fund, amount="900", income_kind="donation", booked_on=timezone.localdate()
    )
    services.income_reject(actor=officer, entry=entry, reason="金额与拨款文件不符")
    assert (
        selectors.balance(fund) == Decimal("100.00")
        and "金额与拨款文件不符" in FundEntry.objects.get(pk=entry.pk).note
    )


def test_checking_a_roll_gives_each_line_its_default_fund_and_the_fund_pays_the_sum_once(
    make_person, finance, officer
):
    fund = funded(finance, officer, "10000")
    services.fund_default_set(actor=finance, programme_code="dibao", county_code="370811", fund=fund)
    _dibao(make_person, 600, n=3)
    run = payroll_generate(actor=officer, county_code="370811", month=MONTH)
    payroll_freeze(actor=finance, run=run)
    assert set(PayrollLine.objects.filter(run=run).values_list("fund_id", flat=True)) == {fund.pk}
    spent = FundEntry.objects.get(fund=fund, kind="spending")
    assert spent.amount == Decimal("1800.00") and spent.spending_line == "payroll" and spent.month == MONTH
    assert selectors.balance(fund) == Decimal("8200.00")


def test_a_roll_the_fund_cannot_cover_is_refused_with_amount_and_balance_and_nothing_changes(
    make_person, finance, officer
):
    fund = funded(finance, officer, "1000")
    services.fund_default_set(actor=finance, programme_code="dibao", county_code="370811", fund=fund)
    _dibao(make_person, 600, n=2)
    run = payroll_generate(actor=officer, county_code="370811", month=MONTH)
    with pytest.raises(ValidationError, match=r"1200\.00元.*任城区财政救助资金.*余额1000\.00元"):
        payroll_freeze(actor=finance, run=run)
    assert PayrollRun.objects.get(pk=run.pk).status == "draft"
    assert not PayrollLine.objects.filter(run=run, fund__isnull=False).exists()
    assert not FundEntry.objects.filter(kind="spending").exists()
    assert selectors.balance(fund) == Decimal("1000.00")


def test_a_programme_without_a_default_fund_is_rolled_as_before(make_person, finance, officer):
    _dibao(make_person, 600)
    run = payroll_freeze(
        actor=finance, run=payroll_generate(actor=officer, county_code="370811", month=MONTH)
    )
    assert run.status == "frozen" and PayrollLine.objects.get(run=run).fund_id is None


def _grant(make_person, amount=1500):
    p = make_person(name="临时")
    return enrolment_create(
        actor=None,
        programme="temporary",
        person=p,
        household=None,
        amount=amount,
        first_month=MONTH,
        last_month=MONTH,
    )


def test_a_grant_is_paid_from_the_chosen_fund_and_its_payroll_line_is_not_paid_twice(
    make_person, finance, officer
):
    budget = funded(finance, officer, "10000")
    lottery = funded(finance, officer, "3000", name="任城区福彩公益金救助资金", source="lottery")
    services.fund_default_set(actor=finance, programme_code="temporary", county_code="370811", fund=budget)
    enrolment = _grant(make_person)
    services.grant_fund(actor=officer, enrolment=enrolment, fund_id=lottery.pk)
    assert selectors.balance(lottery) == Decimal("1500.00") and selectors.balance(budget) == Decimal(
        "10000.00"
    )
    run = payroll_freeze(
        actor=finance, run=payroll_generate(actor=officer, county_code="370811", month=MONTH)
    )
    assert PayrollLine.objects.get(run=run, enrolment=enrolment).fund_id == lottery.pk
    assert FundEntry.objects.filter(kind="spending").count() == 1
    assert selectors.balance(budget) == Decimal("10000.00")


def test_a_grant_beyond_the_funds_balance_is_refused_naming_amount_and_balance(make_person, finance, officer):
    fund = funded(finance, officer, "1000")
    enrolment = _grant(make_person, 1500)
    with pytest.raises(
        ValidationError, match=r"需支出1500\.00元，超出“任城区财政救助资金”当前余额1000\.00元"
    ):
        services.grant_fund(actor=officer, enrolment=enrolment, fund_id=fund.pk)
    assert not FundEntry.objects.filter(kind="spending").exists()


def test_a_grant_cannot_be_paid_from_another_countys_fund(make_person, make_user, finance, officer):
    other = services.fund_create(
        actor=make_user("county_finance", "370812"),
        name="兖州区救助资金",
        source="budget",
        county_code="370812",
    )
    with pytest.raises(ValidationError, match="不是本县在用的救助资金"):
        services.grant_fund(actor=officer, enrolment=_grant(make_person), fund_id=other.pk)


def test_the_temporary_decision_pays_from_the_fund_chosen_and_is_refused_whole_when_short(
    make_household, make_user, finance, officer
):
    from minzheng.assistance import services as svc
    from tests.conftest import TOWN_A

    clerk, approver = make_user("township_clerk", TOWN_A), make_user("township_approver", TOWN_A)
    poor = funded(finance, officer, "500", name="任城区社会资金", source="social")
    rich = funded(finance, officer, "5000", name="任城区慈善救助资金", source="charity")

    def application():
        hh = make_household(size=1)
        app = svc.application_create(
            actor=clerk,
            programme="temporary",
            household=hh,
            applicant=hh.memberships.get().person,
            declared={
                "members": [
                    {"person_id": hh.memberships.get().person.pk, "monthly_wage": 0, "employed": True}
                ],
                "assets": {"financial": 1000, "vehicles": [], "residential_properties": 1},
            },
            amount_requested=1500,
            emergency_kind="urgent",
            emergency_description="火灾",
        )
        svc.application_submit(actor=clerk, application=app)
        return app

    app = application()
    before = (app.state, app.version)
    with pytest.raises(ValidationError, match=r"1500\.00元.*余额500\.00元"):
        svc.application_decide(actor=approver, application=app, outcome="grant", fund_id=poor.pk)
    app.refresh_from_db()
    assert (app.state, app.version) == before and not Enrolment.objects.exists()
    decision = svc.application_decide(actor=approver, application=app, outcome="grant", fund_id=rich.pk)
    enrolment = Enrolment.objects.get(source_id=str(decision.pk))
    assert FundEntry.objects.get(kind="spending").enrolment == enrolment
    assert selectors.balance(rich) == Decimal("3500.00")


def test_the_fund_list_sums_every_fund_in_a_fixed_number_of_queries(
    finance, officer, django_assert_max_num_queries
):
    for i in range(6):
        fund = funded(finance, officer, "100", name=f"资金{i}")
        for _ in range(3):
            services.fund_spend(
                actor=finance,
                fund=fund,
                amount=Decimal(10),
                month=MONTH,
                line="payroll",
                reference=f"r{_}",
                note="x",
            )
    with django_assert_max_num_queries(3):
        funds = selectors.fund_list(actor=finance)
    assert [f.balance for f in funds] == [Decimal("70.00")] * 6


def test_a_fund_of_the_charity_line_reads_and_draws_its_balance_there(
    make_person, finance, officer, make_user
):
    from minzheng.charity import services as charity
    from minzheng.charity.models import Spending
    from minzheng.charity.selectors import fund_balance
    from tests.charity.conftest import credit_code, give

    org_officer = make_user("org_officer", "370811")
    org = charity.org_create(
        actor=org_officer,
        name="任城慈善会",
        credit_code=credit_code(),
        registered_on=dt.date(2015, 1, 1),
        region_code="370811",
    )
    project = charity.project_file(
        actor=org_officer,
        org=org,
        name="“济时救”救助基金",
        purpose="临时救助",
        filing_number="",
        platform="",
        target=None,
        starts_on=dt.date(2025, 1, 1),
        ends_on=None,
        kind="fund",
        fund_code="jishijiu",
    )
    give(org_officer, project, "2000", received_on=dt.date(2025, 2, 1))
    fund = services.fund_create(
        actor=finance,
        name="“济时救”救助基金",
        source="charity",
        county_code="370811",
        charity_fund_code="jishijiu",
    )
    with pytest.raises(ValidationError, match="慈善"):
        services.income_record(
            actor=finance, fund=fund, amount="1", income_kind="donation", booked_on=timezone.localdate()
        )
    assert selectors.balance(fund) == Decimal("2000.00")
    services.grant_fund(actor=officer, enrolment=_grant(make_person, 1500), fund_id=fund.pk)
    assert fund_balance(fund_code="jishijiu") == Decimal("500.00") == selectors.balance(fund)
    assert Spending.objects.get(project=project).amount == Decimal("1500.00")
    # the monthly table runs from the opening balance (the donations are booked in the charity line)
    opening, months = selectors.ledger_by_month(fund, closing=selectors.balance(fund))
    assert opening == Decimal("2000.00")
    assert [(m["spent"], m["balance"]) for m in months] == [(Decimal("1500.00"), Decimal("500.00"))]
    with pytest.raises(ValidationError, match=r"余额500\.00元"):
        services.grant_fund(actor=officer, enrolment=_grant(make_person, 600), fund_id=fund.pk)
