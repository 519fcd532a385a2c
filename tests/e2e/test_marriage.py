"""Browser run of 婚姻登记 on a 390 px phone: a couple books a slot, cancels it and rebooks within the
office's quota; when the day is full the next couple is refused with a Chinese message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def _book(page: Any, base: str, day: str, a: dict[str, str], b: dict[str, str]) -> None:
    page.goto(f"{base}/marriage/book/")
    page.select_option("select[name=kind]", "marriage")
    page.fill("input[name=date]", day)
    page.fill("input[name=a_name]", a["name"])
    page.fill("input[name=a_id_number]", a["id_number"])
    page.fill("input[name=b_name]", b["name"])
    page.fill("input[name=b_id_number]", b["id_number"])
    page.click("#book-submit")


def test_a_couple_books_cancels_and_rebooks_and_the_last_slot_is_refused(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.marriage.models import Appointment
    from minzheng.marriage.services import office_create

    clerk = staff("hunyin", "social_affairs_officer", "370811")
    office_create(
        actor=clerk, name="任城区婚姻登记处", region_code="370811", address="任城区民政局", quotas=[1] * 7
    )
    _, first = family(
        "E2EM001",
        [("孙立", "head", dt.date(1994, 3, 3), "M", "41"), ("周敏", "other", dt.date(1996, 4, 4), "F", "42")],
    )
    _, second = family(
        "E2EM002",
        [("钱峰", "head", dt.date(1993, 5, 5), "M", "43"), ("吴霞", "other", dt.date(1995, 6, 6), "F", "44")],
    )
    today = timezone.localdate()
    day1, day2 = (today + dt.timedelta(days=3)).isoformat(), (today + dt.timedelta(days=4)).isoformat()
    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, base, "hunyin")

    _book(page, base, day1, first[0], first[1])
    page.wait_for_selector("#status")
    assert "已预约" in page.inner_text("#status")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#act-cancel")
    page.wait_for_selector("text=预约已取消")
    assert "已取消" in page.inner_text("#status")

    # The freed slot of day 1 can be taken again; then the couple moves to day 2.
    _book(page, base, day1, first[0], first[1])
    page.wait_for_selector("#rebook-form")
    page.fill("#rebook-form input[name=date]", day2)
    page.click("#act-rebook")
    page.wait_for_selector("text=改约成功")
    assert day2 in page.inner_text("#appointment")
    # issue 16: the moved booking reads 已改约 and links to the new one
    moved = Appointment.objects.get(status="rescheduled")
    page.goto(f"{base}/marriage/appointments/{moved.pk}/")
    assert "已改约" in page.inner_text("#status")
    page.click("#rebooked-to a")
    page.wait_for_selector("#status")
    assert "已预约" in page.inner_text("#status") and day2 in page.inner_text("#appointment")

    # Day 2's only slot is taken: the next couple is refused and nothing is booked for them.
    _book(page, base, day2, second[0], second[1])
    page.wait_for_selector("text=预约名额已满")
    # the refused form keeps what was typed, the ID numbers too (issue 16)
    assert page.input_value("input[name=a_id_number]") == second[0]["id_number"]
    assert page.input_value("input[name=b_id_number]") == second[1]["id_number"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Appointment.objects.filter(status="booked").count() == 1
    # Day 1 is free again after the rebooking: the second couple gets it.
    _book(page, base, day1, second[0], second[1])
    page.wait_for_selector("#status")
    assert Appointment.objects.filter(status="booked").count() == 2
