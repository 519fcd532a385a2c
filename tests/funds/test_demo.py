"""The funds demo writes the county's funds, checked income, one income waiting for its check and the
default funds through the line's services; a second run writes nothing."""

from __future__ import annotations

from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.demo.lines import funds as demo
from minzheng.funds import selectors
from minzheng.funds.models import Fund, FundDefault


def test_the_demo_seeds_funds_with_positive_balances_a_pending_check_and_defaults(make_user):
    finance = make_user("county_finance", "370811", username="caiwu")
    checker = make_user("county_officer", "370811", username="xianji")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=3)
    assert "救助资金：3项资金" in line
    assert all(f.balance > 0 for f in selectors.fund_list(actor=finance))
    assert selectors.pending_todo(checker, timezone.localdate()).count == 1
    assert FundDefault.objects.filter(programme="dibao").exists()
    assert FundDefault.objects.filter(programme=selectors.SERVICE).exists()
    assert demo.seed(actor=system_actor(purpose="测试"), seed=3) == "救助资金：演示数据已存在"
    assert Fund.objects.count() == 3


def test_a_roll_checked_before_the_funds_existed_is_booked_on_the_default_fund(make_user, make_household):
    import datetime as dt

    from minzheng.benefits.services import enrolment_create, payroll_freeze, payroll_generate

    finance = make_user("county_finance", "370811", username="caiwu")
    checker = make_user("county_officer", "370811", username="xianji")
    hh = make_household(village="370811001001", size=2)
    enrolment_create(
        actor=system_actor(purpose="测试"),
        programme="dibao",
        person=hh.memberships.get(relation="head").person,
        household=hh,
        amount=640,
        first_month=dt.date(2024, 1, 1),
        members_covered=2,
    )
    run = payroll_generate(actor=checker, county_code="370811", month=timezone.localdate())
    payroll_freeze(actor=finance, run=run)  # the elderly demo checks this month's roll before funds run
    demo.seed(actor=system_actor(purpose="测试"), seed=3)
    spent = {f.source: f.spent for f in selectors.fund_list(actor=finance)}
    assert spent["budget"] == 640
