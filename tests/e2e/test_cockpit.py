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
    assert page.inner_text("#kpis li:first-child strong") == "1"
    page.locator("#kpis li:first-child a").click()  # the figure opens the list behind it
    assert page.inner_text("#list-total") == "合计 1人"
    assert "钱玉芬" in page.inner_text("#figure-list")
    assert not [e for e in errors if "Content Security Policy" in e], errors

    login(page, base, "xianji2")
    response = page.goto(f"{base}/cockpit/?region=370811")
    assert response is not None and response.status == 404
