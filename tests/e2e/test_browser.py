"""A real browser (Debian's Chromium driven by Playwright): log in, search a person by ID number, open
the household page."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

from tests.e2e.conftest import family, login

pytestmark = pytest.mark.e2e


def test_a_clerk_logs_in_finds_a_person_by_id_number_and_opens_the_household(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    _, rows = family(
        "E2E0001",
        [
            ("孔繁荣", "head", dt.date(1968, 3, 4), "M", "21"),
            ("孔小梅", "child", dt.date(2001, 9, 9), "F", "22"),
        ],
    )
    head_id = rows[0]["id_number"]

    page = browser_page
    page.goto(f"{live_server.url}/login/")
    assert "用户登录" in page.content()
    login(page, live_server.url, "clerk")
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
