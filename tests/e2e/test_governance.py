"""Browser run of the grid (issue 18 part 1): the grid worker on a 390 px phone sees only the households
placed in their grid, reports an incident about one of them, the township clerk accepts, handles and
closes it within its time limit, and the grid worker reads it closed with the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e

GRID = "370811001001001"
OTHER_GRID = "370811001001002"


def test_the_grid_worker_reports_an_incident_the_township_closes_on_time_and_the_worker_sees_it_closed(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.governance.models import Incident
    from minzheng.governance.services import household_place

    clerk = staff("clerk", "township_clerk", "370811001")
    staff("wangge", "grid_worker", GRID)
    mine, _ = family("E2EG001", [("赵网格", "head", dt.date(1970, 3, 1), "M", "61")])
    other, _ = family("E2EG002", [("钱别格", "head", dt.date(1972, 5, 1), "M", "62")])
    household_place(actor=clerk, household=mine, grid_code=GRID, building="3号楼", unit="2", room="502")
    household_place(actor=clerk, household=other, grid_code=OTHER_GRID, building="8号楼")

    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "wangge")
    page.goto(f"{base}/governance/grid/")
    listing = page.inner_text("#gov-households")
    assert "赵网格" in listing and "钱别格" not in listing
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#gov-households a")
    page.wait_for_selector("#gov-address")
    assert "3号楼" in page.inner_text("#gov-address") and "2单元502" in page.inner_text("#gov-address")
    page.click("text=为该户上报网格事件")
    page.wait_for_selector("#gov-incident-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option("select[name=category]", "dispute")
    page.fill("textarea[name=description]", "3号楼楼道堆物引发邻里纠纷")
    page.click("#gov-incident-form button")
    page.wait_for_selector("#gov-state >> text=已上报")
    incident = Incident.objects.get()
    assert incident.household_id == mine.pk

    login(page, base, "clerk")
    page.goto(f"{base}/governance/incidents/{incident.pk}/")
    page.click("#gov-accept button")
    page.wait_for_selector("#gov-state >> text=已受理")
    page.fill("#gov-handle textarea[name=result]", "人民调解员上门调解，双方签订调解协议")
    page.click("#gov-handle button")
    page.wait_for_selector("#gov-state >> text=已办理")
    page.click("#gov-close button")
    page.wait_for_selector("#gov-state >> text=已办结")
    assert "按时办结" in page.inner_text("#gov-closed")

    login(page, base, "wangge")
    page.goto(f"{base}/governance/incidents/")
    page.click(f"#gov-incidents a[href$='/{incident.pk}/']")
    page.wait_for_selector("#gov-state >> text=已办结")
    assert "双方签订调解协议" in page.inner_text("#gov-result")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
