"""老年人能力评估 (GB/T 42195-2022): the item table, the scoring and the level, and the trial calculation
`elderly_capability` (assess-lines.md). The item ranges and the level boundaries are the national
standard's own (not policy figures, which are money and move by date); no figure is read here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from minzheng.assistance.assess import evaluate, parse_case
from minzheng.assistance.rules import Case, Policy, Result, Test

CODE = "elderly_capability"

# part → ((item, 中文名, max score), ...) in the standard's order; every item's minimum is 0.
PARTS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "self_care": (
        ("eating", "进食", 4),
        ("grooming", "修饰", 4),
        ("bathing", "洗澡", 4),
        ("dressing_upper", "穿/脱上衣", 4),
        ("dressing_lower", "穿/脱裤子和鞋袜", 4),
        ("urination", "小便控制", 4),
        ("defecation", "大便控制", 4),
        ("toileting", "如厕", 4),
    ),
    "mobility": (
        ("bed_transfer", "床上体位转移", 4),
        ("chair_transfer", "床椅转移", 4),
        ("walking", "平地行走", 4),
        ("stairs", "上下楼梯", 3),
    ),
    "mental": (
        ("time_orientation", "时间定向", 4),
        ("space_orientation", "空间定向", 4),
        ("person_orientation", "人物定向", 4),
        ("memory", "记忆", 4),
        ("comprehension", "理解能力", 4),
        ("expression", "表达能力", 4),
        ("aggression", "攻击行为", 1),
        ("depression", "抑郁症状", 1),
        ("consciousness", "意识水平", 2),
    ),
    "perception": (
        ("vision", "视力", 2),
        ("hearing", "听力", 2),
        ("daily_affairs", "执行日常事务", 4),
        ("transport", "使用交通工具外出", 3),
        ("social", "社会交往能力", 4),
    ),
}
PART_NAMES = {
    "self_care": "自理能力",
    "mobility": "基础运动能力",
    "mental": "精神状态",
    "perception": "感知觉与社会参与",
}
ITEMS = tuple(item for part in PARTS.values() for item in part)
RISK_EVENTS = {
    "fall": "跌倒",
    "choking": "噎食",
    "self_harm": "自杀自伤",
    "wandering": "走失",
    "other": "其他",
}
LEVEL_NAMES = {0: "能力完好", 1: "轻度失能", 2: "中度失能", 3: "重度失能", 4: "完全失能"}
RISK_EVENTS_RAISE = 2  # 近30天照护风险事件合计2次及以上上调一级 (GB/T 42195-2022 5.3)


@dataclass(frozen=True)
class Capability:
    items: dict[str, int]  # the 26 item scores
    coma: bool
    diagnosis: bool
    risk_events: dict[str, int]


@dataclass(frozen=True)
class Outcome:
    scores: dict[str, int]
    total: int
    preliminary_level: int
    level: int
    reasons: list[Test]

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def _int(value: Any, label: str, hi: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{label}应为整数，收到“{value}”")
    if value < 0 or (hi is not None and value > hi):
        raise ValidationError(
            f"{label}应在0–{hi}之间，收到{value}" if hi is not None else f"{label}不能为负数"
        )
    return value


def _flag(value: Any, label: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValidationError(f"{label}应为 true 或 false")
    return value


def parse_capability(raw: Any, *, codes: bool = True) -> Capability:
    """The `capability` object of the contract, validated (Chinese messages): every item present and in
    its range, the flags booleans, the risk events non-negative counts of the five kinds. The trial's
    messages also give the field's code (a caller of the API fixes its JSON by it); the desk form passes
    codes=False: a person reads the item's name only."""

    def c(code: str) -> str:
        return code if codes else ""

    if not isinstance(raw, dict):
        raise ValidationError(f"能力评估{c('capability')}缺失或格式不正确，应为对象")
    items: dict[str, int] = {}
    for part, rows in PARTS.items():
        given = raw.get(part)
        if not isinstance(given, dict):
            raise ValidationError(f"{PART_NAMES[part]}{c(part)}缺失或格式不正确，应为对象")
        unknown = set(given) - {code for code, _, _ in rows}
        if unknown:
            raise ValidationError(f"{PART_NAMES[part]}中有未知项目：{'、'.join(sorted(unknown))}")
        for code, name, hi in rows:
            label = f"“{name}”（{code}）" if codes else f"“{name}”"
            if code not in given:
                raise ValidationError(f"{PART_NAMES[part]}缺少{label}")
            items[code] = _int(given[code], label, hi)
    events_raw = raw.get("risk_events_30d") or {}
    if not isinstance(events_raw, dict):
        raise ValidationError(f"近30天照护风险事件{c('risk_events_30d')}应为对象")
    unknown = set(events_raw) - set(RISK_EVENTS)
    if unknown:
        raise ValidationError(f"照护风险事件中有未知类别：{'、'.join(sorted(unknown))}")
    events = {k: _int(events_raw.get(k, 0), f"风险事件“{v}”次数", None) for k, v in RISK_EVENTS.items()}
    return Capability(
        items,
        _flag(raw.get("coma"), f"昏迷{c('coma')}"),
        _flag(raw.get("diagnosis"), f"诊断{c('diagnosis')}"),
        events,
    )


