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

from . import selectors as sel
from .models import (
    CHECK_ITEMS,
    CaseState,
    CategoryCase,
    CategoryDecision,
    ChildFile,
    ChildrenHome,
    ChildWorker,
    FileVisit,
    GuardianRelation,
    GuardianshipAssessment,
    HomeActivity,
    MonthlyCheck,
    ParentChange,
    ParentSituation,
    Position,
    Referral,
    SchoolStatus,
    TransitionReferral,
    VisitKind,
)
from .rules import (
    CHILD_LABELS,
    CODE,
    SITUATIONS,
    category_from_parents,
    funding_of,
    guardianship_result,
    trial,
)

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


def _parent(raw: dict[str, Any], parent: str, *, change: bool = False) -> dict[str, Any]:
    """One parent's situation with its evidence, validated: any situation but `none` needs the document
    that proves it (kind, number, date, issuing body)."""
    who = "父亲" if parent == "father" else "母亲"
    situation = raw.get("situation")
    if situation not in SITUATIONS:
        raise ValidationError(f"请选择{who}的情形")
    out: dict[str, Any] = {
        "parent": parent,
        "situation": situation,
        "parent_person": raw.get("parent_person"),
    }
    if out["parent_person"] is not None and not isinstance(out["parent_person"], Person):
        raise ValidationError(f"{who}的人员信息无效")
    for f in EVIDENCE_FIELDS:
        out[f] = raw.get(f) or ("" if f != "evidence_date" else None)
    # A change back to `none` (released, found, certificate revoked) is a fact that needs its document too.
    if situation != "none" or change:
        missing = [
            label
            for f, label in zip(EVIDENCE_FIELDS, ("材料名称", "编号", "出具日期", "出具机关"), strict=True)
            if not out[f]
        ]
        if missing:
            said = "情形变化" if change else f"“{SITUATIONS[situation]}”"
            raise ValidationError(f"{who}{said}须登记证明材料的{'、'.join(missing)}")
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
    previous: CategoryCase | None = None,
) -> CategoryCase:
    """受理: the township clerk records the child, each parent's situation and its evidence (a
    re-decision names the case whose decision it replaces)."""
    require(actor, "child.category_intake", region_code=child.region_code, target=f"person:{child.pk}")
    if declared_category and declared_category not in CHILD_LABELS:
        raise ValidationError("申报类别无效")
    open_states = (CaseState.SUBMITTED, CaseState.VERIFIED)
    if CategoryCase.objects.filter(child=child, state__in=open_states).exists():
        raise ValidationError("该儿童已有正在办理的类别认定申请")
    parents = [_parent(father, "father"), _parent(mother, "mother")]
    guardian_name = (guardian_name or "").strip()[:64]
    file = ChildFile.objects.filter(person=child).first()
    if file is not None and guardian_name and guardian_name != file.guardian_name:
        # The guardian is kept in one place, the child's file: a guardian declared at intake updates it.
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="children.child_file",
            target_id=file.pk,
            region_code=file.region_code,
            old={"guardian_name": file.guardian_name},
            new={"guardian_name": guardian_name},
            detail="类别认定受理时申报的监护人",
        )
        file.guardian_name = guardian_name
        file.save(update_fields=["guardian_name", "updated_at"])
    case = CategoryCase.objects.create(
        region_code=child.region_code,
        child=child,
        declared_category=declared_category,
        in_institution=in_institution,
        guardian_name=guardian_name or (file.guardian_name if file is not None else ""),
        previous=previous,
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
    _end_previous(actor=actor, case=case, month=first_of_month(on))
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


def _end_previous(*, actor: Any, case: CategoryCase, month: dt.date) -> None:
    """A re-decision replaces the earlier decision: its allowance ends the month before (the new one, if
    any, starts this month)."""
    if case.previous_id is None:
        return
    prior = CategoryDecision.objects.filter(case_id=case.previous_id).select_related("enrolment").first()
    current = prior.enrolment if prior else None
    if current is None or (current.last_month is not None and current.last_month < month):
        return
    enrolment_end(
        actor=actor,
        enrolment=current,
        last_month=max(add_months(month, -1), current.first_month),
        reason="父母情形变化，重新认定",
    )


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
    # A check records what the director found: nothing ticked is not a check (it would count as done in
    # the township's rate and block the real one for the month), whatever the note says; an item not
    # ticked is a finding that must be explained.
    if not any(items.get(k) for k in CHECK_ITEMS):
        raise ValidationError("未勾选任何核查项目，不能作为本月核查提交：请见到儿童后逐项核查并勾选")
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


# ------------------------------------------------------- re-decision (a parent's situation changed)
def current_case(child: Person) -> CategoryCase | None:
    """The child's latest decided case (the one a change re-decides)."""
    return (
        CategoryCase.objects.filter(child=child, decision__isnull=False)
        .order_by("-decision__decided_on", "-pk")
        .first()
    )


@transaction.atomic
def parent_change_record(
    *,
    actor: Any,
    child: Person,
    parent: str,
    situation: str,
    evidence: dict[str, Any],
) -> ParentChange:
    """Evidence that a parent's situation changed (released from prison, found, disability certificate
    revoked …). The category is re-decided by the same rule (rules.category_from_parents): when it
    changes, a re-decision case is opened for the township (受理 → 核实 → 认定 as any case)."""
    require(actor, "child.category_intake", region_code=child.region_code, target=f"person:{child.pk}")
    if parent not in ("father", "mother"):
        raise ValidationError("请选择父亲或母亲")
    case = current_case(child)
    if case is None:
        raise ValidationError("该儿童没有已作出的类别认定，请直接受理认定申请")
    if CategoryCase.objects.filter(child=child, state__in=(CaseState.SUBMITTED, CaseState.VERIFIED)).exists():
        raise ValidationError("该儿童已有正在办理的类别认定申请")
    recorded = {p.parent: p for p in case.parents.all()}
    if parent not in recorded:
        raise ValidationError("原认定没有该父/母的情形记录")
    old = recorded[parent].situation
    checked = _parent({"situation": situation, **evidence}, parent, change=True)
    if situation == old:
        raise ValidationError(f"情形与原认定相同（{SITUATIONS[old]}），无需重新认定")
    before = tuple(recorded[k].situation for k in ("father", "mother"))
    after = tuple(situation if k == parent else recorded[k].situation for k in ("father", "mother"))
    redecision = None
    if category_from_parents(before, case.in_institution) != category_from_parents(
        after, case.in_institution
    ):
        redecision = category_case_intake(
            actor=actor,
            child=child,
            **{
                k: (
                    checked
                    if k == parent
                    else {
                        "situation": recorded[k].situation,
                        "parent_person": recorded[k].parent_person,
                        **{f: getattr(recorded[k], f) for f in EVIDENCE_FIELDS},
                    }
                )
                for k in ("father", "mother")
            },
            in_institution=case.in_institution,
            # A declared category stands only while the parents make none.
            declared_category=""
            if category_from_parents(after, case.in_institution)
            else case.declared_category,
            guardian_name=ChildFile.objects.filter(person=child)
            .values_list("guardian_name", flat=True)
            .first()
            or case.guardian_name,
            previous=case,
        )
    change = ParentChange.objects.create(
        child=child,
        region_code=child.region_code,
        case=case,
        parent=parent,
        old_situation=old,
        new_situation=situation,
        redecision=redecision,
        recorded_by=actor,
        **{f: checked[f] for f in EVIDENCE_FIELDS},
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="children.parent_change",
        target_id=change.pk,
        region_code=change.region_code,
        old={"situation": old},
        new={"situation": situation, "redecision": redecision.pk if redecision else None},
    )
    return change


@transaction.atomic
def parent_death_redecide(*, actor: Any, situation: ParentSituation) -> ParentChange:
    """A parent recorded alive in the decision died in the people registry: record it (the registry's
    death as the evidence) and re-decide."""
    parent_person = situation.parent_person
    if parent_person is None or parent_person.is_alive or situation.situation == "dead":
        raise ValidationError("人员库中没有该父/母的死亡记录")
    return parent_change_record(
        actor=actor,
        child=situation.case.child,
        parent=situation.parent,
        situation="dead",
        evidence={
            "evidence_kind": "人员库死亡登记",
            "evidence_number": f"人员库{parent_person.pk}",
            "evidence_date": parent_person.death_date or timezone.localdate(),
            "evidence_issuer": "公安/卫健（数据共享）",
        },
    )


# ---------------------------------------------------------------- one child, one file (一人一档)
FILE_TEXT = {
    "guardian_name": 64,
    "school_name": 100,
    "school_grade": 20,
    "lead_unit": 100,
    "social_worker": 64,
    "youth_volunteer": 64,
    "others": 300,
}
FILE_CHOICES = {"guardian_relation": GuardianRelation, "school_status": SchoolStatus}


def _label(field: str) -> str:
    return str(getattr(ChildFile._meta.get_field(field), "verbose_name", field))


@transaction.atomic
def child_file_open(*, actor: Any, person: Person, left_behind: bool, in_difficulty: bool) -> ChildFile:
    """建档: a file for a child in difficulty or a rural left-behind child (one per child)."""
    require(actor, "child.file_edit", region_code=person.region_code, target=f"person:{person.pk}")
    today = timezone.localdate()
    if person.birth_date <= today.replace(year=today.year - 18) or not person.is_alive:
        raise ValidationError("只能为未满18周岁的在世儿童建档")
    if not (left_behind or in_difficulty):
        raise ValidationError("请选择建档类别：困境儿童或农村留守儿童")
    if left_behind and person.hukou_type != "rural":
        raise ValidationError("农村留守儿童须为农业户口")
    if ChildFile.objects.filter(person=person).exists():
        raise ValidationError("该儿童已建档")
    # The file takes over the guardian declared in the child's latest category case: from now on the
    # file is the one record of the guardian (the case page and the decision letter read it).
    declared = (
        CategoryCase.objects.filter(child=person)
        .order_by("-pk")
        .values_list("guardian_name", flat=True)
        .first()
    )
    file = ChildFile.objects.create(
        person=person,
        region_code=person.region_code,
        left_behind=left_behind,
        in_difficulty=in_difficulty,
        guardian_name=declared or "",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.child_file",
        target_id=file.pk,
        region_code=file.region_code,
        new={"left_behind": left_behind, "in_difficulty": in_difficulty},
    )
    return file


@transaction.atomic
def child_file_update(
    *, actor: Any, file: ChildFile, values: dict[str, Any], guardian: Person | None = None
) -> ChildFile:
    """The director's edit of the file: guardian, school, health, the 1+1+2+N pairing. The health text is
    sensitive: the audit row says it changed, never what it says."""
    require(actor, "child.file_edit", region_code=file.region_code, target=f"child_file:{file.pk}")
    changed: dict[str, Any] = {}
    for f, n in FILE_TEXT.items():
        if f in values:
            v = str(values[f] or "").strip()
            if len(v) > n:
                raise ValidationError(f"{_label(f)}不能超过{n}个字")
            if v != getattr(file, f):
                changed[f] = v
    for f, choices in FILE_CHOICES.items():
        if f in values:
            v = values[f] or ""
            if v and v not in choices.values:
                raise ValidationError(f"{_label(f)}无效")
            if v != getattr(file, f):
                changed[f] = v
    for f in ("left_behind", "in_difficulty"):
        if f in values and bool(values[f]) != getattr(file, f):
            changed[f] = bool(values[f])
    if "health_conditions" in values:
        v = str(values["health_conditions"] or "").strip()[:1000]
        if v != file.health_conditions:
            changed["health_conditions"] = v
    if guardian is not None and guardian.pk != file.guardian_id:
        if guardian.pk == file.person_id:
            raise ValidationError("监护人不能是儿童本人")
        changed["guardian"] = guardian
        changed.setdefault("guardian_name", guardian.name)
    if not (changed.get("left_behind", file.left_behind) or changed.get("in_difficulty", file.in_difficulty)):
        raise ValidationError("档案须至少属于困境儿童或农村留守儿童之一")
    for f, v in changed.items():
        setattr(file, f, v)
    if changed:
        file.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="children.child_file",
        target_id=file.pk,
        region_code=file.region_code,
        new={
            f: ("（已更新）" if f == "health_conditions" else getattr(v, "pk", v)) for f, v in changed.items()
        },
    )
    return file


