"""失能老人照护费用分担 (`disabled_elder_care`, assess-lines.md; 峡山区 "1126+", seed 001): the trial
calculation over `elderly.shares` — the one definition of the shares and hours."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from minzheng.assistance.assess import evaluate, parse_case
from minzheng.assistance.rules import Case, Policy, Result, Test

from .shares import care_share

CODE = "disabled_elder_care"


def _fee(value: Any) -> Decimal:
    if value is None:
        raise ValidationError("机构照护须填写月照护费monthly_fee（元，不小于0）")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError("月照护费monthly_fee应为数字")
    try:
        fee = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"月照护费monthly_fee应为数字，收到“{value}”") from None
    if not fee.is_finite() or fee < 0 or fee > 10**7:
        raise ValidationError("月照护费monthly_fee应为0至1000万元之间的数字")
    return fee


def trial(data: dict[str, Any]) -> dict[str, Any]:
    case = parse_case(data)
    level = data.get("capability_level")
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValidationError("能力等级capability_level应为0–4的整数")
    mode = data.get("mode")
    fee = _fee(data.get("monthly_fee")) if mode == "institution" else None
    identity = data.get("identity")

    def rule(c: Case, p: Policy) -> Result:
        share = care_share(p, identity=str(identity), level=level, mode=str(mode), monthly_fee=fee)
        extra: dict[str, Any] = {"government_share": share.government_share, "self_share": share.self_share}
        if mode == "home":
            extra["free_hours"] = share.free_hours
        amount = share.government_share if mode == "institution" and share.eligible else 0
        return Result(
            programme=CODE,
            eligible=share.eligible,
            monthly_amount=amount,
            standard=0,
            per_capita_income=0,
            members_covered=1 if share.eligible else 0,
            approval_level="",
            rule_version=p.version,
            reasons=[Test(t, ok, d) for t, ok, d in share.reasons],
            extra=extra,
        )

    return evaluate(case, rule).as_dict()
