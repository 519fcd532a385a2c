"""Browser walk of 社会工作 at desktop size: the social-work officer reads station coverage and certified
social workers against the plan targets, which come from the policy table (a changed row changes the
page), and the station form's service checkboxes sit on one line with their labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e


def test_the_officer_reads_stations_and_social_workers_against_the_policy_targets(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.policy.models import PolicyParameter
    from minzheng.volunteers import socialwork as sw

    officer = staff("shezu", "org_officer", "370811")
    sw.station_create(
        actor=officer,
        region_code="370811002",
        name="西凫街道社会工作站",
        opened_on=dt.date(2023, 3, 1),
        services=["elderly", "children"],
    )
    PolicyParameter.objects.filter(key="socialwork.target.station_coverage").update(value=Decimal("0.95"))
    PolicyParameter.objects.filter(key="socialwork.target.workers").update(value=Decimal(12000))
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "shezu")
    page.goto(f"{base}/socialwork/")
    assert "覆盖率（目标95%）" in page.inner_text("#coverage")
    assert "十四五" in page.inner_text("#coverage-source")
    box = page.locator("label.check", has_text="养老服务")
    tick, label = box.locator("input").bounding_box(), box.bounding_box()
    assert tick and label and abs((tick["y"] + tick["height"] / 2) - (label["y"] + label["height"] / 2)) < 6
    page.goto(f"{base}/socialwork/workers/")
    assert "全市目标 12000" in page.inner_text("#worker-target")
    assert "十四五" in page.inner_text("#worker-source")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
