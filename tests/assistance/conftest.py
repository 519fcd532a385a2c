"""Helpers for the case-workflow tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone


def age_notice(application: Any, days: int = 8) -> None:
    """Let the 公示 run its course: the notice started `days` ago by the server's clock (time passing is
    the one thing a test cannot wait for)."""
    from minzheng.assistance.models import PublicNotice

    notice = PublicNotice.objects.get(application=application)
    length = notice.end_date - notice.start_date
    start = timezone.localdate() - dt.timedelta(days=days)
    PublicNotice.objects.filter(pk=notice.pk).update(start_date=start, end_date=start + length)
