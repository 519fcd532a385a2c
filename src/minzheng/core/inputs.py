"""What a clerk typed into a form, read once: integers, amounts and dates with a Chinese message that names
the field. Views of every line use these instead of their own `_int`/`_date` parsers, so "abc", "1e9",
"NaN", "-5" and "9999-01-01" get the same answer everywhere and nothing is written."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

from django.core.exceptions import ValidationError

from .dates import plausible_date

# No count, area or amount the office types is negative or beyond a billion; the bound keeps 2⁶³ out of the
# database (PostgreSQL integer columns overflow, SQLite silently stores a float).
MAX_NUMBER = 1_000_000_000

# Digits with at most one decimal point, as a clerk types an amount: no exponent ("1e3" is not 1000 to a
# reader of the form), no "NaN", no "Infinity".
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _text(value: Any) -> str:
    return str(value if value is not None else "").strip()


def _bounded(number: int | Decimal, label: str, lo: Any, hi: Any, rule: str) -> None:
    """A negative figure where none may be says so; one past the top is named as beyond reason (a typo of
    a few extra digits), with the rule."""
    if number < lo:
        raise ValidationError(f"{label}不能为负数" if lo == 0 else f"{label}{rule}")
    if number > hi:
        raise ValidationError(f"{label}超出合理范围（{rule}）")


@overload
def form_int(
    value: Any, label: str, *, required: Literal[True] = ..., lo: int = ..., hi: int = ...
) -> int: ...
@overload
def form_int(
    value: Any, label: str, *, required: Literal[False], lo: int = ..., hi: int = ...
) -> int | None: ...
def form_int(
    value: Any, label: str, *, required: bool = True, lo: int = 0, hi: int = MAX_NUMBER
) -> int | None:
    """An integer between `lo` and `hi`; blank is None when not required."""
    text = _text(value)
    if not text:
        if required:
            raise ValidationError(f"请填写{label}")
        return None
    try:
        number = int(text)
    except ValueError:
        raise ValidationError(f"{label}应为整数") from None
    _bounded(number, label, lo, hi, f"应为{lo}至{hi}之间的整数")
    return number


@overload
def form_decimal(
    value: Any,
    label: str,
    *,
    required: Literal[True] = ...,
    places: int = ...,
    lo: Decimal = ...,
    hi: Decimal = ...,
) -> Decimal: ...
@overload
def form_decimal(
    value: Any,
    label: str,
    *,
    required: Literal[False],
    places: int = ...,
    lo: Decimal = ...,
    hi: Decimal = ...,
) -> Decimal | None: ...
def form_decimal(
    value: Any,
    label: str,
    *,
    required: bool = True,
    places: int = 2,
    lo: Decimal = Decimal(0),
    hi: Decimal = Decimal(MAX_NUMBER),
) -> Decimal | None:
    """A finite decimal (yuan and fen by default) between `lo` and `hi`; blank is None when optional."""
    text = _text(value).replace(",", "").replace("，", "")
    if not text:
        if required:
            raise ValidationError(f"请填写{label}")
        return None
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise ValidationError(f"{label}应为数字（如1234.50）")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label}应为数字") from None
    _bounded(number, label, lo, hi, f"应在{lo}至{hi}之间")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError(f"{label}最多保留{places}位小数")
    return number.quantize(Decimal(1).scaleb(-places))


@overload
def form_date(
    value: Any, label: str, *, required: Literal[True] = ..., future_days: int = ..., past_years: int = ...
) -> dt.date: ...
@overload
def form_date(
    value: Any, label: str, *, required: Literal[False], future_days: int = ..., past_years: int = ...
) -> dt.date | None: ...
def form_date(
    value: Any, label: str, *, required: bool = True, future_days: int = 0, past_years: int = 0
) -> dt.date | None:
    """A YYYY-MM-DD date inside the plausible window of `core.dates.plausible_date`."""
    text = _text(value)
    if not text:
        if required:
            raise ValidationError(f"请填写{label}")
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{label}格式应为年-月-日（如2026-01-31）") from None
    return plausible_date(day, label, future_days=future_days, past_years=past_years)


# A cell that starts with one of these is read as a formula by Excel/WPS (CSV injection); exports
# neutralise them, but a name is typed once and shown, printed and exported for years: refuse it at entry.
FORMULA_START = ("=", "+", "-", "@")


def _control(ch: str) -> bool:
    """C0/C1 controls and invisible format characters (bidi overrides, zero-width marks)."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co")


def form_name(value: Any, label: str = "姓名", *, required: bool = True, max_length: int = 64) -> str:
    """A name (of a person, an organisation, a place) as it will be stored: trimmed, at most `max_length`
    characters, not starting with = + - @ and without control characters; a Chinese message names the
    field. Blank is "" when not required."""
    text = _text(value)
    if not text:
        if required:
            raise ValidationError(f"请填写{label}")
        return ""
    if len(text) > max_length:
        raise ValidationError(f"{label}不超过{max_length}个字")
    if text.startswith(FORMULA_START):
        raise ValidationError(f"{label}不能以“=”“+”“-”“@”开头，请按证件或实际名称填写")
    if any(_control(ch) for ch in text):
        raise ValidationError(f"{label}含有不可见的控制字符（如换行、制表符），请重新输入")
    return text
