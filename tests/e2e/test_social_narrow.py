"""The field pages of 身后一件事 and the rescue station on a 390 px phone: the funeral application form
(after the clerk finds the deceased) and the vagrant intake form show every field without sideways
scrolling; a screenshot of each is kept with the run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e

WIDTH = 390
# How far the page, or any visible field, reaches beyond the phone's width (0 or less: nothing does).
OVERFLOW = """() => {
  const doc = document.documentElement;
  const fields = [...document.querySelectorAll('main input, main select, main textarea, main button')]
    .filter(e => e.offsetParent && e.type !== 'hidden');
  return {page: doc.scrollWidth - doc.clientWidth,
          fields: Math.max(0, ...fields.map(e => e.getBoundingClientRect().right - doc.clientWidth)),
          count: fields.length};
}"""


def _fits(page: Any, tmp_path: Any, name: str, typed: str) -> None:
    gaps = page.evaluate(OVERFLOW)
    page.screenshot(path=str(tmp_path / f"{name}-{WIDTH}.png"), full_page=True)
    assert gaps["count"] > 3, gaps
    assert gaps["page"] <= 0, (name, gaps)
    assert gaps["fields"] <= 0, (name, gaps)
    # a typed field inside a fieldset sits under its label at the form's width, not squeezed beside it
    box = page.eval_on_selector(typed, "e => e.getBoundingClientRect().width")
    assert box >= WIDTH * 0.75, (typed, box)


def test_the_funeral_application_form_fits_a_390_px_phone(
    city: None, live_server: Any, browser_page: Any, tmp_path: Any
) -> None:
    staff("xzclerk", "township_clerk", "370811001")
    family("E2EN001", [("孔繁礼", "head", dt.date(1936, 4, 2), "M", "51")])
    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login(page, base, "xzclerk")
    page.goto(f"{base}/funeral/new/?q=孔繁礼")
    page.click("#funeral-found a")
    page.wait_for_selector("input[name=death_date]")
    _fits(page, tmp_path, "funeral-new", "input[name=family_name]")


def test_the_vagrant_intake_form_fits_a_390_px_phone(
    city: None, live_server: Any, browser_page: Any, tmp_path: Any
) -> None:
    staff("zhanzhang", "social_affairs_officer", "370811")
    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login(page, base, "zhanzhang")
    page.goto(f"{base}/vagrants/stations/")
    page.fill("input[name=name]", "任城区救助管理站")
    page.fill("input[name=address]", "任城区建设路88号")
    page.click("form.stack button")
    page.wait_for_selector("#stations >> text=任城区救助管理站")
    page.goto(f"{base}/vagrants/intake/")
    page.wait_for_selector("select[name=found_by]")
    _fits(page, tmp_path, "vagrants-intake", "input[name=id_number]")
