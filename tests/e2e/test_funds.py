"""Browser run of a fund: county finance creates a budget fund and records an allocation; the county officer
(another person) checks it on the ledger page and the balance shows it; a default fund is set for dibao."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e


def test_finance_creates_a_fund_records_income_and_another_person_checks_it(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    staff("caiwu2", "county_finance", "370811")
    staff("xianji2", "county_officer", "370811")
    base, page = live_server.url, browser_page
    login(page, base, "caiwu2")
    page.goto(f"{base}/funds/")
    page.fill("#fund-form input[name=name]", "任城区城乡低保资金")
    page.select_option("#fund-form select[name=source]", "budget")
    page.click("#fund-form button")
    page.wait_for_selector("#income-form")
    page.select_option("#income-form select[name=income_kind]", "allocation")
    page.fill("#income-form input[name=amount]", "120000")
    page.fill("#income-form input[name=booked_on]", timezone.localdate().isoformat())
    page.click("#income-form button")
    page.wait_for_selector("#fund-entries")
    assert page.inner_text("#fund-balance").strip() == "0.00"
    assert "复核入账" not in page.inner_text("#fund-entries")

    page.context.clear_cookies()
    login(page, base, "xianji2")
    page.goto(f"{base}/funds/")
    page.click("#funds a")
    page.click("#fund-entries form[action$='/confirm/'] button")
    page.wait_for_selector("#fund-balance")
    assert page.inner_text("#fund-balance").strip() == "120,000.00"  # the house formatter, like the cockpit
    page.goto(f"{base}/funds/")
    page.select_option("#default-form select[name=programme]", "dibao")
    page.click("#default-form button")
    assert "任城区城乡低保资金" in page.inner_text("#fund-defaults")
