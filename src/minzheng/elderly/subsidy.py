"""经济困难高龄、失能老年人补贴 (财社〔2014〕113号): the one eligibility definition, used by the decision
(services.subsidy_decide) and the registry's eligible-but-not-granted list. Economically difficult =
an active dibao or tekun enrolment; then aged at least the high-age start OR capability level at least
elder_subsidy.min_level. The amount: the level's figure for a disabled elder, the high-age figure for
the rest; an elder who is both gets the higher (the two are one subsidy, not added)."""

from __future__ import annotations

from dataclasses import dataclass, field

from minzheng.assistance.rules import Policy, Test

from .capability import LEVEL_NAMES

CODE = "elder_subsidy"
IDENTITY_PROGRAMMES = ("tekun", "dibao")  # the enrolments that make an elder economically difficult
IDENTITY_NAMES = {"tekun": "特困人员", "dibao": "低保对象", "none": "非低保特困对象"}


@dataclass
class Decision:
    eligible: bool
    amount: int
    tier: str = ""  # what the payroll shows: 失能n级 or 高龄
    reasons: list[Test] = field(default_factory=list)


def subsidy_eligibility(p: Policy, *, identity: str, age: int, level: int | None) -> Decision:
    start = int(p("high_age.start_age"))
    min_level = int(p("elder_subsidy.min_level"))
    poor = identity in IDENTITY_PROGRAMMES
    tests = [
        Test(
            "identity",
            poor,
            f"困难身份：{IDENTITY_NAMES.get(identity, identity)}"
            + ("" if poor else "（须为低保对象或特困人员）"),
        )
    ]
    old = age >= start
    disabled = level is not None and level >= min_level
    tests.append(Test("age", old, f"年龄{age}周岁（高龄补贴{start}周岁起）"))
    level_text = "未评估" if level is None else f"{LEVEL_NAMES[level]}（{level}级）"
    tests.append(
        Test("capability", disabled, f"能力等级{level_text}（失能补贴{LEVEL_NAMES[min_level]}及以上）")
    )
    if not poor or not (old or disabled):
        return Decision(False, 0, reasons=tests)
    amounts = []
    if disabled and level is not None:
        amounts.append((int(p(f"elder_subsidy.level{level}")), f"失能{level}级"))
    if old:
        amounts.append((int(p("elder_subsidy.high_age")), "高龄"))
    amount, tier = max(amounts)
    tests.append(Test("amount", True, f"按月补贴{amount}元（高龄与失能同时符合时取较高一档）"))
    return Decision(True, amount, tier, tests)
