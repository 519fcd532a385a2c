from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from minzheng.accounts.permissions import can, scope
from minzheng.regions.models import Region, RegionLevel

from .models import LIVE_STATUSES, HukouScope, ParameterStatus, PolicyParameter
from .specs import YEAR, format_number, parameter_specs, value_problems


class PolicyMissing(LookupError):
    pass


@dataclass(frozen=True)
class PolicyValue:
    key: str
    value: Decimal
    row_id: int
    source: str
    label: str


@dataclass(frozen=True)
class PolicySet:
    """The parameters in force for one date, region and hukou type: what a decision records."""

    on: dt.date
    region_code: str
    hukou_type: str
    values: dict[str, PolicyValue] = field(default_factory=dict)

    def get(self, key: str) -> Decimal:
        try:
            return self.values[key].value
        except KeyError:
            raise PolicyMissing(f"{self.on}在区划{self.region_code}没有有效的政策参数“{key}”") from None

    def has(self, key: str) -> bool:
        return key in self.values

    @property
    def version(self) -> str:
        """Stable id of exactly the rows used: same rows → same version."""
        ids = ",".join(
            f"{v.key}#{v.row_id}={v.value}" for v in sorted(self.values.values(), key=lambda v: v.key)
        )
        return f"{self.on:%Y%m%d}-" + hashlib.sha256(ids.encode()).hexdigest()[:12]

    def as_record(self) -> dict[str, str]:
        return {k: str(v.value) for k, v in sorted(self.values.items())}


def _prefixes(code: str) -> list[str]:
    return [""] + [code[:n] for n in (4, 6, 9, 12) if len(code) >= n]


def policy_resolve(*, on: dt.date, region_code: str, hukou_type: str) -> PolicySet:
    """One query: all approved rows in force on `on` for the region's ancestors; the most specific row
    wins. Proposed, withdrawn and rejected rows are never used."""
    rows = PolicyParameter.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        status=ParameterStatus.APPROVED,
        effective_from__lte=on,
        region_prefix__in=_prefixes(region_code),
        hukou_type__in=["", hukou_type],
    ).order_by("key", "region_prefix", "hukou_type", "effective_from")
    best: dict[str, tuple[tuple[int, int, dt.date], PolicyParameter]] = {}
    for row in rows:
        rank = (len(row.region_prefix), 1 if row.hukou_type else 0, row.effective_from)
        if row.key not in best or rank > best[row.key][0]:
            best[row.key] = (rank, row)
    values = {
        k: PolicyValue(key=k, value=r.value, row_id=r.pk, source=r.source, label=r.label)
        for k, (_, r) in best.items()
    }
    return PolicySet(on=on, region_code=region_code, hukou_type=hukou_type, values=values)


# ---------------------------------------------------------------- editing: who may do what
POLICY_REGION_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
ACTION_PERMISSIONS = {"approve": "policy.approve", "reject": "policy.approve", "withdraw": "policy.propose"}


def region_for_policy(code: str) -> Region | None:
    """A region a policy row may be limited to: a county, township or village of the tree (the prefixes
    `policy_resolve` matches). The city itself is the empty prefix."""
    return Region.objects.filter(code=code, level__in=POLICY_REGION_LEVELS).first()


def policy_counties() -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))


def parameter_label(key: str) -> str:
    label = (
        PolicyParameter.objects.filter(key=key, status=ParameterStatus.APPROVED)
        .order_by("-effective_from")
        .values_list("label", flat=True)
        .first()
    )
    spec = parameter_specs().get(key)
    return label or (spec.label if spec else "") or key


def proposal_refusal(*, actor: Any, row: PolicyParameter, action: str, today: dt.date) -> str:
    """Why `actor` may not approve / reject / withdraw `row` today ("" = may), apart from the permission
    itself. One rule for the buttons shown and for the services."""
    proposer = row.created_by_id
    started = row.effective_from <= today
    # a year's statistic is a fact of a year already ended: it is approved after its dates, not before
    spec = parameter_specs().get(row.key)
    fact = spec is not None and spec.period == YEAR
    if action == "approve":
        if row.status != ParameterStatus.PROPOSED:
            return "只能批准待复核的调整"
        if started and not fact:
            return "生效日期已到，不能再批准；请驳回或撤回后以新的生效日期重新提出"
    elif row.status not in LIVE_STATUSES:
        return "该调整已撤回或驳回"
    elif row.status == ParameterStatus.APPROVED and started:
        return "已生效的参数不能撤回或驳回，请以新的生效日期提出调整"
    if action == "withdraw":
        return "" if proposer is not None and proposer == actor.pk else "只有提出人可以撤回该调整"
    if proposer == actor.pk:
        return "须由提出人以外的另一名市级民政干部复核"
    if proposer is None and action == "approve":
        return "提出人不明，不能批准；请驳回后重新提出"
    return ""


