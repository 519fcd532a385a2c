"""The scored checklists: a protection report's risk assessment and an adopter family's assessment. The
items are the instrument (what is asked, how much it weighs); where the level or pass line falls is policy
(`protection.risk_*`, `adoption.pass_score`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from minzheng.policy.selectors import PolicyMissing, policy_resolve

# (code, question, weight)
RISK_ITEMS: tuple[tuple[str, str, int], ...] = (
    ("injury", "儿童身上有伤或遭受暴力的迹象", 30),
    ("sexual", "疑似遭受性侵害", 40),
    ("no_guardian", "监护人缺失、失联或无法履行监护职责", 25),
    ("neglect", "长期无人照料、饮食或就医得不到保障", 20),
    ("guardian_harm", "侵害人为监护人或共同生活人", 20),
    ("out_of_school", "辍学或长期未到校", 10),
    ("mental", "有自伤、自杀念头或严重情绪问题", 25),
    ("repeat", "此前已有同类报告", 10),
)

ADOPTER_ITEMS: tuple[tuple[str, str, int], ...] = (
    ("motive", "收养动机正当，了解收养的法律后果", 20),
    ("health", "收养人身体健康，无不宜收养的疾病", 15),
    ("income", "家庭收入稳定，有抚养、教育和保护被收养人的能力", 20),
    ("housing", "居住条件满足儿童生活需要（家访核实）", 15),
    ("record", "无不利于被收养人健康成长的违法犯罪记录", 20),
    ("family", "共同生活家庭成员同意并支持收养", 10),
)


def _score(items: tuple[tuple[str, str, int], ...], answers: list[str]) -> tuple[dict[str, bool], int]:
    known = {code for code, _, _ in items}
    unknown = [a for a in answers if a not in known]
    if unknown:
        raise ValidationError("评估项不正确，请刷新页面后重试")
    chosen = {code: code in answers for code, _, _ in items}
    return chosen, sum(w for code, _, w in items if chosen[code])


def _figure(key: str, *, on: object, region_code: str) -> int:
    try:
        return int(policy_resolve(on=on, region_code=region_code, hukou_type="").get(key))  # type: ignore[arg-type]
    except PolicyMissing as e:
        raise ValidationError(f"无法评定：{e}") from None


def risk_score(answers: list[str], *, on: object, region_code: str) -> tuple[dict[str, bool], int, str]:
    """The checked items, the score and the risk level (低/中/高) by the policy's lines."""
    chosen, score = _score(RISK_ITEMS, answers)
    if score >= _figure("protection.risk_high_score", on=on, region_code=region_code):
        level = "high"
    elif score >= _figure("protection.risk_medium_score", on=on, region_code=region_code):
        level = "medium"
    else:
        level = "low"
    return chosen, score, level


def adopter_score(answers: list[str], *, on: object, region_code: str) -> tuple[dict[str, bool], int, bool]:
    """The checked items, the score and whether it reaches the pass line."""
    chosen, score = _score(ADOPTER_ITEMS, answers)
    return chosen, score, score >= _figure("adoption.pass_score", on=on, region_code=region_code)
