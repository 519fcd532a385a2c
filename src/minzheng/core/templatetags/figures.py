"""`{{ amount|money }}` on a page: the house formatter (core/formats.py), 1,234.50 like the cockpit."""

from __future__ import annotations

from decimal import Decimal

from django import template

from minzheng.core.formats import MONEY, figure

register = template.Library()


@register.filter
def money(value: Decimal | int | float | None) -> str:
    return figure(value, MONEY)
