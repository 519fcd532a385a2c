"""Browser run of the 民政驾驶舱: the city officer opens the city's cockpit (charts drawn, map of the
counties), clicks 任城区, then a street, then the list behind the street's beneficiaries, and finds the
household head there; the county officer of 兖州区 cannot open 任城区."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_the_city_drills_down_to_a_county_a_township_and_the_people_behind_a_figure(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.benefits.services import enrolment_create

    staff("shiji", "city_officer", "370800")
    staff("xianji2", "county_officer", "370812")
    hh, _ = family("E2EC001", [("钱玉芬", "head", dt.date(1960, 3, 3), "F", "71")])
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=hh.memberships.get(relation="head").person,
        household=hh,
        amount=600,
        first_month=dt.date(2024, 1, 1),
    )
    enrolment_create(  # the same household also draws the high-age subsidy: still one household
        actor=system_actor(purpose="测试数据"),
        programme="high_age",
        person=hh.memberships.get(relation="head").person,
        household=hh,
        amount=100,
        first_month=dt.date(2024, 1, 1),
    )
    page = browser_page
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    login(page, base, "shiji")
    page.goto(f"{base}/cockpit/")
    assert "济宁市" in page.inner_text("h1")
    page.wait_for_selector("#cockpit-map canvas")  # the county map drew from the vendored GeoJSON
    page.wait_for_selector("[data-chart=beneficiaries] canvas")
    page.locator("#breakdown-table tr[data-region='370811'] a").click()
    assert "任城区" in page.inner_text("h1")
    page.locator("#breakdown-table tr[data-region='370811001'] a").click()
    assert "王邹街道" in page.inner_text("h1")
    assert page.inner_text("#kpis li:first-child strong") == "2"  # persons, per programme (dibao, subsidy)
    assert page.inner_text("#kpis a[data-kpi=households]") == "1"  # dibao + subsidy: one household
    # no verification this month: its chart says so instead of a blank box
    page.wait_for_selector("[data-chart=verifications][data-empty-shown]", state="attached")
    assert page.locator("[data-chart=verifications][data-empty-shown] canvas").count() == 1
    page.locator("#kpis a[data-kpi=households]").click()  # the figure opens the list behind it
    assert page.inner_text("#list-count") == "共 1 条"
    assert "钱玉芬" in page.inner_text("#figure-list")
    assert "王邹街道" in page.inner_text("#figure-list")  # 所在地: township and village
    assert not [e for e in errors if "Content Security Policy" in e], errors

    page.goto(f"{base}/cockpit/?month=2026-13")  # a bad month is told on the page, not redirected
    assert "例如 2026-11" in page.inner_text("#month-error")
    assert "/cockpit/?month=2026-13" in page.url

    login(page, base, "xianji2")
    response = page.goto(f"{base}/cockpit/?region=370811")
    assert response is not None and response.status == 404


def test_a_county_officer_generates_files_and_exports_a_quarterly_report(
    city: None, live_server: Any, browser_page: Any
) -> None:
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from minzheng.accounts.system import system_actor
    from minzheng.benefits.services import enrolment_create

    staff("xianji", "county_officer", "370811")
    hh, _ = family("E2EC002", [("孙秀兰", "head", dt.date(1958, 5, 5), "F", "72")])
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=hh.memberships.get(relation="head").person,
        household=hh,
        amount=600,
        first_month=dt.date(2020, 1, 1),
    )
    today = timezone.localdate()
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter = (quarter_start - dt.timedelta(days=1)).replace(day=1)
    page = browser_page
    base = live_server.url
    login(page, base, "xianji")
    page.goto(f"{base}/cockpit/reports/")
    page.select_option("#generate select[name=kind]", "quarterly")
    page.fill("#generate input[name=period]", f"{last_quarter:%Y-%m}")
    page.click("#generate button[type=submit]")
    assert "民政统计季报" in page.inner_text("h1")
    assert "任城区民政局" in page.inner_text("#report-header")
    assert "最低生活保障" in page.inner_text("main")
    page.fill("#file-form input[name=unit_head]", "赵局长")
    page.click("#file-form button[type=submit]")
    assert "已锁定" in page.inner_text("#report-status")
    with page.expect_download() as download:
        page.click("#report-export")
    content = open(download.value.path(), "rb").read()  # noqa: SIM115 - read once
    text = "\n".join(
        str(v)
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
        for v in row
        if v
    )
    assert "填报单位：任城区民政局" in text and "单位负责人：赵局长" in text and "最低生活保障" in text
