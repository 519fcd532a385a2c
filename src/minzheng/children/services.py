"""Writes of 儿童福利: the category case (受理 → 核实 → 认定 → 纳入发放), the monthly check, and the
automatic end at 18 run by a screening run. Every write is audited in its own transaction; money goes
through the benefits services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months, enrolment_create, enrolment_end, first_of_month
from minzheng.casework.services import case_require_separate, case_transition
from minzheng.people.models import Person
from minzheng.regions.models import Region

from .models import (
    CaseState,
    CategoryCase,
    CategoryDecision,
    MonthlyCheck,
    ParentSituation,
    Referral,
    TransitionReferral,
)
from .rules import CHILD_LABELS, CODE, SITUATIONS, funding_of, trial

CHECK_ITEMS = ("seen", "living_ok", "schooling_ok", "health_ok", "guardian_ok", "situation_unchanged")
EVIDENCE_FIELDS = ("evidence_kind", "evidence_number", "evidence_date", "evidence_issuer")


@transaction.atomic
def child_allowance_end(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int:
    """The alert `child_end`: end every open child enrolment of the person that began before `month`."""
    ended = 0
    for current in Enrolment.objects.filter(person=alert.person, programme=CODE).exclude(
        last_month__lt=month
    ):
        if current.first_month < month:
            enrolment_end(
                actor=actor,
                enrolment=current,
                last_month=add_months(month, -1),
                reason="年满18周岁，儿童保障终止",
            )
            ended += 1
    return ended


def _parent(raw: dict[str, Any], parent: str) -> dict[str, Any]:
    """One parent's situation with its evidence, validated: any situation but `none` needs the document
    that proves it (kind, number, date, issuing body)."""
    who = "父亲" if parent == "father" else "母亲"
    situation = raw.get("situation")
    if situation not in SITUATIONS:
        raise ValidationError(f"请选择{who}的情形")
    out: dict[str, Any] = {"parent": parent, "situation": situation}
    for f in EVIDENCE_FIELDS:
        out[f] = raw.get(f) or ("" if f != "evidence_date" else None)
    if situation != "none":
        missing = [
            label
            for f, label in zip(EVIDENCE_FIELDS, ("材料名称", "编号", "出具日期", "出具机关"), strict=True)
            if not out[f]
        ]
        if missing:
            raise ValidationError(f"{who}“{SITUATIONS[situation]}”须登记证明材料的{'、'.join(missing)}")
        if not isinstance(out["evidence_date"], dt.date):
            raise ValidationError(f"{who}证明材料的出具日期无效")
        if out["evidence_date"] > timezone.localdate():
            raise ValidationError(f"{who}证明材料的出具日期不能晚于今天")
    return out


@transaction.atomic
def category_case_intake(
    *,
    actor: Any,
    child: Person,
    father: dict[str, Any],
    mother: dict[str, Any],
    in_institution: bool = False,
    declared_category: str = "",
    guardian_name: str = "",
) -> CategoryCase:
    """受理: the township clerk records the child, each parent's situation and its evidence."""
    require(actor, "child.category_intake", region_code=child.region_code, target=f"person:{child.pk}")
    if declared_category and declared_category not in CHILD_LABELS:
        raise ValidationError("申报类别无效")
    open_states = (CaseState.SUBMITTED, CaseState.VERIFIED)
    if CategoryCase.objects.filter(child=child, state__in=open_states).exists():
        raise ValidationError("该儿童已有正在办理的类别认定申请")
    parents = [_parent(father, "father"), _parent(mother, "mother")]
    case = CategoryCase.objects.create(
        region_code=child.region_code,
        child=child,
        declared_category=declared_category,
        in_institution=in_institution,
        guardian_name=guardian_name[:64],
        created_by=actor,
    )
    for p in parents:
        ParentSituation.objects.create(case=case, **p)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.category_case",
        target_id=case.pk,
        region_code=case.region_code,
        new={"situations": [p["situation"] for p in parents], "declared_category": declared_category},
    )
    return case


@transaction.atomic
def category_case_verify(*, actor: Any, case: CategoryCase, note: str = "") -> CategoryCase:
    """核实: the evidence was checked against the originals."""
    from .workflow import CHILD

    result: CategoryCase = case_transition(
        actor=actor, workflow=CHILD, case=case, to=CaseState.VERIFIED, note=note or "证明材料已核实"
    )
    return result


def case_input(case: CategoryCase, on: dt.date) -> dict[str, Any]:
    """The trial case (assess-lines.md `child`) the decision is taken on: the stored facts, nothing else."""
    # The child alone is the case (the household's income plays no part): it stands as the head.
    member: dict[str, Any] = {"id_number": case.child.id_number, "relation": "head"}
    if case.declared_category:
        member["child_category"] = case.declared_category
    else:
        member["parents"] = [{"situation": p.situation} for p in case.parents.order_by("parent")]
        member["in_institution"] = case.in_institution
    return {
        "programme": CODE,
        "date": on.isoformat(),
        "region": case.region_code,
        "hukou_type": case.child.hukou_type,
        "members": [member],
    }


def _document_number(region_code: str, on: dt.date) -> str:
    county = Region.objects.filter(code=region_code[:6]).values_list("name", flat=True).first() or ""
    n = CategoryDecision.objects.filter(
        decided_on__year=on.year, case__region_code__startswith=region_code[:6]
    ).count()
    return f"{county}民儿认〔{on.year}〕{n + 1}号"


