"""Browser run of the dibao flow: a clerk takes a household from application to decision; the township
approver decides; the county officer generates and freezes the first month's payroll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def _age_notice(app_url: str) -> None:
    """The 公示 runs 7 days on the server's clock; the test moves it back instead of waiting a week."""
    from minzheng.assistance.models import Application
    from tests.assistance.conftest import age_notice

    age_notice(Application.objects.get(pk=int(app_url.rstrip("/").rsplit("/", 1)[-1])))


def test_a_dibao_household_goes_from_application_to_first_payment_in_the_browser(
    clerk: Any, snapshot: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    staff("verifier", "township_clerk", "370811001")  # 经办与审核分离: one step per person
    staff("recorder", "township_clerk", "370811001")
    staff("approver", "township_approver", "370811001")
    staff("county", "county_officer", "370811")
    staff("county2", "county_officer", "370811")
    hh, _ = family(
        "E2E0002",
        [
            ("颜守仁", "head", dt.date(1966, 5, 6), "M", "31"),
            ("孟淑芬", "spouse", dt.date(1969, 7, 8), "F", "32"),
        ],
    )
    head = hh.memberships.get(relation="head").person

    base = live_server.url
    page = browser_page
    today = timezone.localdate()
    login(page, base, "clerk")
    page.goto(f"{base}/households/{hh.pk}/")
    page.click("#apply")
    page.select_option("#programme", "dibao")
    page.fill(f"input[name=monthly_wage_{head.pk}]", "1000")
    page.check(f"input[name=employed_{head.pk}]")
    page.click("#create-application")
    page.wait_for_selector("#do-authorise")
    # (719 × 2) − 1000 × 0.8 = 638 by the trial calculation shown on the case
    assert page.inner_text("#trial-amount") == "638"
    page.click("#do-authorise")
    page.click("#do-submit")
    app_url = page.url
    login(page, base, "verifier")
    page.goto(app_url)
    page.click("#do-verify")
    page.fill("input[name=visitors]", "张明、李华")
    page.fill("textarea[name=findings]", "住房为自有平房，家中无贵重物品，与申报一致")
    page.click("#do-visit")
    assert page.locator("#do-to-review").count() == 0  # no 民主评议 before the 核对 report
    page.click("#do-check")
    page.goto(app_url)
    assert page.locator("#verification-verdict").count() == 1
    page.click("#do-to-review")
    login(page, base, "recorder")  # the village review: neither the intake clerk nor the verifier
    page.goto(app_url)
    page.fill("input[name=held_on]", today.isoformat())
    page.fill("input[name=participants]", "9")
    page.fill("input[name=agreed]", "9")
    page.click("#do-village-review")
    assert "公示中" in page.inner_text("#state")
    _age_notice(app_url)

    login(page, base, "approver")
    page.goto(app_url)
    page.click("#do-decide")
    page.wait_for_selector("#decision")
    assert "保障中" in page.inner_text("#state")
    assert "638" in page.inner_text("#enrolment")

    login(page, base, "county")
    page.goto(f"{base}/payroll/")
    first = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    page.fill("input[name=month]", f"{first:%Y-%m}")
    page.click("#do-generate")
    page.wait_for_selector("#lines")
    assert page.inner_text("#run-total") == "638"
    run_url = page.url
    login(page, base, "county2")  # make-and-check: another officer freezes
    page.goto(run_url)
    page.click("#do-freeze")
    page.wait_for_selector("#run-status:has-text('已审核冻结')")
    assert "已审核冻结" in page.inner_text("#run-status")
    page.screenshot(path="test-results/payroll.png", full_page=True)
