"""Writes of the line, each audited in its transaction. Every service on a protection case first checks
that the actor may read it (assigned, or the county officer who assigns): an unassigned actor is refused
like a missing case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.permissions import Denied, can, require, roles_for
from minzheng.assistance.rules import age_in_month
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.casework.services import case_transition
from minzheng.casework.workflow import Workflow
from minzheng.children.selectors import township_supervisors
from minzheng.core import crypto
from minzheng.core.idnumber import is_valid_id_number, normalize
from minzheng.core.masking import mask_id_number
from minzheng.people.models import Person, UnidentifiedKind
from minzheng.people.services import unidentified_register
from minzheng.policy.selectors import policy_resolve

from . import rules
from .models import (
    AdoptableChild,
    Adoption,
    Assignment,
    Conference,
    Duty,
    FollowUp,
    Measure,
    MeasureKind,
    MeasureStatus,
    ProtectionCase,
    RiskAssessment,
    Source,
)
from .selectors import assignable_users, case_get_for_actor, case_readable
from .workflow import ADOPTION, PROTECTION

NOT_FOUND = "个案不存在"


class CaseNotFound(Exception):
    """Missing, or not readable by this actor: the two are indistinguishable to the caller (404)."""


def _refuse(actor: Any, case_id: Any, region_code: str) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEvent.DENIED,
        target_type="protectioncase",
        target_id=case_id,
        region_code=region_code,
        outcome="denied",
        detail="拒绝：查阅未成年人保护个案（未分派）",
    )


def case_view(*, actor: Any, case_id: Any) -> ProtectionCase:
    """Every read of a case is audited, a refusal too. Not atomic on purpose: the refusal row must stay."""
    case = case_get_for_actor(actor=actor, pk=case_id)
    if case is None:
        known = ProtectionCase.objects.filter(pk=int(case_id)) if str(case_id).isdigit() else None
        region = known.values_list("region_code", flat=True).first() if known is not None else None
        _refuse(actor, case_id, region or "")
        raise CaseNotFound(NOT_FOUND)
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="protectioncase",
        target_id=case.pk,
        region_code=case.region_code,
        detail="查阅未成年人保护个案",
    )
    return case


def _readable(actor: Any, case: ProtectionCase) -> None:
    if not case_readable(actor, case):
        raise ValidationError(NOT_FOUND)


def _step(*, actor: Any, workflow: Workflow, case: Any, to: str, note: str, **fields: Any) -> Any:
    """One step of either workflow (a protection case or an adoption): the checked, audited transition,
    then what the step records on the case row itself, in the caller's transaction. (Protection services
    check first that the actor may read the case: `_readable`.)"""
    case_transition(actor=actor, workflow=workflow, case=case, to=to, note=note)
    if fields:
        type(case).objects.filter(pk=case.pk).update(**fields)
        for name, value in fields.items():
            setattr(case, name, value)
    return case


def _duty_of(actor: Any, region_code: str) -> str:
    if can(actor, "child.case_assign", region_code=region_code):
        return Duty.OFFICER
    if can(actor, "child.case_supervise", region_code=region_code):
        return Duty.SUPERVISOR
    return Duty.DIRECTOR


@transaction.atomic
def case_report(
    *,
    actor: Any,
    source: str,
    summary: str,
    reported_on: dt.date | None,
    child_id: int | None = None,
    child_id_number: str = "",
    unknown_child: dict[str, Any] | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
) -> ProtectionCase:
    """接报: the child is a known person or is registered in the unidentified-person registry; the reporter
    is assigned to the case (the reporter's phone is stored encrypted)."""
    errors: dict[str, list[str]] = {}
    if source not in Source.values:
        errors["source"] = ["请选择报告来源"]
    summary = (summary or "").strip()
    if len(summary) < 4 or len(summary) > 2000:
        errors["summary"] = ["请填写报告内容（4至2000字）"]
    if reported_on is None or reported_on > timezone.localdate():
        errors["reported_on"] = ["请填写报告日期（不能晚于今天）"]
    elif reported_on < timezone.localdate().replace(year=timezone.localdate().year - 18):
        errors["reported_on"] = ["报告日期不能早于18年前（未成年人保护个案）"]
    phone = "".join(ch for ch in (reporter_phone or "") if ch.isdigit())
    if reporter_phone and len(phone) not in (7, 8, 11, 12):
        errors["reporter_phone"] = ["报告人电话格式不正确"]
    child: Person | None = None
    if child_id_number and not child_id:
        # Found by the ID's keyed hash (the full number is never stored or searched in clear).
        found = Person.objects.filter(id_hash=crypto.blind_index(normalize(child_id_number))).first()
        child_id = found.pk if found else -1
    if child_id:
        child = Person.objects.filter(pk=child_id).first()
        if child is None or not can(actor, "child.case_report", region_code=child.region_code):
            errors["child"] = ["未找到该儿童，或不在您的管辖范围内"]
    elif not unknown_child:
        errors["child"] = ["请选择儿童，或登记身份不明的儿童"]
    else:
        # The child's own fields are checked with the report's, so the form says everything at once; a
        # registration made while the report has errors is rolled back with this transaction.
        try:
            with transaction.atomic():
                record = unidentified_register(actor=actor, kind=UnidentifiedKind.CHILD, **unknown_child)
            child = record.person
        except Denied:
            raise
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                if field == "found_on" and "reported_on" in errors:
                    continue  # the report date is the finding date: said once
                errors.setdefault(field, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    assert child is not None  # noqa: S101 (checked above)
    assert reported_on is not None  # noqa: S101 (checked above)
    region_code = child.region_code
    require(actor, "child.case_report", region_code=region_code, target="protectioncase:new")
    case = ProtectionCase.objects.create(
        state=PROTECTION.initial,
        region_code=region_code,
        child=child,
        source=source,
        summary=summary,
        reporter_name=(reporter_name or "").strip()[:64],
        reporter_phone_enc=crypto.encrypt(phone) if phone else "",
        reported_on=reported_on,
        opened_by=actor,
    )
    Assignment.objects.create(case=case, user=actor, duty=_duty_of(actor, region_code), assigned_by=actor)
    _assign_township_supervisors(actor=actor, case=case)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="protectioncase",
        target_id=case.pk,
        region_code=region_code,
        new={"source": source},
    )
    return case_transition(actor=actor, workflow=PROTECTION, case=case, to="reported", note="接报")


def _assign_township_supervisors(*, actor: Any, case: ProtectionCase) -> None:
    """A report in a township is the business of its child supervisors on the workforce roll (儿童督导员,
    bound to the township): they are assigned at once, recorded and audited like any assignment, so the
    supervisor reads and supervises it without waiting for the county to assign him."""
    users = (
        township_supervisors(case.region_code)
        .filter(role__in=roles_for("child.case_supervise"))
        .exclude(pk=getattr(actor, "pk", None))
    )
    for user in users:
        Assignment.objects.create(case=case, user=user, duty=Duty.SUPERVISOR, assigned_by=actor)
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="protectioncase.assignment",
            target_id=case.pk,
            region_code=case.region_code,
            new={"user": user.pk, "duty": Duty.SUPERVISOR},
            detail="按儿童工作队伍分派乡镇儿童督导员",
        )


