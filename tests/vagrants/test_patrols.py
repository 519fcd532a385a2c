"""Street patrols: a night patrol crosses midnight (the end earlier than the start is the next day), a
formula-like route is refused, and the special campaigns run only in their months."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.vagrants import services
from minzheng.vagrants.models import Patrol


def test_a_night_patrol_typed_22_00_to_00_30_ends_the_next_day(staff, station, client):
    day = timezone.localdate() - dt.timedelta(days=2)
    client.force_login(staff["officer"])
    client.post(
        "/vagrants/patrols/",
        {
            "route": "火车站—太白楼路",
            "day": day.isoformat(),
            "start": "22:00",
            "end": "00:30",
            "persons_met": "2",
            "persons_helped": "1",
            "campaign": "routine",
        },
    )
    patrol = Patrol.objects.get()
    assert timezone.localtime(patrol.ended_at) - timezone.localtime(patrol.started_at) == dt.timedelta(
        hours=2, minutes=30
    )
    assert timezone.localdate(patrol.ended_at) == day + dt.timedelta(days=1)


def test_the_demo_s_22_58_to_00_58_patrol_passes_the_same_rule():
    day = dt.date(2026, 11, 20)
    start, end = services.patrol_span(day, dt.time(22, 58), dt.time(0, 58))
    assert end - start == dt.timedelta(hours=2)
    start, end = services.patrol_span(day, dt.time(8, 0), dt.time(8, 0))
    assert end - start == dt.timedelta(hours=24)  # refused by patrol_record: not under 24 h


def _record(staff, start: dt.datetime, **kw):
    return services.patrol_record(
        actor=staff["officer"],
        route=kw.pop("route", "火车站—太白楼路"),
        started_at=start,
        ended_at=start + dt.timedelta(hours=kw.pop("hours", 2)),
        persons_met=1,
        **kw,
    )


def test_a_patrol_of_24_hours_or_more_is_refused(staff, station):
    start = timezone.now() - dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="不超过24小时"):
        _record(staff, start, hours=24)


def test_a_formula_like_route_is_refused(staff, station):
    start = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="巡查路线不能以"):
        _record(staff, start, route='=HYPERLINK("http://x.example","点击")')
    assert not Patrol.objects.exists()


@pytest.mark.parametrize(
    ("campaign", "month", "ok"),
    [
        ("summer", 7, True),
        ("summer", 12, False),
        ("winter", 1, True),
        ("winter", 7, False),
        ("routine", 7, True),
    ],
)
def test_a_campaign_is_refused_outside_its_months(staff, station, campaign, month, ok):
    year = timezone.localdate().year - 1
    start = timezone.make_aware(dt.datetime.combine(dt.date(year, month, 10), dt.time(9, 0)))
    if ok:
        _record(staff, start, campaign=campaign)
    else:
        with pytest.raises(ValidationError, match="专项行动只在"):
            _record(staff, start, campaign=campaign)
