"""Detect and redact personal identifiers in free text (logs, URLs): GB 11643 ID numbers with a valid
check character and birth date, and bank-card numbers that pass the Luhn check."""

from __future__ import annotations

import logging
import re

from .idnumber import is_valid_id_number
from .masking import mask_bank_account, mask_id_number

# Digit runs inside decimals (0.5252…) or longer numbers are not identifiers.
_ID = re.compile(r"(?<![0-9.])[0-9]{17}[0-9Xx](?![0-9Xx.])")
_CARD = re.compile(r"(?<![0-9.])[0-9]{13,19}(?![0-9.])")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_id_numbers(text: str) -> list[str]:
    return [m for m in _ID.findall(text) if is_valid_id_number(m)]


def find_card_numbers(text: str) -> list[str]:
    return [m for m in _CARD.findall(text) if luhn_ok(m) and not is_valid_id_number(m)]


def redact(text: str) -> str:
    text = _ID.sub(
        lambda m: mask_id_number(m.group(0)) if is_valid_id_number(m.group(0)) else m.group(0), text
    )
    return _CARD.sub(lambda m: mask_bank_account(m.group(0)) if luhn_ok(m.group(0)) else m.group(0), text)


class RedactPiiFilter(logging.Filter):
    """Defence in depth: whatever a library logs, ID and card numbers leave the process masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
