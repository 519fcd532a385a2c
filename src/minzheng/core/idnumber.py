"""Resident ID numbers (GB 11643-1999): 6-digit region + 8-digit birth date + 3-digit sequence
(odd = male, even = female) + ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class IdInfo:
    id_number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" | "F"


def normalize(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def parse_id_number(raw: str) -> IdInfo:
    """Validate and decode; every failure is a Chinese ValidationError the UI can show as is."""
    value = normalize(raw)
    if len(value) != 18:
        raise ValidationError(f"身份证号应为18位，当前为{len(value)}位", code="id_length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError("身份证号只能由数字组成，最后一位可以是X", code="id_chars")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(f"身份证号中的出生日期{value[6:14]}不是有效日期", code="id_birth") from None
    if birth.year < 1880:
        raise ValidationError(f"身份证号中的出生日期{value[6:14]}不合理", code="id_birth")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ValidationError("身份证号校验位错误，请核对后重新输入", code="id_check")
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdInfo(id_number=value, region_code=value[:6], birth_date=birth, sex=sex)


def is_valid_id_number(raw: str) -> bool:
    try:
        parse_id_number(raw)
    except ValidationError:
        return False
    return True


def make_id_number(region6: str, birth: dt.date, seq: int, sex: str) -> str:
    """Build a valid ID number (demo data and tests): seq 0–499, parity follows sex."""
    s = seq * 2 + (1 if sex == "M" else 0)
    first17 = f"{region6}{birth:%Y%m%d}{s:03d}"
    return first17 + check_char(first17)
