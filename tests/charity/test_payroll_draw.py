"""The children's payroll draws on the guardianship-lacking charity fund through the benefits payroll hook:
when the county's roll is checked, the fund pays the policy share of the guardianship-lacking children's
lines, once per roll, audited and shown on the fund's page; a fund short of money refuses the check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import PayrollRun
from minzheng.benefits.services import enrolment_create, payroll_freeze, payroll_generate
from minzheng.charity.models import Spending
from minzheng.charity.selectors import fund_balance, payroll_funds_todo

from .conftest import give

MONTH = dt.date(2026, 3, 1)


@pytest.fixture
def maker(make_user):
    return make_user("county_officer", "370811")


@pytest.fixture
def finance(make_user):
    return make_user("county_finance", "370811")


def _fund(officer, make_project, make_org, money):
    fund = make_project(
        kind="fund",
        fund_code="guardianship_lacking",
        name="监护缺失儿童慈善基金",
        purpose="监护缺失儿童基本生活费",
        filing_number="",
        platform="",
        target=None,
        ends_on=None,
        starts_on=dt.date(2025, 1, 1),
        org=make_org(qualified=False, name="罗庄慈善会"),
    )
    give(officer, fund, money, donor_name="市慈善总会", received_on=dt.date(2025, 1, 15))
    return fund


def _child(make_person, name, tier, amount):
    kid = make_person(birth=dt.date(2016, 1, 1), name=name)
    enrolment_create(
        actor=None, programme="child", person=kid, household=None, amount=amount, first_month=MONTH, tier=tier
    )
    return kid


@pytest.fixture
def roll(make_person, maker):
    """Two guardianship-lacking children (500 a month, charity) and one scattered orphan (budget)."""
    kids = [_child(make_person, n, "guardianship_lacking", 500) for n in ("甲童", "乙童")]
    _child(make_person, "丙童", "scattered_orphan", 1540)
    return kids, payroll_generate(actor=maker, county_code="370811", month=MONTH)


def test_checking_the_roll_draws_the_charity_share_once_audited_and_on_the_fund_page(
    officer, make_project, make_org, roll, finance
):
    fund = _fund(officer, make_project, make_org, "3000")
    kids, run = roll
    frozen = payroll_freeze(actor=finance, run=run)
    assert frozen.status == "frozen"
    draw = Spending.objects.get(project=fund)
    assert draw.amount == Decimal("1000.00") and draw.reference == f"payroll:{run.pk}:guardianship_lacking"
    assert draw.source_line == "child" and draw.month == MONTH and draw.recorded_by == finance
    assert set(draw.beneficiaries.values_list("pk", flat=True)) == {k.pk for k in kids}
    assert fund_balance(fund_code="guardianship_lacking") == Decimal("2000.00")
    assert AuditLog.objects.filter(target_type="charity.spending", target_id=str(draw.pk)).exists()
    c = Client()
    c.force_login(officer)
    page = c.get(f"/charity/{fund.pk}/").content.decode()
    assert "儿童基本生活保障（监护缺失儿童）" in page and "儿童福利（监护缺失儿童基本生活费）" in page
    assert "1000.00" in page


def test_a_fund_short_of_money_refuses_the_check_and_nothing_is_frozen_or_drawn(
    officer, make_project, make_org, roll, finance
):
    _fund(officer, make_project, make_org, "800")
    _, run = roll
    with pytest.raises(ValidationError, match=r"由事实无人抚养儿童.*超出项目可用余额800\.00元.*名册未审核"):
        payroll_freeze(actor=finance, run=run)
    assert PayrollRun.objects.get(pk=run.pk).status == "draft"
    assert not Spending.objects.exists()


def test_a_fund_not_yet_open_refuses_the_check_in_chinese(roll, finance):
    _, run = roll
    with pytest.raises(ValidationError, match="尚未开设"):
        payroll_freeze(actor=finance, run=run)
    assert PayrollRun.objects.get(pk=run.pk).status == "draft"


def test_a_roll_without_charity_funded_children_is_checked_without_a_fund(make_person, maker, finance):
    _child(make_person, "丁童", "scattered_orphan", 1540)
    run = payroll_freeze(actor=finance, run=payroll_generate(actor=maker, county_code="370811", month=MONTH))
    assert run.status == "frozen" and not Spending.objects.exists()


def test_the_children_line_does_not_import_charity_and_charity_imports_no_other_line():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "src" / "minzheng"
    children = " ".join(p.read_text() for p in (root / "children").rglob("*.py"))
    charity = " ".join(p.read_text() for p in (root / "charity").rglob("*.py"))
    assert "minzheng.charity" not in children
    for line in ("elderly", "children", "assistance", "orgs", "facilities"):
        assert f"minzheng.{line}" not in charity


def test_the_childrens_officer_and_the_county_finance_find_the_fund_from_their_home_page(
    officer, make_project, make_org, make_user, finance, django_assert_max_num_queries
):
    fund = _fund(officer, make_project, make_org, "3000")
    for reader in (make_user("child_welfare_officer", "370811"), finance):
        c = Client()
        c.force_login(reader)
        home = c.get("/").content.decode()
        assert f'href="/charity/{fund.pk}/"' in home and "监护缺失儿童慈善基金" in home
        assert c.get(f"/charity/{fund.pk}/").status_code == 200
    other = make_user("county_finance", "370812")  # another county: no card entry for this fund
    c = Client()
    c.force_login(other)
    assert f'href="/charity/{fund.pk}/"' not in c.get("/").content.decode()
    with django_assert_max_num_queries(2):
        payroll_funds_todo(finance, MONTH)
