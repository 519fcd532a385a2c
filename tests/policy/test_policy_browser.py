"""Browser run of make-and-check on /policy/: one city officer picks a township through the region
cascade and proposes a standard; a second city officer approves it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import browser_page, city, login, staff  # noqa: F401  (fixtures)

from .conftest import days_ahead

pytestmark = pytest.mark.e2e


def test_a_change_is_proposed_by_one_city_officer_and_approved_by_another_in_the_browser(
    city: None,  # noqa: F811
    live_server: Any,
    browser_page: Any,  # noqa: F811
) -> None:
    from minzheng.policy.models import PolicyParameter

    staff("maker", "city_officer", "370800")
    staff("checker", "city_officer", "370800")
    page = browser_page
    login(page, live_server.url, "maker")
    page.goto(f"{live_server.url}/policy/")
    form = page.locator("form.card")
    form.locator("select[name=key]").select_option("dibao.standard")
    form.locator("select[name=hukou_type]").select_option("rural")
    form.locator("select[name=region_prefix]").first.select_option("370811")
    page.wait_for_selector("#policy-township option[value='370811001']", state="attached")
    page.select_option("#policy-township", "370811001")
    form.locator("input[name=value]").fill("600")
    form.locator("input[name=effective_from]").fill(days_ahead(30).isoformat())
    form.locator("input[name=source]").fill("《任城区人民政府关于提高农村低保标准的通知》")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=已提出调整")
    pending = page.inner_text("#proposals")
    assert "济宁市任城区王邹街道" in pending and "600 元/人·月" in pending and "待复核" in pending
    assert page.locator("#proposals button", has_text="批准生效").count() == 0

    login(page, live_server.url, "checker")
    page.goto(f"{live_server.url}/policy/")
    page.locator("#proposals button", has_text="批准生效").click()
    page.wait_for_selector("text=已批准")
    assert "待生效" in page.inner_text("#proposals")
    row = PolicyParameter.objects.get(region_prefix="370811001")
    assert (row.status, row.created_by.username, row.decided_by.username) == ("approved", "maker", "checker")
