"""统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (no I, O, S, V, Z); the
18th is a check character over the first 17 with weights 3^(i-1) mod 31. Pure code, no Django, so the
desk, the API and the demo share one validator."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# 登记管理部门代码 5 = 民政; 机构类别 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他.
CIVIL_AFFAIRS = "5"


def check_char(first17: str) -> str:
    """The check character of the first 17 characters (uppercased); ValueError on a foreign character."""
    text = first17.upper()
    if len(text) != 17:
        raise ValueError("前17位长度不对")
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(text, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str:
    """ "" for a valid code, else the Chinese reason a clerk reads."""
    text = (code or "").strip().upper()
    if len(text) != 18:
        return "统一社会信用代码应为18位"
    bad = sorted({ch for ch in text if ch not in ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}"
    if not text[2:8].isdigit():
        return "统一社会信用代码第3至8位应为登记管理机关行政区划码"
    if check_char(text[:17]) != text[17]:
        return "统一社会信用代码校验位不正确"
    return ""


def normalise(code: str) -> str:
    return (code or "").strip().upper()