@transaction.atomic
def case_assign(*, actor: Any, case: ProtectionCase, user_id: int, duty: str) -> Assignment:
    require(actor, "child.case_assign", region_code=case.region_code, target=f"protectioncase:{case.pk}")
    if duty not in Duty.values:
        raise ValidationError("请选择职责")
    user = assignable_users(case=case).filter(pk=user_id).first()
    if user is None:
        raise ValidationError("该人员不能承办本个案（须为本地区的儿童工作人员）")
    if case.assignments.filter(user=user, active=True).exists():
        raise ValidationError("该人员已在本个案中")
    a = Assignment.objects.create(case=case, user=user, duty=duty, assigned_by=actor)
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="protectioncase.assignment",
        target_id=case.pk,
        region_code=case.region_code,
        new={"user": user.pk, "duty": duty},
    )
    return a


@transaction.atomic
def case_assess(*, actor: Any, case: ProtectionCase, answers: list[str], note: str = "") -> RiskAssessment:
    _readable(actor, case)
    chosen, score, level = rules.risk_score(answers, on=timezone.localdate(), region_code=case.region_code)
    # Nothing ticked and nothing said is an untouched form, not an assessment that found no risk.
    if not any(chosen.values()) and len((note or "").strip()) < 4:
        raise ValidationError(
            {"note": ["未勾选任何风险因素：如评估确无风险，请在评估意见中写明依据（至少4个字）"]}
        )
    _step(
        actor=actor,
        workflow=PROTECTION,
        case=case,
        to="assessed",
        note=f"风险评分{score}",
        risk_score=score,
        risk_level=level,
    )
    return RiskAssessment.objects.create(
        case=case,
        answers=chosen,
        score=score,
        level=level,
        note=(note or "").strip()[:2000],
        assessed_by=actor,
    )


