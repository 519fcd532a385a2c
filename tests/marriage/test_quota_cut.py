"""A day's quota is never cut below the couples already booked on a coming day of that weekday."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.marriage import services
from minzheng.marriage.models import DailyQuota


def _next_weekday(days: int = 3) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:  # a working day (the booking guard does not care, a reader might)
        day += dt.timedelta(days=1)
    return day


def _book_two(clerk, office, couple, day):
    for i in range(2):
        a, b = couple(i)
        services.appointment_book(actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b)


def test_a_quota_cut_below_the_bookings_of_a_coming_day_is_refused_in_chinese(clerk, office, couple):
    day = _next_weekday()
    _book_two(clerk, office, couple, day)
    with pytest.raises(ValidationError) as e:
        services.office_set_quota(actor=clerk, office=office, weekday=day.weekday(), slots=1)
    assert f"{day:%Y年%m月%d日}已有2对预约" in e.value.messages[0] and "不能少于2" in e.value.messages[0]
    assert DailyQuota.objects.get(office=office, weekday=day.weekday()).slots == 2


def test_a_quota_may_be_cut_to_the_bookings_or_on_another_weekday(clerk, office, couple):
    day = _next_weekday()
    _book_two(clerk, office, couple, day)
    services.office_set_quota(actor=clerk, office=office, weekday=day.weekday(), slots=2)
    services.office_set_quota(actor=clerk, office=office, weekday=(day.weekday() + 1) % 7, slots=0)
    assert DailyQuota.objects.get(office=office, weekday=(day.weekday() + 1) % 7).slots == 0


def test_a_cancelled_booking_does_not_hold_the_quota_up(clerk, office, couple):
    day = _next_weekday()
    a, b = couple(0)
    booking = services.appointment_book(
        actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b
    )
    services.appointment_cancel(actor=clerk, appointment=booking)
    services.office_set_quota(actor=clerk, office=office, weekday=day.weekday(), slots=0)
