"""A date typed at the desk lies in a plausible window: year 1 and 9999 are typing errors, refused in
Chinese by the services that take dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.core.dates import plausible_date


def test_today_and_a_date_in_the_last_century_are_plausible() -> None:
    today = timezone.localdate()
    assert plausible_date(today, "发证日期") == today
    assert plausible_date(dt.date(1950, 6, 1), "发证日期") == dt.date(1950, 6, 1)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_year_one_and_year_9999_are_refused_naming_the_field(day: dt.date) -> None:
    with pytest.raises(ValidationError, match="整改期限应在"):
        plausible_date(day, "整改期限", future_days=366)


def test_the_future_window_is_the_callers() -> None:
    soon = timezone.localdate() + dt.timedelta(days=30)
    assert plausible_date(soon, "预约时间", future_days=90) == soon
    with pytest.raises(ValidationError):
        plausible_date(soon, "发证日期")
