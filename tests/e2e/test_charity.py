"""Browser run of a charity project: the org officer registers a qualified charitable organisation, files
a public fund-raising project, records donations (a unit, a person, a restricted one) and spending; a
spending beyond the balance is refused in Chinese; the 阳光慈善 public page, read signed out, adds up and
shows the person donor masked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e


def _credit_code() -> str:
    from minzheng.charity.rules import credit_check_char

    body = "53370811MJD000042"
    return body + credit_check_char(body)


def test_a_project_files_receives_donations_spends_and_its_public_page_adds_up(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    staff("gongyi", "org_officer", "370811")
    today = timezone.localdate()
    base, page = live_server.url, browser_page
    login(page, base, "gongyi")

    page.goto(f"{base}/charity/orgs/")
    page.fill("#org-form input[name=name]", "任城区慈善总会")
    page.fill("#org-form input[name=credit_code]", _credit_code())
    page.fill("#org-form input[name=registered_on]", "2010-05-01")
    page.fill("#org-form input[name=fundraising_from]", "2015-01-01")
    page.click("#org-form button")
    page.wait_for_selector("text=已登记慈善组织")

    page.goto(f"{base}/charity/new/")
    page.fill("#project-form input[name=name]", "困境儿童助学行动")
    page.fill("#project-form input[name=purpose]", "资助困境儿童就学")
    page.fill("#project-form input[name=starts_on]", (today.replace(day=1)).isoformat())
    page.fill("#project-form input[name=ends_on]", today.replace(year=today.year + 1).isoformat())
    page.fill("#project-form input[name=filing_number]", "53370811MJD0001A2026001")
    page.fill("#project-form input[name=platform]", "腾讯公益")
    page.fill("#project-form input[name=target]", "100000")
    page.click("#project-form button")
    page.wait_for_selector("#money-in")
    project_url = page.url

    for kind, name, amount, restricted in (
        ("org", "济宁鲁兴建设有限公司", "1200.50", ""),
        ("person", "王建国", "300", ""),
        ("anonymous", "", "800", "购买书包"),
    ):
        page.select_option("#donate-form select[name=donor_kind]", kind)
        page.fill("#donate-form input[name=donor_name]", name)
        page.fill("#donate-form input[name=amount]", amount)
        page.fill("#donate-form input[name=restricted_purpose]", restricted)
        page.click("#donate-form button")
        page.wait_for_selector("text=捐赠已登记")
    assert page.inner_text("#money-in").strip() == "2300.50"

    page.fill("#spend-form input[name=purpose]", "发放助学金")
    page.fill("#spend-form input[name=amount]", "1000")
    page.fill("#spend-form input[name=beneficiary_count]", "5")
    page.click("#spend-form button")
    page.wait_for_selector("text=支出已登记")
    # the free balance is 500.50; the restricted 800 may not pay for anything else
    page.fill("#spend-form input[name=purpose]", "发放助学金")
    page.fill("#spend-form input[name=amount]", "600")
    page.click("#spend-form button")
    page.wait_for_selector("text=超出项目可用余额")
    page.fill("#spend-form input[name=purpose]", "购买书包")
    page.fill("#spend-form input[name=amount]", "600")
    page.fill("#spend-form input[name=beneficiary_count]", "20")
    page.select_option("#spend-form select[name=donation]", index=1)
    page.click("#spend-form button")
    page.wait_for_selector("text=支出已登记")
    assert page.url == project_url
    assert page.inner_text("#balance").strip() == "700.50"

    public_url = page.get_attribute("#public-link", "href")
    page.context.clear_cookies()
    page.goto(f"{base}{public_url}")
    money_in = Decimal(page.inner_text("#public-in"))
    money_out = Decimal(page.inner_text("#public-out"))
    assert (money_in, money_out) == (Decimal("2300.50"), Decimal("1600.00"))
    assert Decimal(page.inner_text("#public-balance")) == money_in - money_out
    assert page.inner_text("#public-beneficiaries").strip() == "25"
    donated = [Decimal(t) for t in page.locator("#public-donations td.num").all_inner_texts()]
    spent = [Decimal(t) for t in page.locator("#public-spendings td.num:nth-child(3)").all_inner_texts()]
    assert sum(donated) == money_in and sum(spent) == money_out
    body = page.inner_text("main")
    assert "王建国" not in body and "王**" in body and "匿名" in body
    assert page.locator("[data-print]").count() == 1


def test_the_childrens_payroll_check_draws_on_the_guardianship_fund_and_the_draw_shows_on_its_page(
    city: None, live_server: Any, browser_page: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from minzheng.benefits.services import enrolment_create, payroll_generate
    from minzheng.charity import services
    from minzheng.charity.models import Spending
    from minzheng.people.services import person_create

    shezu = staff("shezu", "org_officer", "370811")
    xianji = staff("xianji", "county_officer", "370811")
    staff("caiwu", "county_finance", "370811")
    month = timezone.localdate().replace(day=1)
    org = services.org_create(
        actor=shezu,
        name="罗庄区慈善总会",
        credit_code=_credit_code(),
        registered_on=dt.date(2010, 5, 1),
        region_code="370811",
    )
    fund = services.project_file(
        actor=shezu,
        org=org,
        kind="fund",
        fund_code="guardianship_lacking",
        name="监护缺失儿童慈善基金",
        purpose="监护缺失儿童基本生活费",
        starts_on=dt.date(month.year - 1, 1, 1),
    )
    services.donation_record(
        actor=shezu,
        project=fund,
        donor_kind="org",
        donor_name="市慈善总会",
        amount=Decimal(5000),
        received_on=dt.date(month.year - 1, 1, 15),
    )
    from minzheng.accounts.system import system_actor
    from minzheng.core.idnumber import make_id_number

    for i, name in enumerate(("王小雨", "李小川")):
        kid = person_create(
            actor=system_actor(purpose="测试数据"),
            name=name,
            id_number=make_id_number("370811", dt.date(2016, 3, i + 1), 40 + i, "F"),
            hukou_type="rural",
            hukou_region_code="370811001001",
        )
        enrolment_create(
            actor=xianji,
            programme="child",
            person=kid,
            household=None,
            amount=500,
            first_month=month,
            tier="guardianship_lacking",
        )
    run = payroll_generate(actor=xianji, county_code="370811", month=month)
    base, page = live_server.url, browser_page

    login(page, base, "caiwu")
    page.goto(f"{base}/payroll/{run.pk}/")
    page.click("#do-freeze")
    page.wait_for_selector(".messages")
    assert "发放名册已审核冻结" in page.inner_text(".messages")
    assert Spending.objects.get(project=fund).amount == Decimal("1000.00")

    login(page, base, "shezu")
    page.goto(f"{base}/charity/{fund.pk}/")
    rows = page.inner_text("#charity-spendings")
    assert "儿童基本生活保障（监护缺失儿童）" in rows and "1000.00" in rows and "儿童福利" in rows
    assert page.inner_text("#balance") == "4000.00"
