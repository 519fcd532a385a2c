"""Browser run of a 12349 order: the hotline takes it and dispatches it, the carer checks in (position
from the browser) and out (position denied: the Chinese fallback) on a 390 px phone, enters the elder's
confirmation code, and the month is settled by the elderly officer and checked by finance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff
from tests.elderly.conftest import record_level_e2e

pytestmark = pytest.mark.e2e

HOME = (Decimal("35.414000"), Decimal("116.587000"))


def test_a_12349_order_is_taken_dispatched_served_on_a_phone_confirmed_and_settled(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.accounts.system import system_actor
    from minzheng.homecare import services
    from minzheng.homecare.models import Order
    from minzheng.people.models import Household

    services.catalogue_load(actor=system_actor(purpose="测试数据"))  # the transactional flush emptied it
    officer = staff("yanglao", "elderly_officer", "370811")
    staff("caiwu", "county_finance", "370811")
    carer_user = staff("huli", "carer", "370811001")
    hh, _ = family("E2E1234", [("孔繁英", "head", dt.date(1940, 3, 4), "F", "41")])
    Household.objects.filter(pk=hh.pk).update(latitude=HOME[0], longitude=HOME[1])
    elder = hh.memberships.get(relation="head").person
    record_level_e2e(elder, 4)  # free hours follow a recorded assessment, never a typed-in level
    provider = services.provider_create(
        actor=officer,
        name="康乐居家养老服务公司",
        region_code="370811001",
        latitude="35.41",
        longitude="116.58",
    )
    services.carer_create(
        actor=officer,
        provider=provider,
        user=carer_user,
        name="王秀兰",
        certificate="养老护理员（四级）",
        certificate_no="HL1",
        latitude="35.4200",
        longitude="116.5870",
    )
    base, page = live_server.url, browser_page

    # The hotline: find the elder by name, take the order, dispatch to the carer proposed.
    login(page, base, "clerk")
    page.goto(f"{base}/homecare/orders/new/?q=孔繁英")
    page.click("#homecare-found a")
    page.select_option("select[name=item]", "JJ14")
    page.fill("input[name=quantity]", "2")
    page.click("button:has-text('受理')")
    assert "已受理" in page.inner_text("#order-state")
    assert "王秀兰" in page.inner_text("#homecare-candidates")
    page.click("button:has-text('派单')")
    assert "已派单" in page.inner_text("#order-state")
    order = Order.objects.get()

    # The carer on a 390 px phone: check in with a position, check out with the position denied.
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 35.4141, "longitude": 116.5871})
    login(page, base, "huli")
    page.goto(f"{base}/homecare/my/")
    page.click(f"a[href='/homecare/my/{order.pk}/']")
    page.wait_for_selector(".geo-status:has-text('已定位')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("button:has-text('签到')")
    assert "服务中" in page.inner_text("#order-state")
    page.context.clear_permissions()
    page.reload()
    page.wait_for_selector(".geo-status:has-text('未能获取定位')")
    page.fill("input[name=note]", "手机定位被拒绝")
    page.click("button:has-text('签退')")
    assert "待确认" in page.inner_text("#order-state")
    page.fill("input[name=code]", Order.objects.get().confirm_code)
    page.click("button:has-text('确认完成')")
    order = Order.objects.get()
    assert order.state == "confirmed" and order.check_in_lat is not None and order.check_out_lat is None

    # Settlement runs on a month that has ended: the order is moved into last month (test only).
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    Order.objects.filter(pk=order.pk).update(
        check_out_at=timezone.make_aware(dt.datetime.combine(last, dt.time(10)))
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "yanglao")
    page.goto(f"{base}/homecare/settlements/")
    page.fill("input[name=month]", f"{last:%Y-%m}")
    page.click("button:has-text('生成结算单')")
    assert "待复核" in page.inner_text("#settlement-state")
    assert page.locator("button:has-text('复核通过')").count() == 0
    login(page, base, "caiwu")
    page.goto(f"{base}/homecare/settlements/")
    page.click("#homecare-settlements a")
    page.click("button:has-text('复核通过')")
    assert "已复核" in page.inner_text("#settlement-state")
