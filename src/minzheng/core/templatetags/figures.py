"""`{{ amount|money }}` on a page: the house formatter (core/formats.py), 1,234.50 like the cockpit."""

from __future__ import annotations

from decimal import Decimal

from django import template

from minzheng.core.formats import MONEY, RATE, figure

register = template.Library()


@register.filter
def money(value: Decimal | int | float | None) -> str:
    return figure(value, MONEY)


@register.filter
def rate(value: Decimal | int | float | None) -> str:
    """A ratio 0–1 as a percentage: 0.6 → 60.0%."""
    return figure(value, RATE)