@transaction.atomic
def category_case_decide(*, actor: Any, case: CategoryCase, on: dt.date | None = None) -> CategoryDecision:
    """认定: the rule decides from the stored facts on the day; the decision keeps the rule version, the
    inputs and the why. Approved → enrolled from the decision's month, so the child is on that month's
    payroll (the guardianship-lacking fund's line is marked as charity money by its category)."""
    from .workflow import CHILD

    on = on or timezone.localdate()
    require(actor, "child.category_decide", region_code=case.region_code, target=f"category_case:{case.pk}")
    case_require_separate(
        workflow=CHILD, case=case, actor=actor, step="decision", permission="child.category_decide"
    )
    inputs = case_input(case, on)
    result = trial(inputs)
    approved = bool(result["eligible"])
    category = result.get("child_category") or ""
    case_transition(
        actor=actor,
        workflow=CHILD,
        case=case,
        to=CaseState.APPROVED if approved else CaseState.REJECTED,
        note=f"{CHILD_LABELS.get(category, '')}" if approved else "不符合认定条件",
    )
    stored_inputs = {
        **inputs,
        "members": [{k: v for k, v in m.items() if k != "id_number"} for m in inputs["members"]],
    }
    try:
        with transaction.atomic():
            decision = CategoryDecision.objects.create(
                case=case,
                approved=approved,
                category=category if approved else "",
                monthly_amount=result["monthly_amount"],
                funding=funding_of(category) if approved else "",
                rule_version=result["rule_version"],
                inputs=stored_inputs,
                reasons=result["reasons"],
                document_number=_document_number(case.region_code, on),
                decided_on=on,
                decided_by=actor,
            )
    except IntegrityError:
        raise ValidationError("文号已被占用，请重试") from None
    if approved:
        decision.enrolment = enrolment_create(
            actor=actor,
            programme=CODE,
            person=case.child,
            household=None,
            amount=result["monthly_amount"],
            first_month=first_of_month(on),
            tier=category,
            source_type="children.decision",
            source_id=decision.pk,
            rule_version=result["rule_version"],
        )
        decision.save(update_fields=["enrolment"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="children.category_case",
        target_id=case.pk,
        region_code=case.region_code,
        new={
            "approved": approved,
            "category": category,
            "amount": result["monthly_amount"],
            "rule_version": result["rule_version"],
            "document_number": decision.document_number,
        },
    )
    return decision


@transaction.atomic
def monthly_check_record(
    *, actor: Any, person: Person, month: dt.date, items: dict[str, bool], note: str = ""
) -> MonthlyCheck:
    """The child director's check of one beneficiary this month (one a month; a second is refused)."""
    require(actor, "child.monthly_check", region_code=person.region_code, target=f"person:{person.pk}")
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ValidationError("不能登记未来月份的核查")
    if (
        not Enrolment.objects.filter(person=person, programme=CODE, first_month__lte=month)
        .exclude(last_month__lt=month)
        .exists()
    ):
        raise ValidationError("该儿童本月不在儿童保障名册中")
    if MonthlyCheck.objects.filter(person=person, month=month).exists():
        raise ValidationError(f"{month:%Y年%m月}已登记过该儿童的核查")
    unknown = set(items) - set(CHECK_ITEMS)
    if unknown:
        raise ValidationError("核查项目无效")
    # A check records what the director found: an item not ticked is a finding that must be explained
    # (an empty form is not a check and would block the real one for the month).
    if not all(items.get(k) for k in CHECK_ITEMS) and len(note.strip()) < 4:
        raise ValidationError("有未勾选的核查项目（如未见到儿童本人），请在说明中写明情况（至少4个字）")
    check = MonthlyCheck.objects.create(
        person=person,
        month=month,
        region_code=person.region_code,
        note=note[:300],
        checked_by=actor,
        **{k: bool(items.get(k)) for k in CHECK_ITEMS},
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.monthly_check",
        target_id=check.pk,
        region_code=check.region_code,
        new={"month": f"{month:%Y-%m}", **{k: bool(items.get(k)) for k in CHECK_ITEMS}},
    )
    return check


@transaction.atomic
def transition_referral_record(
    *, actor: Any, enrolment: Enrolment, referred_to: str, note: str = ""
) -> TransitionReferral:
    """Record where a child whose allowance ended at 18 was referred (one per ended enrolment)."""
    require(
        actor, "child.category_intake", region_code=enrolment.region_code, target=f"enrolment:{enrolment.pk}"
    )
    if enrolment.programme != CODE or enrolment.last_month is None:
        raise ValidationError("只有已终止的儿童保障待遇才能登记到龄转介")
    if referred_to not in Referral.values:
        raise ValidationError("请选择转介去向")
    if TransitionReferral.objects.filter(enrolment=enrolment).exists():
        raise ValidationError("该儿童已登记到龄转介")
    referral = TransitionReferral.objects.create(
        enrolment=enrolment,
        person=enrolment.person,
        region_code=enrolment.region_code,
        referred_to=referred_to,
        note=note[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.transition_referral",
        target_id=referral.pk,
        region_code=referral.region_code,
        new={"referred_to": referred_to},
    )
    return referral
