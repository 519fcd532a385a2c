from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record

from . import hooks, selectors
from .models import LIVE_STATUSES, HukouScope, ParameterStatus, PolicyParameter
from .specs import YEAR, ParameterSpec, format_number, parameter_specs, value_problems

DEFAULT_FIXTURE = Path(__file__).parent / "fixtures" / "policy_default.json"
SOURCE_MAX = PolicyParameter._meta.get_field("source").max_length or 200
# A change is entered ahead of time (a standard is set for the coming year), never decades ahead.
YEARS_AHEAD = 3
# A year's statistic (a fact) is entered for a year that has ended, not for one before this (a typing check).
YEAR_FIGURES_FROM = 2000


def _fixture_row_problems(n: int, row: dict[str, Any], specs: dict[str, ParameterSpec]) -> list[str]:
    where = f"第{n}行（{row.get('key', '')}）"
    spec = specs.get(row.get("key", ""))
    if spec is None:
        return [f"{where}：参数没有规格（parameter_specs.json）"]
    problems = [f"{where}：{p}" for p in value_problems(spec, row.get("value"), label=row.get("label", ""))]
    if row.get("unit", "") != spec.unit:
        problems.append(f"{where}：单位“{row.get('unit', '')}”与规格“{spec.unit}”不符")
    if row.get("hukou_type", "") not in HukouScope.values:
        problems.append(f"{where}：城乡类别不正确")
    if row.get("region_prefix", "") and not selectors.region_for_policy(row["region_prefix"]):
        problems.append(f"{where}：区划{row['region_prefix']}不存在")
    if not str(row.get("label", "")).strip() or not str(row.get("source", "")).strip():
        problems.append(f"{where}：名称和依据不能为空")
    start = parse_date(row.get("effective_from") or "")
    end = parse_date(row["effective_to"]) if row.get("effective_to") else None
    if start is None or (end is not None and end < start):
        problems.append(f"{where}：起止日期不正确")
    return problems


