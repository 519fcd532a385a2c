"""Browser run of issue 14 item "services stop on death": a tekun elder whose 12349 order is in service
(the carer checked in) dies; the township clerk's 身后一件事 stops the benefits and, in the same step, the
services; the case page lists the order as stopped, and on huli's 390 px list the order reads 已终止."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff
from tests.elderly.conftest import record_level_e2e

pytestmark = pytest.mark.e2e

HOME = (Decimal("35.414000"), Decimal("116.587000"))


def test_a_tekun_elder_with_an_order_in_service_dies_and_the_carer_sees_it_terminated(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.accounts.system import system_actor
    from minzheng.benefits.services import enrolment_create
    from minzheng.funeral.services import facility_create
    from minzheng.homecare import services
    from minzheng.people.models import Household

    services.catalogue_load(actor=system_actor(purpose="测试数据"))
    clerk = staff("xzclerk", "township_clerk", "370811001")
    officer = staff("yanglao", "elderly_officer", "370811")
    shehui = staff("shehui", "social_affairs_officer", "370811")
    carer_user = staff("huli", "carer", "370811001")
    hh, _ = family("E2ED001", [("孔繁荣", "head", dt.date(1938, 4, 2), "M", "41")])
    Household.objects.filter(pk=hh.pk).update(latitude=HOME[0], longitude=HOME[1])
    elder = hh.memberships.get().person
    record_level_e2e(elder, 4)  # free hours follow a recorded assessment, never a typed-in level
    enrolment_create(
        actor=None,
        programme="tekun",
        person=elder,
        household=None,
        amount=900,
        first_month=dt.date(2026, 7, 1),
    )
    provider = services.provider_create(
        actor=officer,
        name="康乐居家养老服务公司",
        region_code="370811001",
        latitude="35.41",
        longitude="116.58",
    )
    carer = services.carer_create(
        actor=officer,
        provider=provider,
        user=carer_user,
        name="王秀兰",
        certificate="养老护理员（四级）",
        certificate_no="HL1",
        latitude="35.4200",
        longitude="116.5870",
    )
    order = services.order_take(
        actor=clerk,
        person=elder,
        item_code="JJ14",
        quantity=Decimal("2"),
        scheduled_at=timezone.now() + dt.timedelta(hours=1),
    )
    order = services.order_dispatch(actor=clerk, order=order, carer=carer)
    order = services.order_check_in(actor=carer_user, order=order, latitude="35.4141", longitude="116.5871")
    facility_create(
        actor=shehui, name="任城区殡仪馆", kind="funeral_home", level="county", region_code="370811"
    )
    today = timezone.localdate()

    base, page = live_server.url, browser_page
    login(page, base, "xzclerk")
    page.goto(f"{base}/funeral/new/?q=孔繁荣")
    page.click("#funeral-found a")
    page.fill("input[name=death_date]", today.isoformat())
    page.fill("input[name=death_place]", "家中")
    page.fill("input[name=certificate_number]", "J3708112026009")
    page.fill("input[name=family_name]", "孔令民")
    page.fill("input[name=family_relation]", "儿子")
    page.click("#funeral-open button")
    page.wait_for_selector("#funeral-state")
    page.select_option("#funeral-cremation select[name=funeral_home]", label="任城区殡仪馆")
    page.fill("#funeral-cremation input[name=cremated_on]", today.isoformat())
    page.click("#funeral-cremation button")
    page.click("#funeral-hukou button")
    page.fill("#funeral-subsidy input[name=urn_price]", "800")
    page.click("#funeral-subsidy button")
    page.click("#funeral-stop button")
    assert "特困人员救助供养" in page.inner_text("#funeral-stops")
    stopped = page.inner_text("#funeral-services")
    assert order.number in stopped and "服务对象死亡" in stopped and "老年人档案" in stopped

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "huli")
    page.goto(f"{base}/homecare/my/")
    mine = page.inner_text("#homecare-my")
    assert "孔繁荣" in mine and "已终止" in mine and "服务中" not in mine
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
