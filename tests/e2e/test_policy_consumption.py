"""Browser run of the standard linked to consumption: one city officer enters last year's consumption and
the ratio, tries the figures, proposes the new standard from next month; a second city officer approves
the whole proposal in one action on the same page; the new standard is then in force from that month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e


def test_a_city_officer_adopts_the_linked_standard_and_another_approves_it(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.policy.selectors import policy_resolve

    staff("shiji_a", "city_officer", "370800")
    staff("shiji_b", "city_officer", "370800")
    start = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    base, page = live_server.url, browser_page
    login(page, base, "shiji_a")
    page.goto(f"{base}/policy/consumption/")
    page.fill("#consumption-form input[name=consumption_urban]", "30000")
    page.fill("#consumption-form input[name=consumption_rural]", "18000")
    page.fill("#consumption-form input[name=ratio]", "0.36")
    page.click("#consumption-form button[value=trial]")
    page.wait_for_selector("text=尚未保存")
    assert "900" in page.inner_text("#consumption") and "540" in page.inner_text("#consumption")
    page.fill("#consumption-form input[name=ratio]", "1.5")
    page.fill("#consumption-form input[name=effective_month]", f"{start:%Y-%m}")
    page.fill("#consumption-form input[name=source]", "济政字〔2026〕31号")
    page.click("#consumption-form button:not([value=trial])")
    page.wait_for_selector("text=挂钩比例")
    assert "应在0至1" in page.content()  # refused, the entry kept for correction
    page.fill("#consumption-form input[name=ratio]", "0.36")
    page.click("#consumption-form button:not([value=trial])")
    page.wait_for_selector("#consumption-pending")
    assert "批准生效" not in page.inner_text("#consumption-pending")  # not by the proposer

    page.context.clear_cookies()
    login(page, base, "shiji_b")
    page.goto(f"{base}/policy/consumption/")
    # one action approves the whole proposal (both hukou types and the ratio)
    assert page.locator("#consumption-pending form[action$='/approve/']").count() == 1
    page.click("#consumption-pending form[action$='/approve/'] button")
    page.wait_for_selector("#consumption")
    assert page.locator("#consumption-pending form[action$='/approve/']").count() == 0
    before = policy_resolve(on=start - dt.timedelta(days=1), region_code="370811001001", hukou_type="urban")
    after = policy_resolve(on=start, region_code="370811001001", hukou_type="urban")
    assert before.get("dibao.standard") != Decimal(900)
    assert after.get("dibao.standard") == Decimal(900)


def test_a_city_officer_records_last_years_published_consumption_and_another_approves_it(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.policy.models import PolicyParameter
    from minzheng.policy.selectors import CONSUMPTION_KEY, policy_resolve

    year = timezone.localdate().year - 1
    # as if the statistics office had not yet published last year's figures
    PolicyParameter.objects.filter(key=CONSUMPTION_KEY, effective_from=dt.date(year, 1, 1)).delete()
    staff("shiji_c", "city_officer", "370800")
    staff("shiji_d", "city_officer", "370800")
    base, page = live_server.url, browser_page
    login(page, base, "shiji_c")
    page.goto(f"{base}/policy/consumption/")
    assert page.input_value("#consumption-record input[name=year]") == str(year)
    page.fill("#consumption-record input[name=urban]", "31200")
    page.fill("#consumption-record input[name=rural]", "17400")
    page.fill("#consumption-record input[name=record_source]", f"{year}年济宁市国民经济和社会发展统计公报")
    page.click("#consumption-record button")
    page.wait_for_selector("#consumption-pending")
    assert "统计公报" in page.inner_text("#consumption-pending")

    page.context.clear_cookies()
    login(page, base, "shiji_d")
    page.goto(f"{base}/policy/consumption/")
    page.click("#consumption-pending form[action$='/approve/'] button")
    page.wait_for_selector("#consumption")
    mid = policy_resolve(on=dt.date(year, 7, 1), region_code="370811", hukou_type="rural")
    assert mid.get(CONSUMPTION_KEY) == Decimal(17400)
    assert "31200" in page.inner_text("#consumption").replace(",", "")
