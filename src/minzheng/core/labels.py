"""Display labels: what a person reads instead of an internal code (relation `head`, test `income_gap`,
state `draft`, policy key `dibao.standard`, region `370811001`). Letters, the why page and the 核对 report
use these; English pages get the English through gettext. Unknown codes fall back to a neutral word,
never to the code itself.

Core sits below the apps whose codes it names (states, regions, policy keys), so it does not import
them: each app registers its lookup in its AppConfig.ready() (register_states, register_region_names,
register_policy_labels)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

RELATIONS: dict[str, Promise] = {
    "head": _("户主"),
    "spouse": _("配偶"),
    "child": _("子女"),
    "parent": _("父母"),
    "grandchild": _("孙子女"),
    "other": _("其他亲属"),
}

# Rule reasons (assistance/rules.py) and the 核对 report's own checks.
TESTS: dict[str, Promise] = {
    "income": _("收入"),
    "financial_assets": _("金融资产"),
    "vehicles": _("机动车"),
    "residential_property": _("住房"),
    "business": _("工商登记"),
    "amount": _("保障金额"),
    "single_person_coverage": _("单人保"),
    "category": _("特困人员条件"),
    "supporter": _("法定赡养、抚养、扶养人"),
    "locality": _("受理地"),
    "approval_level": _("审批权限"),
    "cap": _("单次救助上限"),
    "age": _("年龄"),
    "alive": _("到龄即享"),
    "sources_found": _("数据源比对"),
}

# 困难指数 dimensions (verification/difficulty.py).
DIMENSIONS: dict[str, Promise] = {
    "income_gap": _("收入差距"),
    "severe_disability": _("重残重病"),
    "dependants": _("抚养赡养负担"),
    "medical": _("医疗支出"),
    "education": _("教育支出"),
    "housing": _("无自有住房"),
    "sudden": _("突发变故"),
}

EDUCATION: dict[str, Promise] = {
    "primary": _("小学"),
    "junior": _("初中"),
    "senior": _("高中"),
    "vocational": _("中职"),
    "college": _("大专"),
    "university": _("大学本科及以上"),
}

VEHICLES: dict[str, Promise] = {
    "car": _("小汽车"),
    "truck": _("货车"),
    "motorcycle": _("摩托车"),
    "disability": _("残疾人代步车"),
    "farm": _("农用车"),
}

DISABILITY_KINDS: dict[str, Promise] = {
    "visual": _("视力残疾"),
    "hearing": _("听力残疾"),
    "speech": _("言语残疾"),
    "physical": _("肢体残疾"),
    "intellectual": _("智力残疾"),
    "mental": _("精神残疾"),
    "multiple": _("多重残疾"),
}

UNKNOWN = _("其他")

# Filled by the apps above core in their ready(): workflow states (code → Chinese name), and lookups of
# region names (code → (name, full name)) and policy parameter labels (key → (label, unit)); a lookup
# returns only what it found, in one query.
RegionLookup = Callable[[Iterable[str]], dict[str, tuple[str, str]]]
PolicyLookup = Callable[[Iterable[str]], dict[str, tuple[str, str]]]
STATES: dict[str, str] = {}
_lookups: dict[str, Callable[[Iterable[str]], dict[str, tuple[str, str]]]] = {}


def register_states(choices: Iterable[tuple[str, Any]]) -> None:
    """Adds a workflow's states, as Django choices (value, Chinese label)."""
    STATES.update((str(value), str(label)) for value, label in choices)


# Codes a programme stores as an enrolment's tier (a child's category): programme → {code: label}.
TIER_LABELS: dict[str, dict[str, str]] = {}


def register_tier_labels(programme: str, labels: dict[str, str]) -> None:
    TIER_LABELS.setdefault(programme, {}).update(labels)


def tier_label(programme: str, tier: str) -> str:
    """An enrolment's tier as people read it: most programmes store words (80–89岁, 2026学年), a few a
    code (the child's category), which is named here."""
    return TIER_LABELS.get(programme, {}).get(tier, tier)


