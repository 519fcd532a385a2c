"""Browser run of 探访关爱: the village assistant (cunxieli) records a visit on a 390 px phone viewport and
the township clerk's month visit rate moves from 0 to 50 %."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_a_visit_entered_on_a_phone_updates_the_townships_visit_rate(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from minzheng.visits.models import Visit
    from minzheng.visits.services import living_situation_set, visitor_assign

    cadre = staff("cunxieli", "village_assistant", "370811001001")
    hh, _ = family(
        "E2EV001",
        [
            ("孙秀英", "head", dt.date(1944, 4, 4), "F", "61"),
            ("孙德厚", "spouse", dt.date(1942, 2, 2), "M", "62"),
        ],
    )
    for m in hh.memberships.all():
        living_situation_set(actor=clerk, person=m.person, situation="empty_nest", on=dt.date(2025, 1, 1))
        visitor_assign(actor=clerk, elder=m.person, kind="village_cadre", visitor=cadre)
    page = browser_page
    base = live_server.url

    login(page, base, "clerk")
    page.goto(f"{base}/visits/rate/")
    town = page.locator("#visit-rate tr[data-town='370811001']")
    assert town.locator(".visited").inner_text() == "0"

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "cunxieli")
    page.goto(f"{base}/visits/")
    assert "孙秀英" in page.inner_text("#visits-mine")
    page.locator("#visits-mine li", has_text="孙秀英").get_by_role("link", name="登记探访").click()
    form = page.locator("#visit-form")
    form.locator("input[name=mode][value=home]").check()
    form.locator("input[name=health][value=fair]").check()
    form.locator("input[name=safety][value=safe]").check()
    form.locator("input[name=needs][value=meals]").check()
    form.locator("textarea[name=note]").fill("老伴腿脚不便，需要助餐")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    form.get_by_role("button", name="保存探访记录").click()
    page.wait_for_url(f"{base}/visits/")
    assert "本月已探访" in page.locator("#visits-mine li", has_text="孙秀英").inner_text()
    assert Visit.objects.get().needs == ["meals"]

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "clerk")
    page.goto(f"{base}/visits/rate/")
    town = page.locator("#visit-rate tr[data-town='370811001']")
    assert town.locator(".visited").inner_text() == "1"
    assert town.locator(".rate").inner_text() == "50%"
    assert "孙德厚" in page.inner_text("#not-visited") and "孙秀英" not in page.inner_text("#not-visited")
