"""Pure checks of the line: the unified social credit code (GB 32100-2015); the funds other lines draw on."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

# GB 32100-2015: 18 characters from this alphabet (no I, O, Z, S, V); the last is a check character.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# The charity funds other lines draw on (fund_draw's fund_code) and what people read for them.
FUNDS = {
    "guardianship_lacking": "事实无人抚养儿童（监护缺失儿童）慈善基金",
    "central_care": "低保失能老人集中照护慈善补足基金",
    "jishijiu": "“济时救”救助基金",
}

# The payroll lines a fund pays: (programme code, enrolment tier, i.e. the child's category) → fund code. The
# share of those lines the fund pays is the dated policy key `charity.share.<fund code>` of the county.
PAYROLL_FUNDS = {("child", "guardianship_lacking"): "guardianship_lacking"}
PAYROLL_FUND_LABELS = {("child", "guardianship_lacking"): "儿童基本生活保障（监护缺失儿童）"}


def share_key(fund_code: str) -> str:
    return f"charity.share.{fund_code}"


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_clean(value: str) -> str:
    """The code in upper case, or a Chinese ValidationError saying what is wrong with it."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位")
    if any(c not in CREDIT_ALPHABET for c in code):
        raise ValidationError("统一社会信用代码含有无效字符（不使用I、O、Z、S、V）")
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对")
    return code


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _section(n: int) -> str:
    """0 < n < 10000 in capital numerals, inner zeros read once (1001 → 壹仟零壹)."""
    out, zero = "", False
    for power, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        d = n // power % 10
        if d == 0:
            zero = zero or bool(out)
            continue
        out += ("零" if zero else "") + _DIGITS[d] + unit
        zero = False
    return out


def amount_in_words(amount: Decimal) -> str:
    """A yuan amount as written on receipts (人民币大写): 12345.60 → 壹万贰仟叁佰肆拾伍元陆角."""
    fen_total = int((amount * 100).to_integral_value())
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    out, pending = "", False
    for group, unit in ((yuan // 10**8, "亿"), (yuan // 10**4 % 10**4, "万"), (yuan % 10**4, "")):
        if group == 0:
            pending = pending or bool(out)
            continue
        if out and (pending or group < 1000):
            out += "零"
        out += _section(group) + unit
        pending = False
    if out:
        out += "元"
    if jiao == 0 and fen == 0:
        return (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif out:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    return out
