"""The cockpit's demo module enters the plan targets, stores the twelve months (so the trend reads the
enrolments' history from the first opening) and files last month's city report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.cockpit.models import CockpitFigure, StatReport
from minzheng.cockpit.selectors import months_back
from minzheng.demo.lines import cockpit as demo
from tests.conftest import VILLAGE_A


def test_the_demo_stores_twelve_months_of_history_and_files_last_months_report(
    make_user: Callable[..., Any], enrol: Callable[..., Any]
) -> None:
    make_user("city_officer", "370800", username="shiji")
    enrol(VILLAGE_A, 3, amount=700, first=dt.date(2020, 1, 1))
    line = demo.seed(actor=system_actor(purpose="测试"), seed=1)
    assert "12个月" in line
    months = months_back(timezone.localdate().replace(day=1))
    first = CockpitFigure.objects.get(month=months[0], region_code="370800", measure="due", detail="dibao")
    assert first.value == 700  # a month before the system's first payroll reads the enrolments in payment
    report = StatReport.objects.get()
    assert report.status == "filed" and report.period_start == months[-2] and report.unit_head


def test_the_demo_freezes_the_last_three_months_rolls_so_the_trend_shows_money_paid(
    make_user: Callable[..., Any], enrol: Callable[..., Any]
) -> None:
    make_user("city_officer", "370800", username="shiji")
    make_user("county_officer", "370811", username="xianji")
    make_user("county_finance", "370811", username="caiwu")
    enrol(VILLAGE_A, 3, amount=700, first=dt.date(2020, 1, 1))
    demo.seed(actor=system_actor(purpose="测试"), seed=1)
    months = months_back(timezone.localdate().replace(day=1))
    for month in months[-4:-1]:
        paid = CockpitFigure.objects.get(month=month, region_code="370800", measure="paid", detail="dibao")
        assert paid.value == 700, month
    earlier = CockpitFigure.objects.filter(month=months[0], region_code="370800", measure="paid")
    assert sum(f.value for f in earlier) == 0