def proposal_actions(*, actor: Any, row: PolicyParameter, today: dt.date) -> tuple[str, ...]:
    return tuple(
        action
        for action, permission in ACTION_PERMISSIONS.items()
        if can(actor, permission) and not proposal_refusal(actor=actor, row=row, action=action, today=today)
    )


# ---------------------------------------------------------------- the /policy/ page
@dataclass(frozen=True)
class ParameterLine:
    """One row as people read it: label, value with unit, region name, who proposed and who checked."""

    pk: int
    key: str
    label: str
    value: str
    region: str
    hukou: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    state: str
    state_label: str
    proposer: str
    decider: str
    note: str
    actions: tuple[str, ...]
    batch: str = ""


def _shown_value(text: str | None, unit: str) -> str:
    """Read from the column as text, so that a value the decimal field cannot hold (written around the
    services) shows as such instead of failing the page."""
    try:
        number = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return "无法识别的数值"
    if not number.is_finite():
        return "无法识别的数值"
    return f"{format_number(number)} {unit}".strip()


# What a row is today, for people: approved rows by date, the others by their status.
STATE_LABELS = {
    "in_force": "现行",
    "scheduled": "待生效",
    "superseded": "历史",
    ParameterStatus.PROPOSED: ParameterStatus.PROPOSED.label,
    ParameterStatus.WITHDRAWN: ParameterStatus.WITHDRAWN.label,
    ParameterStatus.REJECTED: ParameterStatus.REJECTED.label,
    "unknown": "状态不明",
}


def _state(row: PolicyParameter, today: dt.date) -> str:
    if row.status != ParameterStatus.APPROVED:
        known = (ParameterStatus.PROPOSED, ParameterStatus.WITHDRAWN, ParameterStatus.REJECTED)
        return row.status if row.status in known else "unknown"
    if row.effective_from > today:
        return "scheduled"
    if row.effective_to is None or row.effective_to >= today:
        return "in_force"
    return "superseded"


@dataclass(frozen=True)
class PolicyPage:
    in_force: list[ParameterLine]
    pending: list[ParameterLine]
    history: list[ParameterLine]
    keys: list[tuple[str, str, str]]  # key, label, unit for the proposal form
    counties: list[Region]
    can_propose: bool


def policy_page(*, actor: Any, today: dt.date) -> PolicyPage:
    """Every row, in three lists: in force today; proposals and approved changes not yet in force (with
    the actions the actor may take); the rest (superseded, withdrawn, rejected). Three queries."""
    rows = list(
        PolicyParameter.objects.select_related("created_by", "decided_by")
        .defer("value")
        .annotate(value_text=Cast("value", output_field=CharField()))
        .order_by("key", "region_prefix", "hukou_type", "-effective_from", "-id")
    )
    codes = {r.region_prefix for r in rows if r.region_prefix}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "full_name")) if codes else {}
    hukou = dict(HukouScope.choices)
    in_force: list[ParameterLine] = []
    pending: list[ParameterLine] = []
    history: list[ParameterLine] = []
    for r in rows:
        state = _state(r, today)
        line = ParameterLine(
            pk=r.pk,
            key=r.key,
            label=r.label or r.key,
            value=_shown_value(getattr(r, "value_text", None), r.unit),
            region=(names.get(r.region_prefix) or f"未知区划{r.region_prefix}")
            if r.region_prefix
            else "全市",
            hukou=hukou.get(r.hukou_type, "城乡类别不明"),
            effective_from=r.effective_from,
            effective_to=r.effective_to,
            source=r.source,
            state=state,
            state_label=STATE_LABELS[state],
            proposer=str(r.created_by) if r.created_by else "",
            decider=str(r.decided_by) if r.decided_by else "",
            note=r.note,
            actions=proposal_actions(actor=actor, row=r, today=today),
            batch=r.batch,
        )
        if state == "in_force":
            in_force.append(line)
        elif state in (ParameterStatus.PROPOSED, "scheduled"):
            pending.append(line)
        else:
            history.append(line)
    specs = parameter_specs()
    labels: dict[str, str] = {}
    for line in in_force:
        labels.setdefault(line.key, line.label)
    # Keys with no shipped row (entered by each county, e.g. the child workers' allowance) by their label.
    keys = [
        (k, labels.get(k) or spec.label, spec.unit) for k, spec in specs.items() if k in labels or spec.label
    ]
    return PolicyPage(
        in_force=in_force,
        pending=pending,
        history=history,
        keys=keys,
        counties=policy_counties(),
        can_propose=can(actor, "policy.propose"),
    )