@transaction.atomic
def case_conference(
    *, actor: Any, case: ProtectionCase, held_on: dt.date | None, participants: str, decisions: str
) -> Conference:
    _readable(actor, case)
    errors: dict[str, list[str]] = {}
    if held_on is None or held_on > timezone.localdate():
        errors["held_on"] = ["请填写会商日期（不能晚于今天）"]
    if len((participants or "").strip()) < 2:
        errors["participants"] = ["请填写参会人员"]
    if len((decisions or "").strip()) < 2:
        errors["decisions"] = ["请填写会商决定"]
    if errors:
        raise ValidationError(errors)
    assert held_on is not None  # noqa: S101 (checked above)
    _step(actor=actor, workflow=PROTECTION, case=case, to="conferenced", note="个案会商")
    return Conference.objects.create(
        case=case,
        held_on=held_on,
        participants=participants.strip()[:2000],
        decisions=decisions.strip()[:4000],
        recorded_by=actor,
    )


@transaction.atomic
def case_plan(*, actor: Any, case: ProtectionCase, measures: list[tuple[str, str]]) -> list[Measure]:
    """保护方案: one or more measures (临时监护, referral to police, school, health), each with a status."""
    _readable(actor, case)
    rows = [(k, (d or "").strip()) for k, d in measures if k]
    if not rows:
        raise ValidationError("请至少选择一项保护措施")
    if any(k not in MeasureKind.values for k, _ in rows):
        raise ValidationError("保护措施不正确")
    if any(not d or len(d) > 300 for _, d in rows):
        raise ValidationError("请填写每项措施的内容（不超过300字）")
    _step(actor=actor, workflow=PROTECTION, case=case, to="planned", note="制定保护方案")
    return [Measure.objects.create(case=case, kind=k, detail=d, updated_by=actor) for k, d in rows]


