"""Browser run of make-and-check on payroll: one county officer generates the month's roll and is refused
its freeze; a second officer checks and freezes it; county finance downloads the bank file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_a_roll_generated_by_one_officer_is_frozen_by_another_and_finance_takes_the_bank_file(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.benefits.services import enrolment_create, payee_account_set

    maker = staff("maker", "county_officer", "370811")
    staff("checker", "county_officer", "370811")
    staff("finance", "county_finance", "370811")
    hh, _ = family("E2E0101", [("孔繁荣", "head", dt.date(1940, 3, 4), "M", "41")])
    head = hh.memberships.get(relation="head").person
    month = dt.date(2025, 3, 1)
    enrolment_create(
        actor=None, programme="high_age", person=head, household=hh, amount=50, first_month=month
    )
    payee_account_set(
        actor=maker, person=head, bank_name="济宁农村商业银行", account_number="6228480012345678"
    )

    base = live_server.url
    page = browser_page
    login(page, base, "maker")
    page.goto(f"{base}/payroll/")
    page.select_option("#county", "370811")
    page.fill("input[name=month]", f"{month:%Y-%m}")
    page.click("#do-generate")
    page.wait_for_selector("#lines")
    assert page.inner_text("#run-total") == "50"
    assert "待审核" in page.inner_text("#run-status")
    run_url = page.url
    # The maker is offered no freeze, and a freeze posted anyway is refused in Chinese.
    assert page.query_selector("#do-freeze") is None
    assert "须由另一名工作人员审核冻结" in page.inner_text("#freeze-refused")
    page.evaluate(
        """() => { const f = document.createElement('form'); f.method = 'post';
        f.action = location.pathname + 'freeze/';
        const t = document.createElement('input'); t.name = 'csrfmiddlewaretoken';
        t.value = document.querySelector('[name=csrfmiddlewaretoken]').value; f.appendChild(t);
        document.body.appendChild(f); f.submit(); }"""
    )
    page.wait_for_selector("text=制表人不能审核自己生成的发放名册")
    assert "待审核" in page.inner_text("#run-status")
    assert page.query_selector("#bank-csv") is None

    login(page, base, "checker")
    page.goto(run_url)
    page.click("#do-freeze")
    page.wait_for_selector("#run-status:has-text('已审核冻结')")
    assert "checker" in page.inner_text("#checked-by") and "maker" in page.inner_text("#generated-by")
    assert page.query_selector("#bank-csv") is None  # an officer never gets the bank file link

    login(page, base, "finance")
    page.goto(run_url)
    with page.expect_download() as info:
        page.click("#bank-csv")
    download = info.value
    assert download.suggested_filename == "payroll-370811-202503.csv"
    body = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "孔繁荣" in body and "6228480012345678" in body and ",50," in body
    page.screenshot(path="test-results/payroll-make-and-check.png", full_page=True)