def parameter_labels(keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """key → (label, unit) of the keys that have a label, in one query (core.labels reads it)."""
    found: dict[str, tuple[str, str]] = {}
    rows = PolicyParameter.objects.filter(key__in=list(keys)).order_by("key", "-effective_from")
    for key, label, unit in rows.values_list("key", "label", "unit"):
        if key not in found and label:
            found[key] = (label, unit)
    return found


# ---------------------------------------------------------------- standards linked to consumption
@dataclass(frozen=True)
class ConsumptionLine:
    county: str
    hukou: str
    consumption: Decimal | None
    ratio: Decimal | None
    computed: int | None
    in_force: Decimal | None

    @property
    def gap(self) -> int | None:
        if self.computed is None or self.in_force is None:
            return None
        return self.computed - int(self.in_force)


def consumption_standard(consumption: Decimal, ratio: Decimal) -> int:
    """The monthly standard from last year's per-capita consumption (yuan a year) and the link ratio,
    rounded to whole yuan, half up (policy.md). The one place this is computed."""
    return int((consumption * ratio / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))


STANDARD_KEY = "dibao.standard"
CONSUMPTION_KEY = "dibao.consumption_per_capita"
RATIO_KEY = "dibao.consumption_ratio"
LINKED_HUKOU = (HukouScope.URBAN, HukouScope.RURAL)


@dataclass(frozen=True)
class ConsumptionEntry:
    """What a city officer enters: last year's per-capita consumption per hukou type (yuan a year; the
    policy tables distinguish urban and rural, not counties) and the link ratio."""

    consumption: dict[str, Decimal]
    ratio: Decimal


def consumption_entry_problems(entry: ConsumptionEntry) -> list[str]:
    """Chinese messages for each entered figure out of its bounds (the specs in the policy tables), and
    for a computed standard outside the bounds of the dibao standard itself. One check for the trial and
    for the adoption."""
    specs = parameter_specs()
    problems: list[str] = []
    hukou = dict(HukouScope.choices)
    ratio_problems = value_problems(specs[RATIO_KEY], entry.ratio, label="挂钩比例")
    ratio_problems = ratio_problems or (["“挂钩比例”应大于0"] if entry.ratio <= 0 else [])
    for h in LINKED_HUKOU:
        label = f"上年{hukou[h]}居民人均消费支出"
        spent = entry.consumption.get(h)
        if spent is None:
            problems.append(f"请填写{label}")
            continue
        found = value_problems(specs[CONSUMPTION_KEY], spent, label=label)
        found = found or ([f"“{label}”应大于0"] if spent <= 0 else [])
        problems += found
        if not found and not ratio_problems:
            standard = specs[STANDARD_KEY]
            computed = consumption_standard(spent, entry.ratio)
            if not standard.min <= computed <= standard.max:
                problems.append(
                    f"按{label}测算的{hukou[h]}低保标准为{format_number(Decimal(computed))}元/月，"
                    f"超出低保标准的允许范围{format_number(standard.min)}至{format_number(standard.max)}"
                    f"{standard.unit}，请核对录入的数据和挂钩比例"
                )
    return problems + ratio_problems


def standard_drops(rows: Iterable[PolicyParameter]) -> list[str]:
    """For each proposed dibao standard lower than the one in force for its slot the day it would start,
    a Chinese sentence saying so (standards do not normally fall: approving one needs an explicit
    confirmation)."""
    hukou = dict(HukouScope.choices)
    drops: list[str] = []
    for row in rows:
        if row.key != STANDARD_KEY:
            continue
        current = policy_resolve(
            on=row.effective_from, region_code=row.region_prefix, hukou_type=row.hukou_type
        ).values.get(STANDARD_KEY)
        if current is not None and current.row_id != row.pk and Decimal(row.value) < current.value:
            region = Region.objects.filter(code=row.region_prefix).first() if row.region_prefix else None
            where = region.full_name if region else "全市"
            drops.append(
                f"{where}{hukou.get(row.hukou_type, '')}：现行{format_number(current.value)}元，"
                f"拟调为{format_number(Decimal(row.value))}元"
            )
    return drops


def consumption_page(
    *, actor: Any, today: dt.date, entry: ConsumptionEntry | None = None
) -> list[ConsumptionLine]:
    """Per county (in the actor's scope) and hukou type: last year's consumption × ratio beside the dibao
    standard in force today. With an `entry`, the proposed standard from the entered figures instead of
    the figures in the policy tables."""
    last_year = dt.date(today.year - 1, 7, 1)
    counties = scope(Region.objects.filter(level=RegionLevel.COUNTY), actor, field="code").order_by("code")
    hukou = dict(HukouScope.choices)
    lines: list[ConsumptionLine] = []
    for county in counties:
        for h in LINKED_HUKOU:
            now = policy_resolve(on=today, region_code=county.code, hukou_type=h)
            standard = now.values.get(STANDARD_KEY)
            if entry is not None:
                spent_value: Decimal | None = entry.consumption.get(h)
                ratio_value: Decimal | None = entry.ratio
            else:
                spent = policy_resolve(on=last_year, region_code=county.code, hukou_type=h).values.get(
                    CONSUMPTION_KEY
                )
                ratio = now.values.get(RATIO_KEY)
                spent_value = spent.value if spent else None
                ratio_value = ratio.value if ratio else None
            lines.append(
                ConsumptionLine(
                    county=county.full_name,
                    hukou=hukou[h],
                    consumption=spent_value,
                    ratio=ratio_value,
                    computed=consumption_standard(spent_value, ratio_value)
                    if spent_value is not None and ratio_value is not None
                    else None,
                    in_force=standard.value if standard else None,
                )
            )
    return lines


def standard_slots(*, on: dt.date) -> list[tuple[str, str]]:
    """The (region prefix, hukou type) slots the dibao standard is set in: the city's urban and rural rows
    and any county's or township's own row still in force on `on` (it would otherwise stay the more
    specific row and hide the new city-wide standard). One query."""
    own = (
        PolicyParameter.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
            key=STANDARD_KEY,
            status=ParameterStatus.APPROVED,
            hukou_type__in=LINKED_HUKOU,
        )
        .exclude(region_prefix="")
        .values_list("region_prefix", "hukou_type")
        .distinct()
    )
    return [("", h) for h in LINKED_HUKOU] + sorted(set(own))