def level_by_total(total: int) -> int:
    """GB/T 42195-2022 表: 90 → 0; 66–89 → 1; 46–65 → 2; 30–45 → 3; 0–29 → 4."""
    if total >= 90:
        return 0
    if total >= 66:
        return 1
    if total >= 46:
        return 2
    if total >= 30:
        return 3
    return 4


def grade(c: Capability) -> Outcome:
    """Part scores, total, the preliminary level by total, and the final level: coma → 4; otherwise a
    diagnosis or 2+ risk events raise it by one (one in all), never beyond 4."""
    scores = {part: sum(c.items[code] for code, _, _ in rows) for part, rows in PARTS.items()}
    total = sum(scores.values())
    pre = level_by_total(total)
    events = sum(c.risk_events.values())
    tests = [
        Test(
            "score",
            True,
            "；".join(f"{PART_NAMES[k]}{v}分" for k, v in scores.items())
            + f"；总分{total}分，初步等级{LEVEL_NAMES[pre]}（{pre}级）",
        )
    ]
    if c.coma:
        level = 4
        tests.append(Test("coma", True, "处于昏迷状态，直接评定为完全失能（4级）"))
    else:
        why = []
        if c.diagnosis:
            why.append("确诊痴呆或其他精神和行为障碍")
        if events >= RISK_EVENTS_RAISE:
            why.append(f"近30天发生照护风险事件{events}次")
        level = min(4, pre + 1) if why else pre
        if why:
            detail = "、".join(why) + ("，上调一级" if level > pre else "，已为最高等级，不再上调")
            tests.append(Test("adjustment", True, detail + f"：{LEVEL_NAMES[level]}（{level}级）"))
        else:
            tests.append(Test("adjustment", True, f"无上调情形，最终等级{LEVEL_NAMES[level]}（{level}级）"))
    return Outcome(scores, total, pre, level, tests)


def _rule(capability: Capability) -> Any:
    def rule(case: Case, p: Policy) -> Result:
        o = grade(capability)
        return Result(
            programme=CODE,
            eligible=True,
            monthly_amount=0,
            standard=0,
            per_capita_income=0,
            members_covered=1,
            approval_level="",
            rule_version=p.version,
            reasons=[*o.reasons, Test("grant", True, "能力评估本身不产生待遇，结果用于补贴和照护服务")],
            extra={
                "scores": o.scores,
                "total": o.total,
                "preliminary_level": o.preliminary_level,
                "level": o.level,
                "level_name": o.level_name,
            },
        )

    return rule


def trial(data: dict[str, Any]) -> dict[str, Any]:
    """The registered trial `elderly_capability`: case in, scores and level out."""
    case = parse_case(data)
    capability = parse_capability(data.get("capability"))
    return evaluate(case, _rule(capability)).as_dict()
