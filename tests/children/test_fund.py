"""The guardianship-lacking children's allowance is paid from a charity fund: a roll checked on the payroll
page draws it, and the children's officer and the county finance read that fund (not manage it)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.accounts.models import Role
from minzheng.benefits.models import PayrollRun
from minzheng.benefits.services import enrolment_create, payroll_generate
from minzheng.charity import services as charity
from minzheng.charity.models import Spending
from minzheng.charity.rules import credit_check_char

MONTH = dt.date(2026, 11, 1)
_n = itertools.count(1)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _fund(officer: Any, *, fund_code: str, name: str, region_code: str = "370811") -> Any:
    body = f"5337081{next(_n):010d}"
    org = charity.org_create(
        actor=officer,
        name=f"{name}慈善会",
        credit_code=body + credit_check_char(body),
        registered_on=dt.date(2015, 3, 1),
        region_code=region_code,
        fundraising_from=None,
    )
    fund = charity.project_file(
        actor=officer,
        org=org,
        kind="fund",
        fund_code=fund_code,
        name=name,
        purpose="儿童基本生活费",
        starts_on=dt.date(2025, 1, 1),
    )
    charity.donation_record(
        actor=officer,
        project=fund,
        donor_kind="org",
        donor_name="市慈善总会",
        amount=Decimal("5000"),
        received_on=dt.date(2025, 1, 15),
    )
    return fund


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "shezu": make_user(Role.ORG_OFFICER, "370811"),
        "xianji": make_user(Role.COUNTY_OFFICER, "370811"),
        "caiwu": make_user(Role.COUNTY_FINANCE, "370811"),
        "ertong": make_user(Role.CHILD_WELFARE_OFFICER, "370811"),
        "ertong_elsewhere": make_user(Role.CHILD_WELFARE_OFFICER, "370812"),
        "clerk": make_user(Role.TOWNSHIP_CLERK, "370811001"),
    }


@pytest.fixture
def fund(staff: dict[str, Any]) -> Any:
    return _fund(staff["shezu"], fund_code="guardianship_lacking", name="监护缺失儿童慈善基金")


@pytest.fixture
def roll(staff: dict[str, Any], make_person: Any) -> PayrollRun:
    for name in ("甲童", "乙童"):
        kid = make_person(birth=dt.date(2016, 1, 1), name=name)
        enrolment_create(
            actor=None,
            programme="child",
            person=kid,
            household=None,
            amount=500,
            first_month=MONTH,
            tier="guardianship_lacking",
        )
    return payroll_generate(actor=staff["xianji"], county_code="370811", month=MONTH)


def test_a_roll_checked_on_the_payroll_page_draws_the_childrens_share_from_the_fund(staff, fund, roll):
    r = _client(staff["caiwu"]).post(f"/payroll/{roll.pk}/freeze/")
    assert r.status_code == 302
    assert PayrollRun.objects.get(pk=roll.pk).status == "frozen"
    draw = Spending.objects.get(project=fund)
    assert draw.reference == f"payroll:{roll.pk}:guardianship_lacking" and draw.month == MONTH
    assert draw.amount == Decimal("1000.00") and draw.recorded_by == staff["caiwu"]


def test_the_childrens_officer_and_the_county_finance_read_the_fund_their_payroll_draws_from(
    staff, fund, roll
):
    _client(staff["caiwu"]).post(f"/payroll/{roll.pk}/freeze/")
    for who in ("ertong", "caiwu"):
        c = _client(staff[who])
        page = c.get(f"/charity/{fund.pk}/")
        assert page.status_code == 200, who
        html = page.content.decode()
        assert "1000.00" in html and "儿童基本生活保障（监护缺失儿童）" in html
        # read, not managed: no forms, and a post is refused
        assert 'id="donate-form"' not in html and 'id="spend-form"' not in html
        assert c.post(f"/charity/{fund.pk}/donate/", {"amount": "1"}).status_code == 403
    manager = _client(staff["shezu"]).get(f"/charity/{fund.pk}/").content.decode()
    assert 'id="donate-form"' in manager


def test_other_projects_other_counties_and_other_roles_still_read_the_fund_as_missing(staff, fund):
    other = _fund(staff["shezu"], fund_code="jishijiu", name="济时救助基金")
    ertong = _client(staff["ertong"])
    assert ertong.get(f"/charity/{other.pk}/").status_code == 404
    assert ertong.get("/charity/999999/").status_code == 404
    assert _client(staff["ertong_elsewhere"]).get(f"/charity/{fund.pk}/").status_code == 404
    assert _client(staff["clerk"]).get(f"/charity/{fund.pk}/").status_code == 403
