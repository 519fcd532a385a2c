"""Disclosure periods: a month, written YYYY-MM. Which catalogue items fall due in a month is data: monthly
items every month, quarterly ones in the last month of each quarter, yearly ones in their `due_month`."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import Frequency

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_parse(value: str, *, today: dt.date) -> str:
    """A period typed or picked by a person; not before 2000 and not a month still to come."""
    text = (value or "").strip()
    m = _PERIOD.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
        raise ValidationError("公开期应为年-月，例如2026-05")
    if period_start(text) > today:
        raise ValidationError("公开期不能晚于本月")
    return text


def period_start(period: str) -> dt.date:
    return dt.date(int(period[:4]), int(period[5:7]), 1)


def period_label(period: str) -> str:
    return f"{int(period[:4])}年{int(period[5:7])}月"


def previous_period(period: str) -> str:
    start = period_start(period) - dt.timedelta(days=1)
    return period_of(start)


def due_q(period: str) -> Q:
    """The catalogue items that fall due in `period` (event items never fall due: they are published when
    the matter happens)."""
    month = int(period[5:7])
    q = Q(frequency=Frequency.MONTHLY) | Q(frequency=Frequency.YEARLY, due_month=month)
    if month % 3 == 0:
        q |= Q(frequency=Frequency.QUARTERLY)
    return Q(active=True) & q
