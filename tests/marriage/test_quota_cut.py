"""A day's quota is never cut below the couples already booked on a coming day of that weekday."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.marriage import services
from minzheng.marriage.models import ClosedDay, DailyQuota


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


def _book(clerk, office, couple, day, n, start=0):
    for i in range(start, start + n):
        a, b = couple(i)
        services.appointment_book(actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b)


def test_a_special_dates_extra_slots_let_the_quota_fall_to_the_bookings_less_them_and_no_lower(
    clerk, office, couple
):
    """The walk's "Monday cut to 2 with 4 bookings": that Monday had 2 extra slots (a special date)."""
    day = _next_weekday()
    services.special_date_add(actor=clerk, date=day, name="七夕", extra_slots=2)
    _book(clerk, office, couple, day, 4)
    services.office_set_quota(actor=clerk, office=office, weekday=day.weekday(), slots=2)
    with pytest.raises(ValidationError) as e:
        services.office_set_quota(actor=clerk, office=office, weekday=day.weekday(), slots=1)
    assert "含七夕增加的2个名额" in e.value.messages[0] and "不能少于2" in e.value.messages[0]
    assert DailyQuota.objects.get(office=office, weekday=day.weekday()).slots == 2


def test_the_office_page_shows_the_special_slots_next_to_the_quota(clerk, office, couple, client):
    day = _next_weekday()
    services.special_date_add(actor=clerk, date=day, name="七夕", extra_slots=2)
    _book(clerk, office, couple, day, 3)
    client.force_login(clerk)
    html = client.get(f"/marriage/offices/{office.pk}/").content.decode()
    assert f"{day:%Y-%m-%d}（" in html and "七夕 +2" in html  # the coming special dates, by the quotas
    assert "4（2 + 2）" in html  # the day's capacity read as quota + extra slots
    api = client.get("/api/v1/marriage/offices").json()[0]["days"]
    row = next(d for d in api if d["date"] == day.isoformat())
    assert (row["slots"], row["base"], row["extra"]) == (4, 2, 2)


def test_a_closed_day_is_refused_over_a_day_with_bookings_and_nothing_is_closed(clerk, office, couple):
    day = _next_weekday()
    _book(clerk, office, couple, day, 1)
    for target in (office, None):  # the office's own closure and a holiday of every office
        with pytest.raises(ValidationError) as e:
            services.closed_day_add(actor=clerk, date=day, name="临时停办", office=target)
        assert "任城区婚姻登记处1对" in e.value.messages[0] and "不能设为停办日" in e.value.messages[0]
    assert not ClosedDay.objects.exists()
    assert services.day_capacity(office=office, date=day).slots == 2


def test_a_closed_day_without_bookings_is_set(clerk, office, couple):
    day = _next_weekday()
    _book(clerk, office, couple, day + dt.timedelta(days=1), 1)
    services.closed_day_add(actor=clerk, date=day, name="临时停办", office=office)
    assert services.day_capacity(office=office, date=day).closed == "临时停办"
