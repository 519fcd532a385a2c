"""Detect and redact personal identifiers in free text (logs, URLs, audit rows, file names): GB 11643 ID
numbers (18 digits with a valid check character and birth date; the old 15-digit form with a valid
province and birth date), bank-card numbers of 16–19 digits that pass the Luhn check, and mainland mobile
numbers. A number counts wherever it stands next to a non-digit: `身份证370811…0008.jpg`, `id_…_x`,
`…0008.00` all match; only a longer run of digits is not an identifier."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from .idnumber import is_valid_id_number
from .masking import mask_bank_account, mask_id_number, mask_phone

_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
# The fractional part of a decimal (0.6222…) is not a card or an old ID: floats print up to 17 digits
# and a tenth of any digit run passes Luhn. An integer part (6222….00) still counts.
_OLD_ID = re.compile(r"(?<![0-9])(?<![0-9]\.)[1-8][0-9]{14}(?![0-9])")
_CARD = re.compile(r"(?<![0-9])(?<![0-9]\.)[0-9]{16,19}(?![0-9])")
_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_old_id_number(value: str) -> bool:
    """A 15-digit first-generation ID: province code, then YYMMDD of a 19xx birth date."""
    if len(value) != 15 or not value.isdigit() or value[:2] not in _PROVINCES:
        return False
    try:
        dt.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return False
    return True


def _is_card(value: str) -> bool:
    return luhn_ok(value) and not is_valid_id_number(value)


def find_id_numbers(text: str) -> list[str]:
    found = [m for m in _ID.findall(text) if is_valid_id_number(m)]
    return found + [m for m in _OLD_ID.findall(text) if is_old_id_number(m)]


def find_card_numbers(text: str) -> list[str]:
    return [m for m in _CARD.findall(text) if _is_card(m)]


def find_phone_numbers(text: str) -> list[str]:
    return _PHONE.findall(text)


def find_pii(text: str, *, phones: bool = True) -> list[str]:
    """Every ID, card (and phone) number in `text`, as found: the suite-wide scanner's test."""
    found = find_id_numbers(text) + find_card_numbers(text)
    return found + find_phone_numbers(text) if phones else found


def redact(text: str) -> str:
    text = _ID.sub(lambda m: mask_id_number(m[0]) if is_valid_id_number(m[0]) else m[0], text)
    text = _OLD_ID.sub(lambda m: mask_id_number(m[0]) if is_old_id_number(m[0]) else m[0], text)
    text = _CARD.sub(lambda m: mask_bank_account(m[0]) if _is_card(m[0]) else m[0], text)
    return _PHONE.sub(lambda m: mask_phone(m[0]), text)


_DIGEST_KEY = re.compile(r"(sha256|hash|digest)$")
_HEX = re.compile(r"[0-9a-f]{32,128}")


def is_digest(key: Any, value: str) -> bool:
    """A hex digest under a key that names one (`manifest_sha256`): computed by code, never personal
    data, and its digit runs would otherwise now and then look like a card or phone number."""
    return isinstance(key, str) and bool(_DIGEST_KEY.search(key)) and bool(_HEX.fullmatch(value))


def redact_value(value: Any, key: Any = None) -> Any:
    """`redact` applied to every string inside a JSON-like value (dict keys too); other leaves unchanged."""
    if isinstance(value, str):
        return value if is_digest(key, value) else redact(value)
    if isinstance(value, dict):
        return {redact_value(k) if isinstance(k, str) else k: redact_value(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


class RedactPiiFilter(logging.Filter):
    """Defence in depth: whatever a library logs, ID and card numbers leave the process masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
