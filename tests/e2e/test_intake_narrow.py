"""The dibao intake on a phone (390 px): the member table turns into cards, nothing scrolls sideways, and
the form still posts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login

pytestmark = pytest.mark.e2e

OVERFLOW = """(sel) => {
  const doc = document.documentElement;
  const t = document.querySelector(sel);
  return {page: doc.scrollWidth - doc.clientWidth, table: t.scrollWidth - t.parentElement.clientWidth,
          right: Math.max(...[...t.querySelectorAll('input,select')].filter(e => e.offsetParent)
                                .map(e => e.getBoundingClientRect().right)) - doc.clientWidth};
}"""


def test_the_intake_member_table_is_cards_without_horizontal_scroll_at_390_px(
    clerk: Any, live_server: Any, browser_page: Any, tmp_path: Any
) -> None:
    hh, _ = family(
        "E2E0390",
        [
            ("颜守仁", "head", dt.date(1966, 5, 6), "M", "31"),
            ("孟淑芬", "spouse", dt.date(1969, 7, 8), "F", "32"),
            ("颜晓东", "child", dt.date(2004, 3, 9), "M", "33"),
        ],
    )
    head = hh.memberships.get(relation="head").person
    base = live_server.url
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "clerk")
    page.goto(f"{base}/assistance/new/{hh.pk}/")
    page.select_option("#programme", "dibao")

    # Cards: the column headers are hidden, each cell names its column, one card per member.
    assert page.eval_on_selector("#member-table thead", "e => e.getBoundingClientRect().height") <= 1
    assert page.locator("#member-table tbody tr").count() == 3
    label = page.eval_on_selector(
        f"input[name=monthly_wage_{head.pk}]",
        "e => getComputedStyle(e.closest('td'), '::before').content",
    )
    assert label == '"工资"'
    gaps = page.evaluate(OVERFLOW, "#member-table")
    page.screenshot(path=str(tmp_path / "intake-390.png"), full_page=True)
    assert gaps["page"] <= 0, gaps
    assert gaps["table"] <= 0, gaps
    assert gaps["right"] <= 0, gaps

    page.select_option("#programme", "tekun")  # the six daily activities are cards too
    assert page.evaluate(OVERFLOW, "#tekun-adl")["table"] <= 0
    page.select_option("#programme", "dibao")

    page.fill(f"input[name=monthly_wage_{head.pk}]", "1000")
    page.check(f"input[name=employed_{head.pk}]")
    page.click("#create-application")
    page.wait_for_selector("#do-authorise")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
