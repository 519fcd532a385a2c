"""Trial calculation (救助试算) per shared/docs/assess.md: parse and validate a case (Chinese messages),
resolve the policy in force, run the shared rules. Used by the UI, `POST /api/v1/assistance/assess` and
`minzheng assess CASE.json`. `assess` dispatches through the programme registry, so every registered
programme's trial calculation answers here; `parse_case` and `evaluate` are what a line's own trial
function builds on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from minzheng.core.idnumber import parse_id_number
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes.registry import programme as registered
from minzheng.programmes.registry import trial as registered_trial
from minzheng.programmes.registry import trial_fields
from minzheng.programmes.registry import trials as registered_trials
from minzheng.regions.models import Region

from . import rules

RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "other")
SELF_CARE = ("full", "partial", "none")
DISABILITY_KINDS = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
VEHICLE_KINDS = ("car", "truck", "motorcycle", "disability", "farm")
MONEY_MAX = Decimal(10) ** 9


def _money(value: Any, label: str) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError(f"{label}应为数字")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{label}应为数字，收到“{value}”") from None
    if not d.is_finite():
        raise ValidationError(f"{label}应为有限数字")
    if d < 0:
        raise ValidationError(f"{label}不能为负数")
    if d > MONEY_MAX:
        raise ValidationError(f"{label}数额过大")
    return d


def _choice(value: Any, allowed: tuple[str, ...], label: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if value not in allowed:
        raise ValidationError(f"{label}取值“{value}”无效，应为：{' | '.join(allowed)}")
    return str(value)


def _bool(value: Any, label: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValidationError(f"{label}应为 true 或 false")
    return value


def _member(raw: Any, i: int) -> rules.Member:
    label = f"第{i}位成员"
    if not isinstance(raw, dict):
        raise ValidationError(f"{label}格式不正确，应为对象")
    info = parse_id_number_labelled(raw.get("id_number"), label)
    grade = raw.get("disability_grade")
    if grade is not None and (isinstance(grade, bool) or grade not in (1, 2, 3, 4)):
        raise ValidationError(f"{label}的残疾等级应为1至4或null")
    return rules.Member(
        id=info,
        relation=str(_choice(raw.get("relation"), RELATIONS, f"{label}的与户主关系")),
        monthly_wage=_money(raw.get("monthly_wage"), f"{label}的月工资"),
        employed=_bool(raw.get("employed"), f"{label}的就业状态", False),
        monthly_pension=_money(raw.get("monthly_pension"), f"{label}的月养老金"),
        other_income=_money(raw.get("other_income"), f"{label}的其他收入"),
        disability_grade=grade,
        disability_kind=_choice(
            raw.get("disability_kind"), DISABILITY_KINDS, f"{label}的残疾类别", optional=True
        ),
        severe_illness=_bool(raw.get("severe_illness"), f"{label}的重病标记", False),
        self_care=_self_care(raw, label),
        has_supporter=_bool(raw.get("has_supporter"), f"{label}的赡养人标记", True),
        name=str(raw.get("name") or ""),
        medical_oop=_money(raw.get("medical_oop"), f"{label}的本月医疗自付费用"),
        extra=_programme_fields(raw, label),
    )


def _self_care(raw: dict[str, Any], label: str) -> str:
    """`self_care`, or — deciding when given — `adl_unable`: the daily activities the member cannot do."""
    unable = raw.get("adl_unable")
    if unable is None:
        return str(_choice(raw.get("self_care", "full") or "full", SELF_CARE, f"{label}的自理能力"))
    if not isinstance(unable, list) or not all(isinstance(x, str) for x in unable):
        raise ValidationError(f"{label}的不能自理的日常活动应为列表")
    unknown = [x for x in unable if x not in rules.ADL_LABELS]
    if unknown:
        names = "、".join(rules.ADL_LABELS.values())
        raise ValidationError(f"{label}的日常活动“{unknown[0]}”无法识别，应为：{names}")
    return rules.self_care_from_adl(unable)


def _programme_fields(raw: dict[str, Any], label: str) -> dict[str, str]:
    """The per-member inputs registered by a programme (TrialField), validated against their choices."""
    extra: dict[str, str] = {}
    for _code, f in trial_fields():
        value = _choice(raw.get(f.name), tuple(f.choices), f"{label}的{f.label}", optional=True)
        if value is not None:
            extra[f.name] = value
    return extra


def trial_codes() -> tuple[str, ...]:
    """The codes of every registered trial calculation (programmes' and lines'), in order."""
    return tuple(t.code for t in registered_trials())


def parse_id_number_labelled(value: Any, label: str) -> Any:
    if not isinstance(value, str):
        raise ValidationError(f"{label}缺少身份证号")
    try:
        return parse_id_number(value)
    except ValidationError as e:
        raise ValidationError(f"{label}：{e.messages[0]}") from None


def parse_case(data: Any) -> rules.Case:
    if not isinstance(data, dict):
        raise ValidationError("输入应为JSON对象")
    programme = str(_choice(data.get("programme"), trial_codes(), "救助项目programme"))
    try:
        date = dt.date.fromisoformat(str(data.get("date")))
    except ValueError:
        raise ValidationError(f"日期date“{data.get('date')}”无效，格式应为YYYY-MM-DD") from None
    region = str(data.get("region") or "")
    if len(region) not in (6, 9, 12) or not region.isdigit():
        raise ValidationError(f"区划region“{region}”无效，应为6位县级代码或其下9/12位乡镇、村代码")
    known = Region.objects.filter(code=region).first()
    if known is None or known.level not in ("county", "township", "village"):
        raise ValidationError(f"区划{region}不是本市的县(市、区)、乡镇或村(社区)")
    hukou = str(_choice(data.get("hukou_type"), ("urban", "rural"), "户口性质hukou_type"))
    raw_members = data.get("members")
    if not isinstance(raw_members, list) or not raw_members:
        raise ValidationError("家庭成员members不能为空")
    if len(raw_members) > 30:
        raise ValidationError("家庭成员不能超过30人")
    members = tuple(_member(m, i) for i, m in enumerate(raw_members, start=1))
    heads = sum(m.relation == "head" for m in members)
    if heads != 1:
        raise ValidationError(f"家庭应有且只有一名户主（head），当前为{heads}名")
    ids = [m.id.id_number for m in members]
    if len(set(ids)) != len(ids):
        raise ValidationError("家庭成员身份证号重复")
    if any(m.id.birth_date > date for m in members):
        raise ValidationError("有成员的出生日期晚于试算日期")
    raw_assets = data.get("assets") or {}
    if not isinstance(raw_assets, dict):
        raise ValidationError("资产assets格式不正确，应为对象")
    vehicles = []
    raw_vehicles = raw_assets.get("vehicles") or []
    if not isinstance(raw_vehicles, list):
        raise ValidationError("车辆vehicles应为列表")
    for j, v in enumerate(raw_vehicles, start=1):
        if not isinstance(v, dict):
            raise ValidationError(f"第{j}辆车格式不正确")
        vehicles.append(
            rules.Vehicle(
                kind=str(_choice(v.get("kind"), VEHICLE_KINDS, f"第{j}辆车的类型")),
                value=_money(v.get("value"), f"第{j}辆车的价值"),
            )
        )
    homes = raw_assets.get("residential_properties", 0) or 0
    if isinstance(homes, bool) or not isinstance(homes, int) or homes < 0:
        raise ValidationError("住房套数residential_properties应为非负整数")
    assets = rules.Assets(
        financial=_money(raw_assets.get("financial"), "金融资产"),
        vehicles=tuple(vehicles),
        residential_properties=homes,
        business_capital=_money(raw_assets.get("business_capital"), "工商注册资本"),
    )
    requested = None
    if programme == "temporary":
        if data.get("amount_requested") is None:
            raise ValidationError("临时救助须填写申请金额amount_requested")
        requested = _money(data.get("amount_requested"), "申请金额")
        if requested <= 0:
            raise ValidationError("申请金额应大于0")
    return rules.Case(
        programme=programme,
        date=date,
        region=region,
        hukou_type=hukou,
        members=members,
        assets=assets,
        amount_requested=requested,
    )


def evaluate(
    case: rules.Case, rule: Callable[[rules.Case, rules.Policy], rules.Result], *, hukou_type: str = ""
) -> rules.Result:
    """Run one programme's rule on a parsed case with the policy in force for its date, place and hukou
    type (or `hukou_type`); the figures used travel with the result."""
    policy_set = policy_resolve(
        on=case.date, region_code=case.region, hukou_type=hukou_type or case.hukou_type
    )
    p = rules.Policy(policy_set, policy_set.version)
    try:
        result = rule(case, p)
    except PolicyMissing as e:
        raise ValidationError(str(e)) from None
    result.inputs = dict(p.used)
    return result


def _temporary(case: rules.Case, p: rules.Policy) -> rules.Result:
    return rules.assess_temporary(case, p, p("dibao.standard"))


ASSESSORS: dict[str, Callable[[rules.Case, rules.Policy], rules.Result]] = {
    "dibao": rules.assess_dibao,
    "tekun": rules.assess_tekun,
    "temporary": _temporary,
}


def assess_case(case: rules.Case) -> rules.Result:
    """One of this line's programmes (dibao, tekun, temporary) on a parsed case."""
    if case.programme not in ASSESSORS:
        raise ValidationError(f"{registered(case.programme).name}不由社会救助试算")
    # Temporary assistance thresholds are multiples of the local urban standard (policy.md).
    return evaluate(
        case, ASSESSORS[case.programme], hukou_type="urban" if case.programme == "temporary" else ""
    )


def trial(data: Any) -> dict[str, Any]:
    """The trial function this line registers for dibao, tekun and temporary."""
    return assess_case(parse_case(data)).as_dict()


def assess(data: Any) -> dict[str, Any]:
    """JSON in, JSON out (the contract): the registered trial calculation of the case's programme. Raises
    ValidationError with a Chinese message on bad input."""
    if not isinstance(data, dict):
        raise ValidationError("输入应为JSON对象")
    code = str(_choice(data.get("programme"), trial_codes(), "救助项目programme"))
    return registered_trial(code).run(data)