@transaction.atomic
def policy_load_fixture(*, path: Path = DEFAULT_FIXTURE) -> int:
    """Load a versioned policy fixture as approved rows (it is the published baseline); rows already
    present (same key/region/hukou/start) are kept. A row outside its spec refuses the whole file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    specs = parameter_specs()
    problems = [
        p for n, row in enumerate(data["parameters"], 1) for p in _fixture_row_problems(n, row, specs)
    ]
    if problems:
        raise ValidationError([f"政策参数文件{path.name}未载入：", *problems])
    created = 0
    for row in data["parameters"]:
        _, was_created = PolicyParameter.objects.get_or_create(
            key=row["key"],
            region_prefix=row.get("region_prefix", ""),
            hukou_type=row.get("hukou_type", ""),
            effective_from=parse_date(row["effective_from"]),
            status=ParameterStatus.APPROVED,
            defaults={
                "label": row["label"],
                "value": Decimal(str(row["value"])),
                "unit": row["unit"],
                "source": row["source"],
                "effective_to": parse_date(row["effective_to"]) if row.get("effective_to") else None,
                "dataset": data["dataset"],
            },
        )
        created += int(was_created)
    return created


def _latest_approved(key: str, region_prefix: str, hukou_type: str) -> PolicyParameter | None:
    """The newest approved row of a slot, locked: the one a new row would close."""
    return (
        PolicyParameter.objects.select_for_update()
        .filter(key=key, region_prefix=region_prefix, hukou_type=hukou_type, status=ParameterStatus.APPROVED)
        .order_by("-effective_from")
        .first()
    )


def _year_problems(effective_from: dt.date, today: dt.date) -> list[str]:
    """A statistic of one calendar year (a fact, not a rule): entered once the year has ended."""
    if (effective_from.month, effective_from.day) != (1, 1):
        return ["统计数据按年度录入，起始日期应为该年1月1日"]
    if effective_from.year >= today.year:
        return [f"{effective_from.year}年尚未结束，只能录入{today.year - 1}年及以前已公布的年度数据"]
    if effective_from.year < YEAR_FIGURES_FROM:
        return [f"年度数据只能录入{YEAR_FIGURES_FROM}年及以后的"]
    return []


def _date_problems(
    effective_from: Any, latest: PolicyParameter | None, today: dt.date, period: str = ""
) -> list[str]:
    if not isinstance(effective_from, dt.date):
        return ["生效日期格式应为YYYY-MM-DD"]
    if period == YEAR:
        return _year_problems(effective_from, today)
    limit = dt.date(today.year + YEARS_AHEAD, 12, 31)
    if effective_from <= today:
        # Decisions already taken used the figure in force; a change never reaches back over them.
        return [f"生效日期须晚于今天（{today:%Y-%m-%d}），已过去的日期不能改动"]
    if effective_from > limit:
        return [f"生效日期不能晚于{limit:%Y-%m-%d}"]
    if latest is not None and effective_from <= latest.effective_from:
        return [f"生效日期须晚于现行（或已批准）标准的起始日期{latest.effective_from:%Y-%m-%d}"]
    return []


def _change_problems(
    *,
    key: str,
    value: Any,
    effective_from: Any,
    source: str,
    region_prefix: str,
    hukou_type: str,
    latest: PolicyParameter | None,
    today: dt.date,
) -> list[str]:
    spec = parameter_specs().get(key)
    known = spec is not None and (
        bool(spec.label) or PolicyParameter.objects.filter(key=key, status=ParameterStatus.APPROVED).exists()
    )
    if spec is None or not known:
        return [f"政策参数“{key}”不存在"]
    problems = value_problems(spec, value, label=selectors.parameter_label(key))
    if region_prefix and selectors.region_for_policy(region_prefix) is None:
        problems.append("适用区划应为本市的县（市、区）、乡镇（街道）或村（社区），全市适用请选“全市”")
    if hukou_type not in HukouScope.values:
        problems.append("城乡类别应为城镇、农村或城乡通用")
    if not source.strip():
        problems.append("请填写调整依据（文件名称、文号）")
    elif len(source.strip()) > SOURCE_MAX:
        problems.append(f"依据不超过{SOURCE_MAX}个字")
    return problems + _date_problems(effective_from, latest, today, spec.period)


def _audit_values(row: PolicyParameter | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "key": row.key,
        "value": format_number(Decimal(row.value)),
        "unit": row.unit,
        "region": row.region_prefix,
        "hukou_type": row.hukou_type,
        "from": row.effective_from,
        "to": row.effective_to,
        "status": row.status,
        "source": row.source,
    }


@transaction.atomic
def policy_parameter_propose(
    *,
    actor: Any,
    key: str,
    value: Decimal,
    effective_from: dt.date,
    source: str,
    region_prefix: str = "",
    hukou_type: str = "",
    batch: str = "",
) -> PolicyParameter:
    """Propose a new dated value (never an edit in place). It is not used anywhere until a second city
    officer approves it; every problem with the entry is reported at once and nothing is saved."""
    region_prefix = (region_prefix or "").strip()
    require(actor, "policy.propose", target=f"policy:{key}")
    latest = _latest_approved(key, region_prefix, hukou_type)
    today = timezone.localdate()
    problems = _change_problems(
        key=key,
        value=value,
        effective_from=effective_from,
        source=source,
        region_prefix=region_prefix,
        hukou_type=hukou_type,
        latest=latest,
        today=today,
    )
    if problems:
        raise ValidationError(problems)
    # A region of the tree, now also within the proposer's own region.
    require(actor, "policy.propose", region_code=region_prefix or None, target=f"policy:{key}")
    spec = parameter_specs()[key]
    try:
        with transaction.atomic():
            row = PolicyParameter.objects.create(
                key=key,
                label=selectors.parameter_label(key),
                value=value,
                unit=spec.unit,
                region_prefix=region_prefix,
                hukou_type=hukou_type,
                effective_from=effective_from,
                # a year's statistic covers that year only; it closes no other row
                effective_to=effective_from.replace(month=12, day=31) if spec.period == YEAR else None,
                source=source.strip(),
                dataset="edited",
                status=ParameterStatus.PROPOSED,
                created_by=actor,
                batch=batch,
            )
    except IntegrityError:
        raise ValidationError("同一参数、区划、城乡类别和生效日期已有待复核或已批准的调整") from None
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="policy",
        target_id=row.pk,
        region_code=region_prefix,
        detail=f"提出政策参数调整：{row.label}",
        old=_audit_values(latest),
        new=_audit_values(row),
    )
    return row


def _locked(proposal: PolicyParameter) -> PolicyParameter:
    """The row, locked. Its value is read as text: a row written around the services with a value the
    decimal field cannot hold gets NaN (which no check lets through) so it can still be rejected."""
    row = (
        PolicyParameter.objects.select_for_update()
        .defer("value")
        .annotate(value_text=Cast("value", output_field=CharField()))
        .filter(pk=proposal.pk)
        .first()
    )
    if row is None:
        raise ValidationError("该政策参数调整不存在")
    try:
        row.value = Decimal(str(row.value_text))
    except InvalidOperation:
        row.value = Decimal("NaN")
    return row


def _refuse_unless_allowed(actor: Any, row: PolicyParameter, action: str) -> None:
    refusal = selectors.proposal_refusal(actor=actor, row=row, action=action, today=timezone.localdate())
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def policy_proposal_approve(*, actor: Any, proposal: PolicyParameter) -> PolicyParameter:
    """The check of make-and-check: another city officer approves; the approved row closes the row in
    force the day before its start (remembering that row's old end, so a withdrawal restores it). A row
    that is part of a larger proposal is approved only with the whole proposal
    (`policy_batch_approve`)."""
    require(
        actor, "policy.approve", region_code=proposal.region_prefix or None, target=f"policy:{proposal.pk}"
    )
    row = _locked(proposal)
    if row.batch:
        raise ValidationError("该调整是整套标准方案的一部分，须整体批准，不能单独批准")
    return _approve(actor=actor, row=row)


def _batch_rows(row: PolicyParameter) -> list[PolicyParameter]:
    """Every row of the proposal `row` belongs to, locked, in the order proposed."""
    if not row.batch:
        return [row]
    pks = PolicyParameter.objects.filter(batch=row.batch).order_by("pk").values_list("pk", flat=True)
    return [_locked(PolicyParameter(pk=pk)) for pk in pks]


@transaction.atomic
def policy_batch_approve(
    *, actor: Any, proposal: PolicyParameter, confirm_lower: bool = False
) -> list[PolicyParameter]:
    """Approve a whole proposal in one make-and-check action (every county's slot, both hukou types and
    the ratio): all its rows or none. A proposal that lowers a standard in force is approved only with
    `confirm_lower` (standards do not normally fall)."""
    require(
        actor, "policy.approve", region_code=proposal.region_prefix or None, target=f"policy:{proposal.pk}"
    )
    rows = _batch_rows(_locked(proposal))
    today = timezone.localdate()
    problems: list[str] = []
    for row in rows:
        refusal = selectors.proposal_refusal(actor=actor, row=row, action="approve", today=today)
        if refusal and refusal not in problems:
            problems.append(refusal)
    if problems:
        raise ValidationError(problems)
    drops = selectors.standard_drops(rows)
    if drops and not confirm_lower:
        raise ValidationError(
            "该方案将降低现行低保标准（" + "；".join(drops) + "），请核实后勾选“确认降低标准”再批准"
        )
    approved = [_approve(actor=actor, row=row) for row in rows]
    if len(rows) > 1:
        audit_record(
            actor=actor,
            event_type=AuditEvent.DECISION,
            target_type="policy",
            target_id=rows[0].pk,
            region_code="",
            detail="整体批准低保标准调整方案",
            new={"proposals": [r.pk for r in rows], "lowered": drops},
        )
    return approved


def _approve(*, actor: Any, row: PolicyParameter) -> PolicyParameter:
    _refuse_unless_allowed(actor, row, "approve")
    latest = _latest_approved(row.key, row.region_prefix, row.hukou_type)
    # Checked again: the spec, the region tree or the slot may have changed since it was proposed.
    problems = _change_problems(
        key=row.key,
        value=Decimal(row.value),
        effective_from=row.effective_from,
        source=row.source,
        region_prefix=row.region_prefix,
        hukou_type=row.hukou_type,
        latest=latest,
        today=timezone.localdate(),
    )
    if problems:
        raise ValidationError(problems)
    old = _audit_values(row)
    replaced_old = _audit_values(latest)
    yearly = parameter_specs()[row.key].period == YEAR
    if (
        not yearly
        and latest is not None
        and (latest.effective_to is None or latest.effective_to >= row.effective_from)
    ):
        row.replaced, row.replaced_until = latest, latest.effective_to
        latest.effective_to = row.effective_from - dt.timedelta(days=1)
        latest.save(update_fields=["effective_to"])
    row.status = ParameterStatus.APPROVED
    row.decided_by, row.decided_at = actor, timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at", "replaced", "replaced_until"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="policy",
        target_id=row.pk,
        region_code=row.region_prefix,
        detail=f"复核批准政策参数调整：{row.label}",
        old={"proposal": old, "in_force": replaced_old},
        new={"proposal": _audit_values(row), "in_force": _audit_values(latest)},
    )
    return row


def _undo(
    *, actor: Any, row: PolicyParameter, status: str, note: str, event: str, detail: str
) -> PolicyParameter:
    """Withdraw or reject: a proposal simply stops; an approved row (only before its effective date, and
    only the newest of its slot) also gives the row it closed its old end date back."""
    old = _audit_values(row)
    restored = None
    if row.status == ParameterStatus.APPROVED:
        newer = PolicyParameter.objects.filter(
            key=row.key,
            region_prefix=row.region_prefix,
            hukou_type=row.hukou_type,
            status=ParameterStatus.APPROVED,
            effective_from__gt=row.effective_from,
        ).exists()
        if newer:
            raise ValidationError("其后还有同一参数的调整，请先撤回或驳回后面的调整")
        if row.replaced_id:
            restored = PolicyParameter.objects.select_for_update().get(pk=row.replaced_id)
    restored_old = _audit_values(restored)
    if restored is not None:
        restored.effective_to = row.replaced_until
        restored.save(update_fields=["effective_to"])
    row.status = status
    row.note = note
    row.decided_by, row.decided_at = actor, timezone.now()
    row.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        event_type=event,
        target_type="policy",
        target_id=row.pk,
        region_code=row.region_prefix,
        detail=f"{detail}：{row.label}",
        old={"proposal": old, "restored": restored_old},
        new={"proposal": _audit_values(row), "restored": _audit_values(restored), "note": note},
    )
    return row


def _note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError("请填写驳回理由")
    if len(note) > 200:
        raise ValidationError("理由不超过200个字")
    return note


@transaction.atomic
def policy_proposal_withdraw(*, actor: Any, proposal: PolicyParameter, note: str = "") -> PolicyParameter:
    """The proposer takes back a wrong entry before its effective date (pending or already approved)."""
    require(
        actor, "policy.propose", region_code=proposal.region_prefix or None, target=f"policy:{proposal.pk}"
    )
    return _undo_batch(
        actor=actor,
        proposal=proposal,
        action="withdraw",
        status=ParameterStatus.WITHDRAWN,
        note=_note(note, required=False),
        event=AuditEvent.UPDATE,
        detail="撤回政策参数调整",
    )


def _undo_batch(
    *, actor: Any, proposal: PolicyParameter, action: str, status: str, note: str, event: str, detail: str
) -> PolicyParameter:
    """Withdraw or reject the whole proposal together: every still live row of its batch (or the row)."""
    row = _locked(proposal)
    rows = [r for r in _batch_rows(row) if r.status in LIVE_STATUSES] or [row]
    for r in rows:
        _refuse_unless_allowed(actor, r, action)
    undone = [
        _undo(actor=actor, row=r, status=status, note=note, event=event, detail=detail)
        for r in reversed(rows)
    ]
    return next((r for r in undone if r.pk == proposal.pk), undone[0])


@transaction.atomic
def policy_proposal_reject(*, actor: Any, proposal: PolicyParameter, note: str) -> PolicyParameter:
    """The checker refuses a proposal, or revokes an approved change before its effective date."""
    require(
        actor, "policy.approve", region_code=proposal.region_prefix or None, target=f"policy:{proposal.pk}"
    )
    return _undo_batch(
        actor=actor,
        proposal=proposal,
        action="reject",
        status=ParameterStatus.REJECTED,
        note=_note(note, required=True),
        event=AuditEvent.DECISION,
        detail="驳回政策参数调整",
    )


# ---------------------------------------------------------------- standards linked to consumption
def _consumption_problems(entry: selectors.ConsumptionEntry, effective_from: Any, source: str) -> list[str]:
    problems = selectors.consumption_entry_problems(entry)
    if not isinstance(effective_from, dt.date) or effective_from.day != 1:
        problems.append("请选择执行月份")
    elif effective_from <= timezone.localdate():
        problems.append("执行月份须晚于本月，已开始的月份不能改动")
    else:
        closed = hooks.last_closed_month()
        if closed is not None and effective_from <= closed:
            problems.append(f"{closed:%Y年%m月}及以前的发放名册已审核冻结，执行月份须晚于{closed:%Y年%m月}")
    if not source.strip():
        problems.append("请填写调整标准的文件名称和文号")
    return problems


@transaction.atomic
def policy_consumption_record(
    *, actor: Any, year: int, consumption: dict[str, Decimal], source: str
) -> list[PolicyParameter]:
    """Record a past year's published per-capita consumption (urban and rural; a fact of a year that has
    ended, from which the next standard is set): one dated row per hukou type covering that year, proposed
    through `policy_parameter_propose` and in the tables once another city officer approves it. Every
    problem is reported at once and nothing is saved."""
    require(actor, "policy.propose", target="policy:consumption")
    specs = parameter_specs()
    hukou = dict(HukouScope.choices)
    problems: list[str] = []
    for h in selectors.LINKED_HUKOU:
        spent = consumption.get(h)
        label = f"{year}年{hukou[h]}居民人均消费支出"
        if spent is None:
            problems.append(f"请填写{label}")
            continue
        found = value_problems(specs[selectors.CONSUMPTION_KEY], spent, label=label)
        problems += found or ([f"“{label}”应大于0"] if spent <= 0 else [])
    start = dt.date(year, 1, 1) if 1 <= year <= 9999 else None
    if start is None:
        problems.append("请填写统计年度")
    else:
        problems += _year_problems(start, timezone.localdate())
        recorded = PolicyParameter.objects.filter(
            key=selectors.CONSUMPTION_KEY,
            region_prefix="",
            effective_from=start,
            status__in=(ParameterStatus.PROPOSED, ParameterStatus.APPROVED),
        )
        if recorded.exists():
            problems.append(f"{year}年的人均消费支出已录入（或正待复核），不能重复录入")
    if not source.strip():
        problems.append("请填写数据来源（统计公报名称）")
    if problems or start is None:
        raise ValidationError(problems)
    batch = uuid.uuid4().hex
    return [
        policy_parameter_propose(
            actor=actor,
            key=selectors.CONSUMPTION_KEY,
            value=consumption[h],
            effective_from=start,
            source=source.strip(),
            hukou_type=h,
            batch=batch,
        )
        for h in selectors.LINKED_HUKOU
    ]


@transaction.atomic
def policy_consumption_adopt(
    *,
    actor: Any,
    entry: selectors.ConsumptionEntry,
    effective_from: dt.date,
    source: str,
) -> list[PolicyParameter]:
    """Adopt the standard linked to consumption (seed 002): from last year's per-capita consumption and
    the link ratio, propose the new dibao standard of every slot it is set in (the city's urban and rural
    rows, and any county's own row) from the first day of the chosen month, citing the adopting document,
    and the ratio when it changes. Each row goes through `policy_parameter_propose`, so it is used by the
    desk, the engine and the payroll only once another city officer approves it. Every problem with the
    entry is reported at once and nothing is saved."""
    require(actor, "policy.propose", target="policy:consumption")
    problems = _consumption_problems(entry, effective_from, source)
    if problems:
        raise ValidationError(problems)
    # the figures entered are last year's, as the page asks for them: name that year (not the year before
    # the effective month, which for a January start is this year, whose figures are not yet published)
    year = timezone.localdate().year - 1
    batch = uuid.uuid4().hex
    rows: list[PolicyParameter] = []
    for region_prefix, hukou_type in selectors.standard_slots(on=effective_from):
        spent = entry.consumption[hukou_type]
        basis = f"（{year}年人均消费支出{format_number(spent)}元×{format_number(entry.ratio)}÷12）"
        rows.append(
            policy_parameter_propose(
                actor=actor,
                key=selectors.STANDARD_KEY,
                value=Decimal(selectors.consumption_standard(spent, entry.ratio)),
                effective_from=effective_from,
                source=source.strip() + basis,
                region_prefix=region_prefix,
                hukou_type=hukou_type,
                batch=batch,
            )
        )
    in_force = selectors.policy_resolve(on=effective_from, region_code="", hukou_type="").values
    current = in_force.get(selectors.RATIO_KEY)
    if current is None or current.value != entry.ratio:
        rows.append(
            policy_parameter_propose(
                actor=actor,
                key=selectors.RATIO_KEY,
                value=entry.ratio,
                effective_from=effective_from,
                source=source.strip(),
                batch=batch,
            )
        )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="policy",
        target_id=rows[0].pk,
        region_code="",
        detail="按居民人均消费支出挂钩提出低保标准调整",
        new={
            "year": year,
            "consumption": {h: format_number(v) for h, v in sorted(entry.consumption.items())},
            "ratio": format_number(entry.ratio),
            "from": effective_from,
            "source": source.strip(),
            "proposals": [r.pk for r in rows],
        },
    )
    return rows
