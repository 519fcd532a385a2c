"""The one way the cockpit, the statistics reports and the funds pages write a figure, on a card, in a
table, in a chart's table and on a report: thousands separators,
money in 元 with two decimals, rates as a percentage."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RATE = "%"
MONEY = "元"


def figure(value: Decimal | int | float | None, unit: str = "", *, with_unit: bool = False) -> str:
    """`unit` is the measure's: "元" → 1,234.50, "%" (a ratio 0–1) → 12.3%, else a count → 1,234."""
    if value is None:
        return "—"
    v = Decimal(str(value))
    if unit == RATE:
        return f"{(v * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):,}%"
    if unit == MONEY:
        shown = f"{v.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    else:
        shown = f"{v.quantize(Decimal('1'), ROUND_HALF_UP):,}"
    return f"{shown}{unit}" if with_unit and unit else shown