@transaction.atomic
def measure_update(*, actor: Any, measure_id: int, case: ProtectionCase, status: str) -> Measure:
    _readable(actor, case)
    require(actor, "child.case_handle", region_code=case.region_code, target=f"protectioncase:{case.pk}")
    if case.state not in ("planned", "following"):
        raise ValidationError("个案当前不能更新措施")
    if status not in MeasureStatus.values:
        raise ValidationError("请选择措施状态")
    m = case.measures.filter(pk=measure_id).first()
    if m is None:
        raise ValidationError("措施不存在")
    old = m.status
    m.status, m.updated_by = status, actor
    m.save(update_fields=["status", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="protectioncase.measure",
        target_id=case.pk,
        region_code=case.region_code,
        old={"status": old},
        new={"status": status, "measure": m.pk},
    )
    return m


@transaction.atomic
def case_follow_up(*, actor: Any, case: ProtectionCase, visited_on: dt.date | None, note: str) -> FollowUp:
    _readable(actor, case)
    if visited_on is None or visited_on > timezone.localdate():
        raise ValidationError({"visited_on": ["请填写回访日期（不能晚于今天）"]})
    # A follow-up says what was found (the child seen, the measures' progress), not just that it happened.
    if len((note or "").strip()) < 4:
        raise ValidationError({"note": ["请填写回访情况（儿童现状、措施落实情况，至少4个字）"]})
    _step(actor=actor, workflow=PROTECTION, case=case, to="following", note="跟踪回访")
    return FollowUp.objects.create(
        case=case, visited_on=visited_on, note=note.strip()[:2000], recorded_by=actor
    )


@transaction.atomic
def case_close(*, actor: Any, case: ProtectionCase, note: str) -> ProtectionCase:
    _readable(actor, case)
    if case.measures.exclude(status=MeasureStatus.DONE).exists():
        raise ValidationError("尚有未完成的保护措施，不能结案")
    if len((note or "").strip()) < 2:
        raise ValidationError({"note": ["请填写结案意见"]})
    return _step(
        actor=actor,
        workflow=PROTECTION,
        case=case,
        to="closed",
        note="结案",
        closure_note=note.strip()[:2000],
    )


# ---------------------------------------------------------------- adoption
@transaction.atomic
def adoptable_child_add(
    *, actor: Any, institution: str, since: dt.date | None, person_id: int = 0, id_number: str = ""
) -> AdoptableChild:
    """The child by record or, at the desk, by 身份证号 (found by its keyed hash, never searched in clear)."""
    if id_number and not person_id:
        found = Person.objects.filter(id_hash=crypto.blind_index(normalize(id_number))).first()
        person_id = found.pk if found else 0
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None or not can(actor, "child.adoption", region_code=person.region_code):
        raise ValidationError("未找到该儿童，或不在您的管辖范围内")
    require(actor, "child.adoption", region_code=person.region_code, target=f"person:{person.pk}")
    if not (institution or "").strip() or since is None:
        raise ValidationError("请填写送养机构和认定日期")
    if AdoptableChild.objects.filter(person=person).exists():
        raise ValidationError("该儿童已登记为可送养儿童")
    # 《民法典》第一千零九十三条: only a minor may be adopted (the age from the policy tables).
    today = timezone.localdate()
    adult_at = int(
        policy_resolve(on=today, region_code=person.region_code, hukou_type=person.hukou_type).get(
            "child.end_age"
        )
    )
    if not person.is_alive or age_in_month(person.birth_date, today) >= adult_at:
        raise ValidationError(f"{person.name}不是未满{adult_at}周岁的在世儿童，不能登记为可送养儿童")
    child = AdoptableChild.objects.create(
        person=person, region_code=person.region_code, institution=institution.strip()[:100], since=since
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="adoptablechild",
        target_id=child.pk,
        region_code=child.region_code,
    )
    return child


@transaction.atomic
def adoption_apply(
    *,
    actor: Any,
    child_id: int,
    adopters: str,
    adopter_id_numbers: list[str],
    adopter_address: str,
    applied_on: dt.date | None,
) -> Adoption:
    """受理: the adopters by name and 身份证号 (one or two; stored encrypted, shown masked on the page and the
    certificate, never in an audit row)."""
    child = AdoptableChild.objects.filter(pk=child_id, placed=False).first()
    if child is None or not can(actor, "child.adoption", region_code=child.region_code):
        raise ValidationError("未找到该可送养儿童")
    errors: dict[str, list[str]] = {}
    if len((adopters or "").strip()) < 2:
        errors["adopters"] = ["请填写收养人姓名"]
    ids = [normalize(x) for x in adopter_id_numbers if (x or "").strip()]
    if not 1 <= len(ids) <= 2 or not all(is_valid_id_number(x) for x in ids):
        errors["adopter_id_numbers"] = ["请填写收养人（一至二人）的有效18位身份证号"]
    elif len(set(ids)) != len(ids):
        errors["adopter_id_numbers"] = ["两位收养人的身份证号不能相同"]
    if len((adopter_address or "").strip()) < 4:
        errors["adopter_address"] = ["请填写收养人住址"]
    if applied_on is None or applied_on > timezone.localdate():
        errors["applied_on"] = ["请填写申请日期（不能晚于今天）"]
    if errors:
        raise ValidationError(errors)
    if Adoption.objects.filter(child=child).exclude(state__in=("refused",)).exists():
        raise ValidationError("该儿童已有在办的收养申请")
    assert applied_on is not None  # noqa: S101 (checked above)
    a = Adoption.objects.create(
        state=ADOPTION.initial,
        region_code=child.region_code,
        child=child,
        adopters=adopters.strip()[:100],
        adopter_ids_enc=crypto.encrypt("、".join(ids)),
        adopter_ids_masked="、".join(mask_id_number(x) for x in ids),
        adopter_address=adopter_address.strip()[:200],
        applied_on=applied_on,
        opened_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="adoption",
        target_id=a.pk,
        region_code=a.region_code,
    )
    return case_transition(actor=actor, workflow=ADOPTION, case=a, to="applied", note="受理收养申请")


@transaction.atomic
def adoption_assess(
    *, actor: Any, adoption: Adoption, answers: list[str], home_visit_on: dt.date | None, home_visit_note: str
) -> Adoption:
    """收养评估: the scored checklist and the home visit; below the pass line the application is refused."""
    if home_visit_on is None or home_visit_on > timezone.localdate():
        raise ValidationError({"home_visit_on": ["请填写家访日期（不能晚于今天）"]})
    if len((home_visit_note or "").strip()) < 4:
        raise ValidationError({"home_visit_note": ["请填写家访记录"]})
    chosen, score, passed = rules.adopter_score(
        answers, on=timezone.localdate(), region_code=adoption.region_code
    )
    return _step(
        actor=actor,
        workflow=ADOPTION,
        case=adoption,
        to="assessed" if passed else "refused",
        note=f"评估得分{score}" + ("" if passed else "，未达到适宜收养分数线"),
        assessment_answers=chosen,
        assessment_score=score,
        home_visit_on=home_visit_on,
        home_visit_note=home_visit_note.strip()[:2000],
    )


def _number(prefix: str, adoption: Adoption, on: dt.date) -> str:
    return f"{prefix}{adoption.region_code[:6]}{on:%Y}{adoption.pk:05d}"


@transaction.atomic
def adoption_register(*, actor: Any, adoption: Adoption, refuse: bool = False, note: str = "") -> Adoption:
    today = timezone.localdate()
    if refuse:
        if len((note or "").strip()) < 2:
            raise ValidationError({"note": ["请填写不予登记的理由"]})
        return _step(actor=actor, workflow=ADOPTION, case=adoption, to="refused", note=note.strip())
    AdoptableChild.objects.filter(pk=adoption.child_id).update(placed=True)
    return _step(
        actor=actor,
        workflow=ADOPTION,
        case=adoption,
        to="registered",
        note="办理收养登记",
        registration_number=_number("SYDJ", adoption, today),
        registered_on=today,
    )


@transaction.atomic
def adoption_certify(*, actor: Any, adoption: Adoption) -> Adoption:
    return _step(
        actor=actor,
        workflow=ADOPTION,
        case=adoption,
        to="certified",
        note="发放收养登记证",
        certificate_number=_number("SYZ", adoption, adoption.registered_on or timezone.localdate()),
    )


@transaction.atomic
def adoption_archive(*, actor: Any, adoption: Adoption) -> Adoption:
    return _step(
        actor=actor,
        workflow=ADOPTION,
        case=adoption,
        to="archived",
        note="归档",
        archive_number=_number("SYDA", adoption, timezone.localdate()),
    )
