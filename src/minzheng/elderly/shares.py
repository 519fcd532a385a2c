"""失能老年人照护费用分担 (峡山区 "1126+"): who pays what of an institution's fee, and how many free hours
of home care a month, by the elder's identity and capability level. One definition, read by the trial
calculation (`disabled_elder_care`), the subsidy decision and the 12349 monthly settlement.

`figure` is any key → Decimal lookup that raises on a missing key (`assistance.rules.Policy`, or
`PolicySet.get`): the shares and hours are policy data (elderly_care.*), never constants here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

Figure = Callable[[str], Decimal]

IDENTITIES = {"tekun": "特困人员", "dibao": "低保对象", "poor": "低收入对象", "other": "其他老年人"}
MODES = {"institution": "机构照护", "home": "居家照护"}
LEVEL_NAMES = {0: "能力完好", 1: "轻度失能", 2: "中度失能", 3: "重度失能", 4: "完全失能"}


def _share_row(identity: str) -> str:
    """The policy row an identity reads: dibao and other low-income elders share one row."""
    return {"tekun": "tekun", "dibao": "dibao_poor", "poor": "dibao_poor"}.get(identity, "other")


@dataclass(frozen=True)
class CareShare:
    eligible: bool
    government_share: int  # yuan a month (institution)
    self_share: int
    free_hours: int  # hours a month (home)
    reasons: list[tuple[str, bool, str]] = field(default_factory=list)  # (test, passed, Chinese detail)


def _check(identity: str, level: int, mode: str) -> None:
    if identity not in IDENTITIES:
        raise ValidationError(f"身份identity应为{'、'.join(IDENTITIES)}之一")
    if level not in LEVEL_NAMES:
        raise ValidationError("能力等级capability_level应为0–4的整数")
    if mode not in MODES:
        raise ValidationError("照护方式mode应为institution（机构）或home（居家）")


def home_free_hours(figure: Figure, *, identity: str, level: int) -> int:
    """Free home-care hours a month; 0 below the starting level (elderly_care.min_level)."""
    _check(identity, level, "home")
    if level < int(figure("elderly_care.min_level")):
        return 0
    return int(figure(f"elderly_care.home_hours.{_share_row(identity)}.level{level}"))


def care_share(
    figure: Figure, *, identity: str, level: int, mode: str, monthly_fee: Decimal | None = None
) -> CareShare:
    """The split of `monthly_fee` (institution) or the free hours (home). Institution: tekun → the
    government pays all at any level; others from the starting level by their row's share; the
    government's share is rounded to whole yuan half up and the elder pays the rest."""
    _check(identity, level, mode)
    min_level = int(figure("elderly_care.min_level"))
    who = f"{IDENTITIES[identity]}，{LEVEL_NAMES[level]}（{level}级）"
    if mode == "home":
        hours = home_free_hours(figure, identity=identity, level=level)
        ok = hours > 0
        detail = (
            f"{who}：每月免费居家照护{hours}小时" if ok else f"{who}：{LEVEL_NAMES[min_level]}及以上方可享受"
        )
        return CareShare(ok, 0, 0, hours, [("home_hours", ok, detail)])
    if monthly_fee is None or monthly_fee < 0:
        raise ValidationError("机构照护须填写月照护费monthly_fee（元，不小于0）")
    fee = Decimal(monthly_fee)
    ok = identity == "tekun" or level >= min_level
    rate = figure(f"elderly_care.gov_share.{_share_row(identity)}") if ok else Decimal(0)
    gov = int((fee * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    self_pay = int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP)) - gov
    detail = (
        f"{who}：政府承担{rate:.0%}即{gov}元，个人承担{self_pay}元"
        if ok
        else f"{who}：{LEVEL_NAMES[min_level]}及以上方可分担，费用{self_pay}元由个人承担"
    )
    return CareShare(ok, gov, self_pay, 0, [("institution_share", ok, detail)])
