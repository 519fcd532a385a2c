"""Dates typed at the desk: a form's date picker accepts year 1 and 9999, the office never means them.
Services check every entered date against a plausible window here, with a Chinese message naming the
field (the window is about typing errors, not policy: policy periods live in the policy tables)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = dt.date(1900, 1, 1)  # nobody alive or any certificate on file is older


def plausible_date(day: dt.date, label: str, *, future_days: int = 0, past_years: int = 0) -> dt.date:
    """`day` between EARLIEST (or `past_years` back) and today + `future_days`; else a Chinese error."""
    today = timezone.localdate()
    earliest = max(EARLIEST, today.replace(year=today.year - past_years)) if past_years else EARLIEST
    latest = today + dt.timedelta(days=future_days)
    if not earliest <= day <= latest:
        raise ValidationError(f"{label}应在{earliest:%Y年%m月%d日}至{latest:%Y年%m月%d日}之间")
    return day


def local_day(moment: dt.datetime) -> dt.date:
    """The Beijing calendar day of a stored (UTC) moment: 16:30 UTC on 1 January is 2 January in 济宁."""
    return timezone.localdate(moment)