@dataclass(frozen=True)
class ProposalGroup:
    """One proposal as it is decided: its rows (every slot and both hukou types, and the ratio, or a
    single row), decided together in one action; with a warning for each standard it would lower."""

    lines: list[ParameterLine]
    drops: list[str]

    @property
    def pk(self) -> int:
        return self.lines[0].pk

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(a for a in self.lines[0].actions if all(a in x.actions for x in self.lines))


def consumption_pending(*, actor: Any, today: dt.date) -> list[ProposalGroup]:
    """Changes of the standard, the ratio or the yearly consumption not yet in force (proposed, or
    approved and scheduled), one group per proposal, with the actions the actor may take on the whole
    proposal: the checker approves it here, in one action."""
    lines = [
        line
        for line in policy_page(actor=actor, today=today).pending
        if line.key in (STANDARD_KEY, RATIO_KEY, CONSUMPTION_KEY)
    ]
    groups: dict[str, list[ParameterLine]] = {}
    for line in lines:
        groups.setdefault(line.batch or f"row{line.pk}", []).append(line)
    proposed = {
        line.pk for line in lines if line.state == ParameterStatus.PROPOSED and line.key == STANDARD_KEY
    }
    rows = PolicyParameter.objects.filter(pk__in=proposed).order_by("pk")
    drops: dict[int, list[str]] = {r.pk: standard_drops([r]) for r in rows}
    return [
        ProposalGroup(
            lines=sorted(group, key=lambda x: x.pk),
            drops=[d for x in sorted(group, key=lambda x: x.pk) for d in drops.get(x.pk, [])],
        )
        for group in groups.values()
    ]
