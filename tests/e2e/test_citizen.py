"""Browser run of 指尖办 at 390 px: a resident signs in with the ID number and the SMS code, applies for
dibao with the electronic authorisation, the township accepts it, and the resident sees the case."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def test_a_resident_on_a_phone_signs_in_applies_and_sees_the_case(
    clerk: Any, live_server: Any, browser_page: Any
):
    from minzheng.accounts.system import system_actor
    from minzheng.citizen import services
    from minzheng.citizen.models import OnlineApplication, SmsMessage
    from minzheng.core.idnumber import make_id_number
    from minzheng.people.services import household_create, person_create

    actor = system_actor(purpose="测试数据")
    id_number = make_id_number("370811", dt.date(1976, 2, 3), 77, "F")
    head = person_create(
        actor=actor,
        id_number=id_number,
        name="周玉梅",
        hukou_type="urban",
        hukou_region_code="370811001001",
        phone="13911112222",
    )
    household_create(
        actor=actor,
        number="ZJB0001",
        region_code="370811001001",
        hukou_type="urban",
        head=head,
        start_date=dt.date(2010, 1, 1),
    )
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/citizen/")
    page.fill("input[name=id_number]", id_number)
    page.click("button[value=send]")
    page.wait_for_selector(".messages")
    code = re.search(r"验证码为(\d{6})", SmsMessage.objects.get().text).group(1)  # type: ignore[union-attr]
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=code]", code)
    page.click("button[value=verify]")
    page.wait_for_url(f"{base}/citizen/me/")
    page.click("text=申请最低生活保障")
    page.check("input[name=authorised]")
    page.fill("input[name=signed_name]", "周玉梅")
    page.click("text=提交申请")
    page.wait_for_url(f"{base}/citizen/me/")
    assert "待受理" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    services.online_application_accept(actor=clerk, online=OnlineApplication.objects.get())
    page.reload()
    page.click(".case-row a")
    page.wait_for_selector("ol.steps")
    assert "已受理" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
