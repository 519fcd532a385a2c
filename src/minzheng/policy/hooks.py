"""What the layers above tell the policy app without it importing them: the last month a payroll was
closed (frozen). A changed figure never takes effect in a month whose payroll is already closed, since
that payroll was computed with the figure in force before. The payroll app registers its answer in its
AppConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

_closed_month_sources: list[Callable[[], dt.date | None]] = []


def register_closed_month(source: Callable[[], dt.date | None]) -> None:
    """`source()` returns the first day of the latest closed payroll month (None: none closed)."""
    if source not in _closed_month_sources:
        _closed_month_sources.append(source)


def last_closed_month() -> dt.date | None:
    months = [m for m in (source() for source in _closed_month_sources) if m is not None]
    return max(months) if months else None
