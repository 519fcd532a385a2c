"""Browser run of 跟踪转介 and 临时救助 without a hukou limit: a township clerk opens a temporary case for
a traveller whose household is registered in another county (the emergency happened here), refers it to
the county, and the county officer finds it on the 首页 and takes it to closure with the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e


def test_a_travellers_temporary_case_is_referred_and_closed_by_the_county(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.assistance import services
    from minzheng.assistance.models import Application, Referral
    from minzheng.core.idnumber import make_id_number
    from minzheng.people.services import household_register

    staff("county", "county_officer", "370811")
    traveller_id = make_id_number("370812", dt.date(1975, 3, 3), 71, "M")
    household_register(
        actor=system_actor(purpose="测试数据"),
        number="E2EYZ01",
        region_code="370812001001",  # 兖州区: outside the clerk's township and county
        hukou_type="rural",
        members=[{"name": "赵过客", "relation": "head", "id_number": traveller_id}],
        start_date=dt.date(2020, 1, 1),
    )
    page, base = browser_page, live_server.url

    login(page, base, "clerk")
    page.goto(f"{base}/assistance/")
    page.click("#temporary-elsewhere-link")
    form = page.locator("#temporary-elsewhere-form")
    form.locator("input[name=id_number]").fill(traveller_id)
    form.locator("input[name=name]").fill("赵过客")
    form.locator("select[name=emergency_kind]").select_option("urgent")
    form.locator("input[name=amount_requested]").fill("1200")
    form.locator("textarea[name=emergency_description]").fill("途经本地突发疾病住院")
    form.locator("#create-temporary-elsewhere").click()
    page.wait_for_url(f"{base}/assistance/*/")
    app = Application.objects.get()
    assert app.region_code.startswith("370811001") and app.applicant.name == "赵过客"

    # the referral itself (the case page offers it once the case is accepted; here through the service)
    ref = services.referral_create(actor=clerk, application=app, target="县慈善总会“济时救”项目")

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "county")
    assert "待办理的跟踪转介" in page.inner_text("body")
    page.goto(f"{base}/assistance/referrals/")
    page.locator("#referrals").get_by_role("link", name="赵过客").click()
    page.get_by_role("button", name="接收", exact=True).click()
    page.wait_for_url(f"{base}/assistance/referrals/{ref.pk}/")
    page.locator("form", has=page.locator("button[value=close]")).locator("textarea").fill(
        "已发放慈善救助金2000元"
    )
    page.locator("button[value=close]").click()
    page.wait_for_url(f"{base}/assistance/referrals/{ref.pk}/")
    assert "已办结" in page.inner_text("#referral-status")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Referral.objects.get().result == "已发放慈善救助金2000元"
