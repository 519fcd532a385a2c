"""A real browser (Debian's Chromium driven by Playwright): log in, search a person by ID number, open
the household page."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_a_clerk_logs_in_finds_a_person_by_id_number_and_opens_the_household(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.accounts.services import user_create
    from minzheng.core.idnumber import make_id_number
    from minzheng.people.services import household_add_member, household_create, person_create

    user_create(
        actor=None,
        username="clerk",
        password="Browser-pass-1",
        role="township_clerk",
        region_code="370811001",
    )
    head_id = make_id_number("370811", dt.date(1968, 3, 4), 21, "M")
    head = person_create(
        actor=None, id_number=head_id, name="孔繁荣", hukou_type="urban", hukou_region_code="370811001001"
    )
    child = person_create(
        actor=None,
        id_number=make_id_number("370811", dt.date(2001, 9, 9), 22, "F"),
        name="孔小梅",
        hukou_type="urban",
        hukou_region_code="370811001001",
    )
    hh = household_create(
        actor=None,
        number="E2E0001",
        region_code="370811001001",
        hukou_type="urban",
        head=head,
        start_date=dt.date(2000, 1, 1),
    )
    household_add_member(
        actor=None, household=hh, person=child, relation="child", start_date=dt.date(2001, 9, 9)
    )

    page = browser_page
    page.goto(f"{live_server.url}/login/")
    assert "用户登录" in page.content()
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "Browser-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/people/")
    page.fill("#q", head_id)
    page.press("#q", "Enter")
    page.wait_for_selector("text=孔繁荣")
    assert head_id not in page.content()  # masked in the list
    page.click("text=孔繁荣")
    page.wait_for_selector("#household-link")
    page.click("#household-link")
    page.wait_for_selector("#members")
    members = page.inner_text("#members")
    assert "孔繁荣" in members and "孔小梅" in members and "户主" in members
    os.makedirs("test-results", exist_ok=True)
    page.screenshot(path="test-results/household.png", full_page=True)
