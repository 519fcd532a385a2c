"""The sanity window for every month or date typed into payroll and payee forms: nothing before the
platform's oldest records (2000-01), nothing later than the end of next year. A typo such as 0001-01 or
9999-12 is refused with a Chinese message instead of being paid or stored."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_MONTH = dt.date(2000, 1, 1)


def latest_date() -> dt.date:
    return dt.date(timezone.localdate().year + 1, 12, 31)


def check_date_window(value: dt.date, *, label: str) -> dt.date:
    if not EARLIEST_MONTH <= value <= latest_date():
        raise ValidationError(
            f"{label}应在{EARLIEST_MONTH:%Y年%m月}至{latest_date():%Y年%m月}之间（输入为{value:%Y-%m-%d}）"
        )
    return value
