"""Browser run of the village assistant's alert worklist on a 390 px phone (#20 walk, round 13): the
alerts are cards (no table scrolling sideways), each names the person, the masked ID, the rule, the
township and village, and its action buttons are at least 44 px tall; 签收 from a card works."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_a_village_assistant_reads_and_handles_alerts_as_cards_on_a_390px_phone(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.monitoring.models import Alert, RunStatus, ScreeningRun, WorkStatus
    from minzheng.regions.models import Region

    staff("cunxie", "village_assistant", "370811001001")
    hh, _ = family("E2EM001", [("周桂英", "head", dt.date(1955, 4, 4), "F", "73")])
    run = ScreeningRun.objects.create(month="2026-10", status=RunStatus.PUBLISHED)
    alert = Alert.objects.create(
        run=run,
        month=run.month,
        rule="income_over",
        rule_name="收入超标",
        severity="high",
        id_hash="0" * 64,
        id_masked="3708**********0073",
        household_no=hh.number,
        person=hh.memberships.get(relation="head").person,
        household=hh,
        region_code=hh.region_code,
        evidence={},
        trend="new",
    )
    town, village = (Region.objects.get(code=c).name for c in ("370811001", "370811001001"))
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    login(page, base, "cunxie")
    page.goto(f"{base}/")  # the home page's card links are thumb targets too
    links = page.locator(".todo h2 a")
    assert links.count() >= 1
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44
    page.goto(f"{base}/monitoring/")
    card = page.locator(f"li.alert-card[data-alert='{alert.pk}']")
    assert card.is_visible() and not page.locator("#alerts").is_visible()
    text = card.inner_text()
    for part in ("周桂英", "3708**********0073", "收入超标", f"{town} {village}", "待处理"):
        assert part in text, part
    buttons = card.locator("button[name=action]")
    assert buttons.count() == 4
    for i in range(4):
        box = buttons.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    card.locator("button[value=acknowledge]").click()
    page.wait_for_load_state()
    alert.refresh_from_db()
    assert alert.work_status == WorkStatus.ACKNOWLEDGED

    page.set_viewport_size({"width": 1280, "height": 900})  # the desk keeps the table
    page.goto(f"{base}/monitoring/?status=acknowledged")
    assert page.locator("#alerts").is_visible() and not page.locator("#alert-cards").is_visible()
