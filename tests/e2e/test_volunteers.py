"""Browser run of 志愿服务: on a 390 px phone the volunteer signs up for an activity, checks in and out;
the organiser confirms the hours at the desk; back on the phone the volunteer spends them at the 益币
store and the balance falls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e


def test_a_volunteer_earns_hours_at_an_activity_and_spends_them_at_the_store(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.core.idnumber import make_id_number
    from minzheng.volunteers import services
    from minzheng.volunteers.models import Signup, TimeAccount

    organiser = staff("shezu", "org_officer", "370811")
    phone = staff("zhiyuan", "volunteer", "370811001001")
    v = services.volunteer_register(
        actor=organiser,
        id_number=make_id_number("370811", dt.date(1992, 2, 2), 321, "F"),
        name="李春梅",
        region_code="370811001001",
        skills=["elderly"],
    )
    services.volunteer_bind_user(actor=organiser, volunteer=v, user=phone)
    start = timezone.now() - dt.timedelta(hours=2, minutes=50)  # ten minutes left
    a = services.activity_create(
        actor=organiser,
        title="敬老院陪伴读报",
        region_code="370811001",
        place="任城区社会福利中心",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=5,
    )
    services.store_item_create(
        actor=organiser, name="大米5斤", region_code="370811", price=Decimal(2), stock=3
    )
    page = browser_page
    base = live_server.url

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "zhiyuan")
    assert "敬老院陪伴读报" in page.inner_text("main")  # the 首页 card of activities to join
    page.goto(f"{base}/volunteers/me/")
    page.locator("#open-activities li", has_text="敬老院陪伴读报").get_by_role("button", name="报名").click()
    page.wait_for_url(f"{base}/volunteers/me/")
    card = page.locator("#my-upcoming li", has_text="敬老院陪伴读报")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    card.get_by_role("button", name="签到").click()
    page.wait_for_url(f"{base}/volunteers/me/")
    # time passes: she had checked in at the start (hours count only between check-in and check-out)
    Signup.objects.filter(activity=a).update(checked_in_at=start)
    page.locator("#my-upcoming li", has_text="敬老院陪伴读报").get_by_role("button", name="签退").click()
    page.wait_for_url(f"{base}/volunteers/me/")
    assert "签退成功" in page.inner_text("main")
    assert Signup.objects.get(activity=a).status == "checked_out"
    assert page.inner_text("#balance") == "0.0"

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "shezu")
    assert "志愿活动待确认时长" in page.inner_text("main")
    page.goto(f"{base}/volunteers/activities/{a.pk}/")
    row = page.locator("#signups tr", has_text="李春梅")
    row.locator("input[name=hours]").fill("2.5")
    row.get_by_role("button", name="确认时长").click()
    page.wait_for_url(f"{base}/volunteers/activities/{a.pk}/")
    assert "时长已确认" in page.inner_text("main")
    assert TimeAccount.objects.get(volunteer=v).balance == Decimal("2.5")

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "zhiyuan")
    page.goto(f"{base}/volunteers/store/")
    assert page.inner_text("#balance") == "2.5"
    page.locator("#store li", has_text="大米5斤").get_by_role("button", name="兑换").click()
    page.wait_for_url(f"{base}/volunteers/store/")
    assert "已兑换" in page.inner_text("main") and page.inner_text("#balance") == "0.5"
    assert page.locator("#store li", has_text="大米5斤").get_by_role("button", name="兑换").is_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/volunteers/me/certificate/")
    assert "累计志愿服务时长 2.5 小时" in page.inner_text("body")
