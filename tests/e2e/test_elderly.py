"""Browser run of the elderly line: the township clerk assesses an 85-year-old dibao elder at home (390 px
wide, 试算 then save with a second assessor) and takes the subsidy application; the elderly officer
grants it and sees why; the county officer generates the month's payroll with the subsidy on it and
county finance checks and freezes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_an_assessed_dibao_elder_is_granted_the_subsidy_and_paid_on_the_months_roll(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.benefits.services import enrolment_create
    from minzheng.elderly.capability import PARTS

    staff("clerk", "township_clerk", "370811001")
    staff("clerk2", "township_clerk", "370811001")
    staff("yanglao", "elderly_officer", "370811")
    staff("county", "county_officer", "370811")
    staff("finance", "county_finance", "370811")
    hh, _ = family("E2E1401", [("孟老太", "head", dt.date(1940, 3, 4), "F", "42")])
    elder = hh.memberships.get(relation="head").person
    month = timezone.localdate().replace(day=1)
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=elder,
        household=hh,
        amount=600,
        first_month=month.replace(year=month.year - 1),
    )

    base = live_server.url
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "clerk")
    page.goto(f"{base}/elderly/{elder.pk}/assess/")
    for part, rows in PARTS.items():
        for code, _name, hi in rows:
            page.select_option(f"select[name={code}]", "0" if part == "self_care" else str(hi))
    page.click("#assess-preview-button")
    page.wait_for_selector("#assess-preview")
    assert "中度失能" in page.inner_text("#preview-level")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # usable at the elder's home
    page.select_option("select[name=second_assessor]", label="clerk2")
    page.click("#assess-save")
    page.wait_for_selector("#assessment-result")
    assert "中度失能" in page.inner_text("#assessment-result")

    page.goto(f"{base}/elderly/{elder.pk}/")
    page.click("#subsidy-apply button")
    page.wait_for_selector("#subsidy-status")
    assert "待审批" in page.inner_text("#subsidy-status")
    subsidy_url = page.url

    login(page, base, "yanglao")
    page.goto(subsidy_url)
    page.click("#subsidy-decide button")
    page.wait_for_selector("#subsidy-why")
    assert "已批准" in page.inner_text("#subsidy-status")
    assert "低保对象" in page.inner_text("#subsidy-why")

    login(page, base, "county")
    page.goto(f"{base}/payroll/")
    page.select_option("#county", "370811")
    page.fill("input[name=month]", f"{month:%Y-%m}")
    page.click("#do-generate")
    page.wait_for_selector("#lines")
    assert "经济困难高龄失能老年人补贴" in page.content()
    assert "孟老太" in page.inner_text("#lines")
    assert "待审核" in page.inner_text("#run-status")
    run_url = page.url

    # make-and-check: county finance (not the maker) checks and freezes the roll with the subsidy on it
    login(page, base, "finance")
    page.goto(run_url)
    page.click("#do-freeze")
    page.wait_for_selector("#run-status:has-text('已审核冻结')")
    assert "孟老太" in page.inner_text("#lines")
    assert "finance" in page.inner_text("#checked-by")