@transaction.atomic
def file_director_assign(*, actor: Any, file: ChildFile, director: Any) -> ChildFile:
    """The child director of the file's village (the one of 1+1+2+N the platform knows as an account)."""
    require(actor, "child.file_edit", region_code=file.region_code, target=f"child_file:{file.pk}")
    worker = ChildWorker.objects.filter(
        user=director, position=Position.DIRECTOR, left_on__isnull=True
    ).first()
    if worker is None or not file.region_code.startswith(worker.region_code):
        raise ValidationError("请选择该儿童所在村（居）在任的儿童主任")
    file.director = director
    file.save(update_fields=["director", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="children.child_file",
        target_id=file.pk,
        region_code=file.region_code,
        new={"director": director.pk},
    )
    return file


@transaction.atomic
def guardianship_assess(
    *,
    actor: Any,
    file: ChildFile,
    answers: dict[str, bool],
    assessed_on: dt.date,
    follow_up_on: dt.date,
    note: str = "",
) -> GuardianshipAssessment:
    """监护能力评估: the checklist's score, the result by the day's thresholds, a follow-up date (history
    kept: a new assessment never overwrites the last)."""
    from minzheng.assistance.rules import Policy
    from minzheng.core.dates import plausible_date
    from minzheng.policy.selectors import policy_resolve

    require(actor, "child.file_edit", region_code=file.region_code, target=f"child_file:{file.pk}")
    plausible_date(assessed_on, "评估日期", past_years=1)
    if not assessed_on < follow_up_on <= assessed_on + dt.timedelta(days=366):
        raise ValidationError("复评日期应在评估日期之后一年以内")
    ps = policy_resolve(on=assessed_on, region_code=file.region_code, hukou_type=file.person.hukou_type)
    p = Policy(ps, ps.version)
    score, result = guardianship_result(answers, p)
    if result != "full" and len(note.strip()) < 4:
        raise ValidationError("未达到“有监护能力”的，请在评估意见中写明情况和帮扶措施（至少4个字）")
    a = GuardianshipAssessment.objects.create(
        file=file,
        assessed_on=assessed_on,
        answers={k: bool(v) for k, v in answers.items()},
        score=score,
        result=result,
        rule_version=p.version,
        follow_up_on=follow_up_on,
        note=note.strip()[:300],
        assessed_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.guardianship_assessment",
        target_id=a.pk,
        region_code=file.region_code,
        new={"score": score, "result": result, "follow_up_on": follow_up_on.isoformat()},
    )
    return a


@transaction.atomic
def file_visit_record(*, actor: Any, file: ChildFile, visited_on: dt.date, kind: str, note: str) -> FileVisit:
    from minzheng.core.dates import plausible_date

    require(actor, "child.file_edit", region_code=file.region_code, target=f"child_file:{file.pk}")
    plausible_date(visited_on, "走访日期", past_years=1)
    if kind not in VisitKind.values:
        raise ValidationError("请选择走访方式")
    if len(note.strip()) < 4:
        raise ValidationError("请写明走访情况（至少4个字）")
    v = FileVisit.objects.create(
        file=file, visited_on=visited_on, kind=kind, note=note.strip()[:300], visited_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.file_visit",
        target_id=v.pk,
        region_code=file.region_code,
        new={"visited_on": visited_on.isoformat(), "kind": kind},
    )
    return v


# ---------------------------------------------------------------- workforce and 儿童之家
POSITION_LEVEL = {Position.SUPERVISOR: "township", Position.DIRECTOR: "village"}


@transaction.atomic
def child_worker_appoint(
    *, actor: Any, user: Any, position: str, appointed_on: dt.date, training_hours: int = 0
) -> ChildWorker:
    """聘任: a supervisor bound to their township, a director to their village (the account's region)."""
    from minzheng.core.dates import plausible_date

    if position not in Position.values:
        raise ValidationError("请选择岗位")
    region = getattr(user, "region", None)
    if region is None or region.level != POSITION_LEVEL[Position(position)]:
        level = "乡镇（街道）" if position == Position.SUPERVISOR else "村（居）"
        raise ValidationError(f"{Position(position).label}的账号须绑定到{level}")
    require(actor, "child.workforce", region_code=region.code, target=f"user:{user.pk}")
    plausible_date(appointed_on, "聘任日期")
    if not 0 <= training_hours <= 10000:
        raise ValidationError("培训学时应在0至10000之间")
    if ChildWorker.objects.filter(user=user).exists():
        raise ValidationError("该账号已登记在儿童工作队伍中")
    w = ChildWorker.objects.create(
        user=user,
        position=position,
        region_code=region.code,
        appointed_on=appointed_on,
        training_hours=training_hours,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.child_worker",
        target_id=w.pk,
        region_code=w.region_code,
        new={"position": position, "appointed_on": appointed_on.isoformat()},
    )
    return w


@transaction.atomic
def child_worker_training_add(*, actor: Any, worker: ChildWorker, hours: int) -> ChildWorker:
    require(actor, "child.workforce", region_code=worker.region_code, target=f"child_worker:{worker.pk}")
    if not 1 <= hours <= 200:
        raise ValidationError("本次培训学时应在1至200之间")
    old = worker.training_hours
    worker.training_hours = old + hours
    worker.save(update_fields=["training_hours"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="children.child_worker",
        target_id=worker.pk,
        region_code=worker.region_code,
        old={"training_hours": old},
        new={"training_hours": worker.training_hours},
    )
    return worker


@transaction.atomic
def children_home_create(
    *, actor: Any, name: str, region_code: str, address: str, opened_on: dt.date
) -> ChildrenHome:
    from minzheng.core.dates import plausible_date

    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level != "village":
        raise ValidationError("儿童之家须设在村（居）")
    require(actor, "child.workforce", region_code=region_code, target=f"region:{region_code}")
    name, address = name.strip(), address.strip()
    if not name or not address:
        raise ValidationError("请填写儿童之家名称和地址")
    plausible_date(opened_on, "建成日期")
    home = ChildrenHome.objects.create(
        name=name[:100], region_code=region_code, address=address[:200], opened_on=opened_on, created_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.children_home",
        target_id=home.pk,
        region_code=region_code,
        new={"name": home.name},
    )
    return home


@transaction.atomic
def home_activity_record(
    *, actor: Any, home: ChildrenHome, held_on: dt.date, title: str, participants: int
) -> HomeActivity:
    from minzheng.accounts.permissions import can
    from minzheng.core.dates import plausible_date

    # The village's child director logs the activities; the officers may too.
    if not can(actor, "child.file_edit", region_code=home.region_code):
        require(actor, "child.workforce", region_code=home.region_code, target=f"children_home:{home.pk}")
    plausible_date(held_on, "活动日期", past_years=1)
    title = title.strip()
    if not title:
        raise ValidationError("请填写活动内容")
    if not 0 < participants <= 1000:
        raise ValidationError("参加儿童人数应在1至1000之间")
    act = HomeActivity.objects.create(
        home=home, held_on=held_on, title=title[:100], participants=participants, recorded_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="children.home_activity",
        target_id=act.pk,
        region_code=home.region_code,
        new={"held_on": held_on.isoformat(), "participants": participants},
    )
    return act


EXPORT_LIMIT = 5000


def children_list_export_xlsx(*, actor: Any, which: str, ip: str = "") -> bytes:
    """One of the line's lists as an Excel file, as its page shows it (masked IDs, names not codes, the
    page's permission and scope); formula-looking text comes out as text (core.spreadsheet); one audited
    EXPORT row saying which list and how many rows."""
    from minzheng.core.spreadsheet import xlsx_bytes

    spec = sel.child_list(which)
    require(actor, spec.permission, target=f"children:export:{which}")
    _count, rows = spec.rows(actor=actor, on=timezone.localdate(), limit=EXPORT_LIMIT)
    content = xlsx_bytes(
        [label for _k, label in spec.columns],
        [[r[k] for k, _l in spec.columns] for r in rows],
        title=spec.title,
    )
    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type=f"children.{which}",
        region_code=region.code if region else "",
        detail=f"导出{spec.title}{len(rows)}条",
        ip=ip,
    )
    return content