def register_region_names(lookup: RegionLookup) -> None:
    _lookups["region"] = lookup


def register_policy_labels(lookup: PolicyLookup) -> None:
    _lookups["policy"] = lookup


def _found(kind: str, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    lookup = _lookups.get(kind)
    if lookup is None:
        raise LookupError(f"no {kind} labels registered (is its app installed?)")
    return lookup(codes)


def _lookup(table: dict[str, Promise], code: Any) -> str:
    code = "" if code is None else str(code)
    if code and not code.isascii():  # already a word (older stored reports), not a code
        return code
    return str(table.get(code, UNKNOWN))


def relation_label(code: str) -> str:
    return _lookup(RELATIONS, code)


def test_label(code: str) -> str:
    return _lookup(TESTS, code)


def dimension_label(code: str) -> str:
    return _lookup(DIMENSIONS, code)


def education_label(code: str) -> str:
    return _lookup(EDUCATION, code)


def vehicle_label(code: str) -> str:
    return _lookup(VEHICLES, code)


def disability_label(code: str) -> str:
    return _lookup(DISABILITY_KINDS, code)


def state_label(code: str) -> str:
    label = STATES.get("" if code is None else str(code))
    return gettext(label) if label is not None else str(UNKNOWN)


def number(value: Any) -> str:
    """A figure as people write it: 537, 193.33, -12.5 — no trailing zeros, at most 2 decimals."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not d.is_finite():
        return str(value)
    q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        return str(int(q))
    return format(q.normalize(), "f")


def amount(value: Any, unit: str = "元") -> str:
    """537.0000 → "537元"; 193.3333 → "193.33元"; the unit follows the figure as in Chinese text. A
    ratio (unit 比例) reads as a percentage: 0.2000 → "20%"."""
    if unit == "比例":
        try:
            return f"{number(Decimal(str(value)) * 100)}%"
        except (InvalidOperation, ValueError):
            return str(value)
    return f"{number(value)}{gettext(unit) if unit else ''}"


def policy_labels(keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """key → (label, unit) from the PolicyParameter rows (one query); a key without a label keeps a
    neutral name rather than showing the key."""
    keys = list(keys)
    found = _found("policy", keys)
    return {k: found.get(k, (gettext("政策参数"), "")) for k in keys}


def policy_rows(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The policy figures a decision used, as (label, "537元/月") rows."""
    labels = policy_labels(values)
    out = []
    for key, value in values.items():
        label, unit = labels[key]
        out.append((label, amount(value, unit)))
    return out


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """code → name (one query)."""
    codes = [c for c in set(codes) if c]
    return {code: name for code, (name, _full) in _found("region", codes).items()} if codes else {}


def region_name(code: str, *, full: bool = False) -> str:
    """A region's name (full: 济宁市任城区王邹街道…); an unknown code reads as 未知区划, never as digits."""
    found = _found("region", [code]).get(code) if code else None
    if found is None:
        return gettext("未知区划")
    name, full_name = found
    return (full_name or name) if full else name


_REGION_CODE = re.compile(r"(?<!\d)(\d{6}|\d{9}|\d{12})(?!\d)")
_VEHICLE_LIST = re.compile(
    r"（((?:car|truck|motorcycle|disability|farm)(?:、(?:car|truck|motorcycle|disability|farm))*)）"
)


def humanise(text: str) -> str:
    """A stored rule reason as a person reads it: region codes become names (急难发生地370811001001受理 →
    急难发生地…王邹街道…受理) and vehicle kinds become words. Reasons are stored verbatim with the decision;
    only their display changes."""
    if not text:
        return text
    codes = {m.group(1) for m in _REGION_CODE.finditer(text)}
    if codes:
        names = {code: full for code, (_name, full) in _found("region", codes).items()}
        text = _REGION_CODE.sub(lambda m: names.get(m.group(1)) or m.group(1), text)
    return _VEHICLE_LIST.sub(
        lambda m: "（" + "、".join(vehicle_label(k) for k in m.group(1).split("、")) + "）", text
    )


_RULE_VERSION = re.compile(r"^(\d{4})(\d{2})(\d{2})-[0-9a-f]+$")


def rule_version_label(version: str) -> str:
    """A decision's rule version as people read it on letters and desk pages: the date whose policy rows
    it used (按2025年6月1日施行的政策参数); the exact row hash stays on the why page and in the record."""
    m = _RULE_VERSION.match(version or "")
    if m is None:
        return version or "—"
    y, mo, d = (int(g) for g in m.groups())
    return gettext("按%(y)d年%(m)d月%(d)d日施行的政策参数") % {"y": y, "m": mo, "d": d}


# The audit log's targets (`volunteers.signup`, `person.merge`) and changed fields, as people read them. A
# line may register its own wording in its ready() (register_audit_labels); anything unregistered reads
# through audit.selectors' fallback: the app's verbose name + the model's verbose name or a word below.
AUDIT_TARGETS: dict[str, str] = {
    "user": "账号",
    "otp": "动态口令",
    "api_token": "接口令牌",
    "person": "人员",
    "policy": "政策参数",
    "screening": "监测批次",
    "verification": "家庭经济状况核对",
    "verification_report": "核对报告",
    # what an enrolment was decided by (benefits.Enrolment.source_type), read on the person page
    "import": "历史数据导入",
    "condolence": "节日慰问金名单",
    "student_award": "大学生年度资助",
    "elderly.subsidy": "老年人补贴决定",
    "children.decision": "儿童保障决定",
    "disability.application": "残疾人补贴申请",
}

# Second parts of a target type that are an action or an aspect rather than a model.
AUDIT_WORDS: dict[str, str] = {
    "export": "导出",
    "merge": "身份合并",
    "state": "办理状态",
    "photo": "照片",
    "assignment": "分派",
    "check": "复核",
    "rectify": "整改",
    "transfer": "转移",
    "lookup": "查询",
    "certificate": "证明",
    "correction": "更正",
    "bank_file": "银行代发文件",
    "second_approval": "第二人审批",
    "payee_account": "收款账户",
    "payee_accounts": "收款账户",
    "objection": "公示异议",
    "document": "申请材料",
    "persons": "人员",
    "raise": "预警与转介",
    "death": "死亡报告",
    "not_visited": "未探访说明",
    "log": "审计日志",
    "parameter": "政策参数",
    "measure": "保护措施",
    "snapshot": "快照",
    "importjob": "导入任务",
}

# Field names that recur across the house; a model's own verbose names come first.
AUDIT_FIELDS: dict[str, str] = {
    "status": "状态",
    "state": "办理状态",
    "from": "原状态",
    "to": "新状态",
    "reason": "原因",
    "reasons": "理由",
    "note": "备注",
    "name": "名称",
    "title": "标题",
    "amount": "金额",
    "hours": "时长",
    "user": "账号",
    "role": "角色",
    "region": "区划",
    "region_code": "区划",
    "filters": "筛选条件",
    "rows": "行数",
    "count": "数量",
    "programme": "保障项目",
    "outcome": "结果",
    "version": "版本",
    "level": "等级",
    "capacity": "名额",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "quantity": "数量",
    "stock": "库存",
    "price": "价格",
    "file": "文件",
    "sha256": "文件校验值",
    "id_number": "身份证号",
    "target": "所选对象",
}


def register_audit_labels(
    targets: dict[str, str] | None = None, fields: dict[str, str] | None = None
) -> None:
    """A line's own wording for its audit target types (`visits.checkin` → 报平安) and fields."""
    AUDIT_TARGETS.update(targets or {})
    AUDIT_FIELDS.update(fields or {})
