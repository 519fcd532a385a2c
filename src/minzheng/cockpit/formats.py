"""The cockpit's figures are written by the house formatter (core/formats.py), shared with the funds pages."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minzheng.core.formats import MONEY, RATE, figure

__all__ = ["MONEY", "RATE", "figure", "form_month"]

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def form_month(value: object, label: str, *, today: dt.date, past_years: int = 30) -> dt.date:
    """A month typed as 年-月 (2026-11), its first day. A month after today's is refused with a Chinese
    message like a bad month (nothing exists for it yet; never silently replaced). Anything else is a
    clear Chinese message naming the format."""
    text = str(value or "").strip()
    found = _MONTH.fullmatch(text)
    if not text:
        raise ValidationError(_("请填写%(label)s") % {"label": label})
    if found is None or not 1 <= int(found[2]) <= 12:
        shown = {"label": label, "text": text[:20]}
        raise ValidationError(_("%(label)s应为“年-月”格式，例如 2026-11（收到“%(text)s”）") % shown)
    month = dt.date(int(found[1]), int(found[2]), 1)
    if month.year < today.year - past_years:
        first = today.year - past_years
        raise ValidationError(_("%(label)s不能早于%(year)s年") % {"label": label, "year": first})
    this_month = today.replace(day=1)
    if month > this_month:
        shown = {"label": label, "text": f"{month:%Y-%m}", "now": f"{this_month:%Y-%m}"}
        raise ValidationError(_("%(label)s不能晚于本月（%(now)s），收到“%(text)s”") % shown)
    return month
