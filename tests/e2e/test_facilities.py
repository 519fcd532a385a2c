"""Browser run of the facilities line: the county elderly officer registers a home and admits an elder
(graded care from the recorded capability assessment), a carer on a phone records care, and a 双随机
draw gets a finding and its rectification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff
from tests.elderly.conftest import record_level_e2e

pytestmark = pytest.mark.e2e


def test_a_home_is_registered_an_elder_admitted_cared_for_and_inspected(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.facilities.models import Facility, Inspector, Residency

    staff("yanglao", "elderly_officer", "370811")
    staff("huli", "carer", "370811001")
    hh, rows = family("E2EF001", [("周桂兰", "head", dt.date(1938, 3, 3), "F", "61")])
    for name in ("张明", "刘芳", "陈刚"):
        Inspector.objects.create(name=name, unit="任城区民政局", region_code="370811")
    page = browser_page
    base = live_server.url
    login(page, base, "yanglao")
    page.goto(f"{base}/facilities/new/")
    page.fill("input[name=name]", "任城区中心敬老院")
    page.select_option("select[name=kind]", "tekun_home")
    page.fill("input[name=operator]", "任城区民政局")
    page.select_option("#place-township", "370811001")
    page.fill("input[name=address]", "幸福路1号")
    page.fill("input[name=beds_total]", "60")
    page.fill("input[name=beds_nursing]", "45")
    page.click("#facility-form button[type=submit]")
    page.wait_for_selector("text=已登记任城区中心敬老院")
    home = Facility.objects.get()
    # admission: graded care follows the elder's recorded assessment (the form types no level)
    elder = hh.memberships.get(relation="head").person
    record_level_e2e(elder, 3)
    page.fill("#admit-form input[name=id_number]", rows[0]["id_number"])
    page.fill("#admit-form input[name=monthly_fee]", "2000")
    page.click("#admit-form button[type=submit]")
    page.wait_for_selector("text=已办理入住")
    assert "周桂兰" in page.inner_text("#residents")
    assert rows[0]["id_number"] not in page.content()
    assert "2000" in page.inner_text("#fees")  # a tekun elder: the government pays all
    r = Residency.objects.get(facility=home)

    # the carer on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "huli")
    page.goto(f"{base}/facilities/resident/{r.pk}/")
    page.fill("#record-form textarea[name=content]", "夜间查房，睡眠平稳")
    page.select_option("#record-form select[name=kind]", "rounds")
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#records >> text=夜间查房，睡眠平稳")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    # 双随机: a draw, a finding with its deadline, the rectification
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "yanglao")
    page.goto(f"{base}/facilities/supervision/")
    page.fill("#draw-form input[name=count]", "1")
    page.click("#draw-form button[type=submit]")
    page.wait_for_selector("text=已完成双随机抽取")
    assert "任城区中心敬老院" in page.inner_text("#inspections")
    page.click("#inspections a")
    page.select_option("#inspection-form select[name=fire_safe]", "0")
    page.fill("#inspection-form textarea[name=finding]", "灭火器压力不足")
    page.fill(
        "#inspection-form input[name=rectify_by]", (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    )
    page.click("#inspection-form button[type=submit]")
    page.wait_for_selector("text=已登记检查结果")
    assert "灭火器压力不足" in page.inner_text("#finding")
    page.click("#rectified-form button[type=submit]")
    page.wait_for_selector("text=已登记整改完成")
    assert page.inner_text("#rectified") != "—"
