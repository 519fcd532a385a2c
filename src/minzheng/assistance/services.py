"""Every write of the social-assistance line. Each state change is one service with a role and region
check, an optimistic-lock guard (`expected_version`) and an audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.scoping import has_role, in_scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment, Programme
from minzheng.benefits.services import add_months, enrolment_create, enrolment_end, first_of_month
from minzheng.core.pii import redact
from minzheng.people.models import Household, Membership, Person
from minzheng.policy.selectors import policy_resolve

from . import rules
from .assess import assess_case, parse_case
from .models import (
    Application,
    Decision,
    Document,
    Escalation,
    HomeVisit,
    Objection,
    Outcome,
    PublicNotice,
    Referral,
    Review,
    ReviewOutcome,
    State,
    Transition,
    VillageReview,
)

INTAKE_ROLES = (Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CLERK)
CLERK_ROLES = (Role.TOWNSHIP_CLERK,)
APPROVER_ROLES = (Role.TOWNSHIP_APPROVER, Role.COUNTY_OFFICER)
MAX_UPLOAD = 10 * 1024 * 1024
ALLOWED_UPLOADS = (".pdf", ".jpg", ".jpeg", ".png")

# Allowed transitions: (from, to) → roles. Temporary assistance skips notice (即时救助, seed 002).
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (State.DRAFT, State.SUBMITTED): INTAKE_ROLES,
    (State.SUBMITTED, State.VERIFYING): CLERK_ROLES,
    (State.VERIFYING, State.VILLAGE_REVIEW): CLERK_ROLES,
    (State.VILLAGE_REVIEW, State.PUBLIC_NOTICE): INTAKE_ROLES,
    (State.PUBLIC_NOTICE, State.DECIDED): APPROVER_ROLES,
    (State.SUBMITTED, State.DECIDED): APPROVER_ROLES,  # temporary assistance only
    (State.DECIDED, State.ACTIVE): APPROVER_ROLES,
    (State.DECIDED, State.CLOSED): APPROVER_ROLES,
    (State.CLOSED, State.ACTIVE): (Role.COUNTY_OFFICER,),  # 提级复审 reverses a refusal
    (State.ACTIVE, State.CLOSED): (Role.TOWNSHIP_APPROVER, Role.COUNTY_OFFICER),
}


def _require(actor: Any, roles: tuple[str, ...], region_code: str, what: str) -> None:
    if not has_role(actor, *roles):
        labels = "、".join(Role(r).label for r in roles)
        raise ValidationError(f"只有{labels}可以{what}")
    if not in_scope(actor, region_code):
        raise ValidationError("该申请不在您的管辖范围内")


def _audit(actor: Any, application: Application, event_type: str, what: str, new: Any = None) -> None:
    """One audit row about an application, in the caller's transaction."""
    audit_record(
        actor=actor,
        event_type=event_type,
        target_type=what,
        target_id=application.pk,
        region_code=application.region_code,
        new=new,
    )


def _check_state(application: Application, to: str) -> None:
    if (application.state, to) not in TRANSITIONS:
        raise ValidationError(f"申请当前为“{State(application.state).label}”，不能转为“{State(to).label}”")


def _transition(
    *, actor: Any, application: Application, to: str, expected_version: int | None = None, note: str = ""
) -> Application:
    frm = application.state
    roles = TRANSITIONS.get((frm, to))
    if roles is None:
        raise ValidationError(f"申请当前为“{State(frm).label}”，不能转为“{State(to).label}”")
    if (frm, to) == (State.SUBMITTED, State.DECIDED) and application.programme != Programme.TEMPORARY:
        raise ValidationError("低保、特困申请须经核对、民主评议和公示后才能审批")
    _require(actor, roles, application.region_code, f"把申请转为“{State(to).label}”")
    version = application.version if expected_version is None else expected_version
    # Optimistic lock: exactly one concurrent caller can move the row from this version and state.
    updated = Application.objects.filter(pk=application.pk, version=version, state=frm).update(
        state=to, version=F("version") + 1
    )
    if updated != 1:
        raise ValidationError("该申请已被他人处理或已变更，请刷新后重试")
    application.refresh_from_db()
    Transition.objects.create(
        application=application, from_state=frm, to_state=to, actor=actor, note=note[:300]
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="application.state",
        target_id=application.pk,
        region_code=application.region_code,
        old={"state": frm},
        new={"state": to, "note": note},
    )
    return application


# ------------------------------------------------------------------ intake
def _case_dict(
    *,
    programme: str,
    on: dt.date,
    household: Household,
    region_code: str,
    declared: dict[str, Any],
    amount_requested: int | None,
) -> dict[str, Any]:
    """Declared facts + registry members → the assess contract's input (one shape for trial and decision)."""
    members = {
        m.person_id: m
        for m in Membership.objects.filter(household=household, end_date__isnull=True).select_related(
            "person"
        )
    }
    rows = declared.get("members") or []
    if not isinstance(rows, list) or not rows:
        raise ValidationError("请至少申报一名家庭成员")
    out_members = []
    for row in rows:
        if not isinstance(row, dict):
            raise ValidationError("家庭成员申报格式不正确")
        try:
            pid = int(row.get("person_id", 0))
        except (TypeError, ValueError):
            raise ValidationError("家庭成员编号不正确") from None
        membership = members.get(pid)
        if membership is None:
            raise ValidationError("申报的成员不是该户现有成员")
        if not membership.person.is_alive:
            raise ValidationError(f"{membership.person.name}已死亡，不能作为保障成员")
        item = {k: v for k, v in row.items() if k != "person_id"}
        item.update(
            id_number=membership.person.id_number, relation=membership.relation, name=membership.person.name
        )
        out_members.append(item)
    return {
        "programme": programme,
        "date": on.isoformat(),
        "region": region_code[:12],
        "hukou_type": household.hukou_type,
        "members": out_members,
        "assets": declared.get("assets") or {},
        "amount_requested": amount_requested,
    }


@transaction.atomic
def application_create(
    *,
    actor: Any,
    programme: str,
    household: Household,
    applicant: Person,
    declared: dict[str, Any],
    region_code: str | None = None,
    amount_requested: int | None = None,
    emergency_kind: str = "",
    emergency_description: str = "",
    care_mode: str = "",
    care_institution: str = "",
    on: dt.date | None = None,
) -> Application:
    if programme not in (Programme.DIBAO, Programme.TEKUN, Programme.TEMPORARY):
        raise ValidationError("救助项目须为低保、特困或临时救助")
    if programme == Programme.TEMPORARY:
        # Accepted where the emergency happened, whatever the hukou (seed 002/003).
        region_code = region_code or household.region_code
        if emergency_kind not in ("urgent", "expense"):
            raise ValidationError("请选择临时救助类型：急难型或支出型")
    else:
        region_code = household.region_code
        if not in_scope(actor, household.region_code):
            raise ValidationError("该家庭不在您的管辖范围内")
    if programme == Programme.TEKUN:
        if care_mode not in ("centralised", "dispersed"):
            raise ValidationError("特困申请须选择供养方式：集中供养或分散供养")
        if care_mode == "centralised" and not care_institution.strip():
            raise ValidationError("集中供养须填写供养机构（敬老院、福利中心等）")
    _require(actor, INTAKE_ROLES, region_code, "受理救助申请")
    if not Membership.objects.filter(household=household, person=applicant, end_date__isnull=True).exists():
        raise ValidationError("申请人须为该户现有成员")
    if (
        Application.objects.filter(
            household=household, programme=programme, state__in=[s for s in State.values if s != State.CLOSED]
        )
        .exclude(programme=Programme.TEMPORARY)
        .exists()
    ):
        raise ValidationError("该家庭已有同一项目的在办申请或正在保障，不能重复申请")
    today = on or timezone.localdate()
    case = _case_dict(
        programme=programme,
        on=today,
        household=household,
        region_code=region_code,
        declared=declared,
        amount_requested=amount_requested,
    )
    parse_case(case)  # same validation as the trial calculation: Chinese message on any bad field
    application = Application.objects.create(
        programme=programme,
        household=household,
        applicant=applicant,
        region_code=region_code,
        hukou_type=household.hukou_type,
        declared={"members": declared["members"], "assets": declared.get("assets") or {}},
        amount_requested=amount_requested,
        emergency_kind=emergency_kind,
        emergency_description=emergency_description[:2000],
        care_mode=care_mode if programme == Programme.TEKUN else "",
        care_institution=care_institution[:100] if programme == Programme.TEKUN else "",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="application",
        target_id=application.pk,
        region_code=region_code,
        new={"programme": programme, "household": household.pk},
    )
    return application


@transaction.atomic
def application_update_declared(
    *, actor: Any, application: Application, declared: dict[str, Any]
) -> Application:
    _require(actor, INTAKE_ROLES, application.region_code, "修改申报信息")
    if application.state not in (State.DRAFT, State.SUBMITTED, State.VERIFYING):
        raise ValidationError("审批开始后不能修改申报信息")
    case = _case_dict(
        programme=application.programme,
        on=timezone.localdate(),
        household=application.household,
        region_code=application.region_code,
        declared=declared,
        amount_requested=application.amount_requested,
    )
    parse_case(case)
    old = application.declared
    application.declared = {"members": declared["members"], "assets": declared.get("assets") or {}}
    application.save(update_fields=["declared"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="application.declared",
        target_id=application.pk,
        region_code=application.region_code,
        old=old,
        new=application.declared,
    )
    return application


@transaction.atomic
def application_sign_authorisation(
    *, actor: Any, application: Application, signed_on: dt.date
) -> Application:
    _require(actor, INTAKE_ROLES, application.region_code, "登记核对授权书")
    if signed_on > timezone.localdate():
        raise ValidationError("授权书签署日期不能晚于今天")
    if signed_on < application.created_at.date() - dt.timedelta(days=90):
        raise ValidationError("授权书签署日期过早（超过90天），请重新签署")
    application.authorisation_signed_on = signed_on
    application.save(update_fields=["authorisation_signed_on"])
    _audit(actor, application, AuditEvent.UPDATE, "application.authorisation", new={"signed_on": signed_on})
    return application


@transaction.atomic
def application_add_document(
    *, actor: Any, application: Application, kind: str, upload: UploadedFile
) -> Document:
    _require(actor, INTAKE_ROLES, application.region_code, "上传申请材料")
    if kind not in dict(Document.KINDS):
        raise ValidationError("材料类型不正确")
    name = (upload.name or "").lower()
    if not name.endswith(ALLOWED_UPLOADS):
        raise ValidationError("只能上传PDF、JPG或PNG文件")
    if (upload.size or 0) > MAX_UPLOAD:
        raise ValidationError("文件不能超过10MB")
    if (upload.size or 0) == 0:
        raise ValidationError("文件为空")
    # A file named after the ID card it shows (身份证3708…0008.jpg) keeps no full ID: the page shows the
    # name redacted and the file is stored under a random name (no ID in MEDIA_ROOT or a backup listing).
    original_name = redact(PurePath(upload.name or "").name)[:200]
    upload.name = f"{secrets.token_hex(16)}{PurePath(name).suffix}"
    doc = Document.objects.create(
        application=application,
        kind=kind,
        file=upload,
        original_name=original_name,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="application.document",
        target_id=doc.pk,
        region_code=application.region_code,
        new={"kind": kind, "name": doc.original_name},
    )
    return doc


@transaction.atomic
def application_submit(
    *, actor: Any, application: Application, expected_version: int | None = None
) -> Application:
    _check_state(application, State.SUBMITTED)
    if application.programme != Programme.TEMPORARY and application.authorisation_signed_on is None:
        raise ValidationError("请先登记申请人家庭签署的核对授权书")
    application = _transition(
        actor=actor, application=application, to=State.SUBMITTED, expected_version=expected_version
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now())
    return application


@transaction.atomic
def application_start_verification(
    *, actor: Any, application: Application, expected_version: int | None = None
) -> Application:
    _check_state(application, State.VERIFYING)
    if application.authorisation_signed_on is None:
        raise ValidationError("没有核对授权书，不能开展家庭经济状况核对")
    return _transition(
        actor=actor, application=application, to=State.VERIFYING, expected_version=expected_version
    )


@transaction.atomic
def application_record_home_visit(
    *, actor: Any, application: Application, visited_on: dt.date, visitors: str, findings: str
) -> HomeVisit:
    _require(actor, INTAKE_ROLES, application.region_code, "登记入户调查")
    if application.state != State.VERIFYING:
        raise ValidationError("入户调查应在核对阶段登记")
    if visited_on > timezone.localdate():
        raise ValidationError("入户日期不能晚于今天")
    if not visitors.strip() or not findings.strip():
        raise ValidationError("请填写调查人员和调查情况")
    visit, _ = HomeVisit.objects.update_or_create(
        application=application,
        defaults={
            "visited_on": visited_on,
            "visitors": visitors[:200],
            "findings": findings,
            "recorded_by": actor,
        },
    )
    _audit(actor, application, AuditEvent.CREATE, "application.home_visit", new={"visited_on": visited_on})
    return visit


@transaction.atomic
def application_to_village_review(
    *, actor: Any, application: Application, expected_version: int | None = None
) -> Application:
    _check_state(application, State.VILLAGE_REVIEW)
    if not HomeVisit.objects.filter(application=application).exists():
        raise ValidationError("请先登记入户调查")
    return _transition(
        actor=actor, application=application, to=State.VILLAGE_REVIEW, expected_version=expected_version
    )


@transaction.atomic
def application_record_village_review(
    *,
    actor: Any,
    application: Application,
    held_on: dt.date,
    participants: int,
    agreed: int,
    notes: str = "",
    notice_start: dt.date | None = None,
    expected_version: int | None = None,
) -> PublicNotice:
    """民主评议 recorded, then the 7-day public notice starts (policy dibao.public_notice_days)."""
    if application.state != State.VILLAGE_REVIEW:
        raise ValidationError("当前不在民主评议阶段")
    if participants <= 0 or agreed < 0 or agreed > participants:
        raise ValidationError("参加人数须大于0，同意人数不能超过参加人数")
    if held_on > timezone.localdate():
        raise ValidationError("评议日期不能晚于今天")
    VillageReview.objects.update_or_create(
        application=application,
        defaults={
            "held_on": held_on,
            "participants": participants,
            "agreed": agreed,
            "notes": notes,
            "recorded_by": actor,
        },
    )
    days = int(
        policy_resolve(
            on=held_on, region_code=application.region_code, hukou_type=application.hukou_type
        ).get("dibao.public_notice_days")
    )
    start = notice_start or timezone.localdate()
    if start < held_on or start > timezone.localdate():
        raise ValidationError("公示开始日期应在评议日期之后、且不晚于今天")
    notice, _ = PublicNotice.objects.update_or_create(
        application=application, defaults={"start_date": start, "end_date": start + dt.timedelta(days=days)}
    )
    _transition(
        actor=actor,
        application=application,
        to=State.PUBLIC_NOTICE,
        expected_version=expected_version,
        note=f"民主评议{participants}人参加、{agreed}人同意；公示{days}天",
    )
    return notice


@transaction.atomic
def application_record_objection(
    *, actor: Any, application: Application, received_on: dt.date, content: str
) -> Objection:
    _require(actor, INTAKE_ROLES, application.region_code, "登记公示异议")
    notice = PublicNotice.objects.filter(application=application).first()
    if notice is None or application.state != State.PUBLIC_NOTICE:
        raise ValidationError("该申请不在公示期")
    if not content.strip():
        raise ValidationError("请填写异议内容")
    objection = Objection.objects.create(
        notice=notice, received_on=received_on, content=content, recorded_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="application.objection",
        target_id=objection.pk,
        region_code=application.region_code,
    )
    return objection


@transaction.atomic
def objection_resolve(*, actor: Any, objection: Objection, upheld: bool, resolution: str) -> Objection:
    application = objection.notice.application
    _require(actor, INTAKE_ROLES + APPROVER_ROLES, application.region_code, "处理公示异议")
    if not resolution.strip():
        raise ValidationError("请填写核实处理结果")
    objection.upheld = upheld
    objection.resolution = resolution
    objection.save(update_fields=["upheld", "resolution"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="application.objection",
        target_id=objection.pk,
        region_code=application.region_code,
        new={"upheld": upheld},
    )
    return objection


# ------------------------------------------------------------------ decision
def application_assess(*, application: Application, on: dt.date | None = None) -> rules.Result:
    """The trial calculation on this application's declared facts — the same rules the decision uses."""
    case = _case_dict(
        programme=application.programme,
        on=on or timezone.localdate(),
        household=application.household,
        region_code=application.region_code,
        declared=application.declared,
        amount_requested=application.amount_requested,
    )
    return assess_case(parse_case(case))


@transaction.atomic
def application_decide(
    *,
    actor: Any,
    application: Application,
    outcome: str,
    reasons: str = "",
    expected_version: int | None = None,
    on: dt.date | None = None,
) -> Decision:
    """Approve or refuse. Township approves (seed 002 delegation) up to its level; the maker cannot approve;
    a grant must pass the rules; a refusal must say why; the public notice must have ended clean."""
    today = on or timezone.localdate()
    if outcome not in Outcome.values:
        raise ValidationError("审批结果须为批准或不予批准")
    if application.created_by_id == getattr(actor, "pk", None):
        raise ValidationError("经办人不能审批自己受理的申请（审批与经办分离）")
    if application.programme != Programme.TEMPORARY:
        notice = PublicNotice.objects.filter(application=application).first()
        if application.state != State.PUBLIC_NOTICE or notice is None:
            raise ValidationError("须经民主评议和公示后才能审批")
        if today <= notice.end_date:
            raise ValidationError(f"公示期至{notice.end_date:%Y年%m月%d日}，公示期满后才能审批")
        if notice.objections.filter(upheld__isnull=True).exists():
            raise ValidationError("公示期间有未处理的异议，请先核实处理")
    result = application_assess(application=application, on=today)
    level = result.approval_level if application.programme == Programme.TEMPORARY else "township"
    if level == "county" and not has_role(actor, Role.COUNTY_OFFICER):
        raise ValidationError("该临时救助金额超过乡镇审批权限，须报县级审批")
    if outcome == Outcome.GRANT and not result.eligible:
        failed = "；".join(t.detail for t in result.reasons if not t.passed)
        raise ValidationError(f"不符合条件，不能批准：{failed}")
    if outcome == Outcome.REFUSE and not reasons.strip():
        raise ValidationError("不予批准必须说明理由")
    _transition(actor=actor, application=application, to=State.DECIDED, expected_version=expected_version)
    return _record_decision(
        actor=actor,
        application=application,
        outcome=outcome,
        reasons=reasons,
        result=result,
        level=level,
        today=today,
    )


def _record_decision(
    *,
    actor: Any,
    application: Application,
    outcome: str,
    reasons: str,
    result: rules.Result,
    level: str,
    today: dt.date,
    supersedes: Decision | None = None,
    move_state: bool = True,
) -> Decision:
    """Store the decision (rule version, inputs, result), audit it, enrol a grant, and — unless the caller
    already moved the state (提级复审) — close the application as active or closed."""
    granted = outcome == Outcome.GRANT
    temporary = application.programme == Programme.TEMPORARY
    # Benefits start the month after approval (policy.md); temporary assistance is paid at once.
    first = first_of_month(today) if temporary else add_months(today, 1)
    auto = "；".join(t.detail for t in result.reasons)
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        level=level,
        monthly_amount=result.monthly_amount if granted else 0,
        members_covered=result.members_covered if granted else 0,
        first_month=first if granted else None,
        rule_version=result.rule_version,
        inputs={"case": application.declared, "policy": result.inputs, "date": today.isoformat()},
        result=result.as_dict(),
        reasons=(reasons.strip() + ("；" if reasons.strip() else "") + auto)[:4000],
        decided_by=actor,
        supersedes=supersedes,
    )
    _audit(
        actor,
        application,
        AuditEvent.DECISION,
        "application",
        new={"outcome": outcome, "amount": decision.monthly_amount, "rule_version": decision.rule_version},
    )
    if granted:
        head = application.applicant
        enrolment_create(
            actor=actor,
            programme=application.programme,
            person=head,
            household=application.household,
            amount=decision.monthly_amount,
            members_covered=decision.members_covered,
            first_month=first,
            last_month=first if temporary else None,
            tier=_tier(application),
            source_type="decision",
            source_id=decision.pk,
            rule_version=decision.rule_version,
        )
    if move_state:
        _transition(
            actor=actor,
            application=application,
            to=State.ACTIVE if granted else State.CLOSED,
            note=f"批准，待遇自{first:%Y年%m月}起" if granted else "不予批准",
        )
    return decision


def _tier(application: Application) -> str:
    if application.programme != Programme.TEKUN:
        return ""
    mode = dict(Application._meta.get_field("care_mode").choices or []).get(application.care_mode, "")
    return f"{mode} {application.care_institution}".strip()


def application_enrolment(*, application: Application) -> Enrolment | None:
    ids = [str(d) for d in application.decisions.values_list("id", flat=True)]
    return Enrolment.objects.filter(source_type="decision", source_id__in=ids).order_by("-id").first()


# ------------------------------------------------------------------ after the grant
@transaction.atomic
def review_open(*, actor: Any, enrolment: Enrolment, due_date: dt.date, trigger: str = "periodic") -> Review:
    _require(actor, CLERK_ROLES + APPROVER_ROLES, enrolment.region_code, "发起核查")
    existing = Review.objects.filter(enrolment=enrolment, outcome="").first()
    if existing:
        return existing
    review = Review.objects.create(
        enrolment=enrolment, region_code=enrolment.region_code, due_date=due_date, trigger=trigger
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="review",
        target_id=review.pk,
        region_code=enrolment.region_code,
        new={"trigger": trigger, "due": due_date},
    )
    return review


@transaction.atomic
def review_decide(
    *,
    actor: Any,
    review: Review,
    outcome: str,
    reasons: str,
    new_amount: int | None = None,
    on: dt.date | None = None,
) -> Review:
    """Outcome of a periodic review: continue, adjust amount, gradual exit (6 months, policy), or stop.
    Stopping pays through this month; the new amount of an adjustment starts next month."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    enrolment = review.enrolment
    _require(actor, APPROVER_ROLES, enrolment.region_code, "作出核查结论")
    if review.outcome:
        raise ValidationError("该核查已有结论，不能重复处理")
    if outcome not in ReviewOutcome.values:
        raise ValidationError("核查结论不正确")
    if not reasons.strip():
        raise ValidationError("请填写核查理由")
    today = on or timezone.localdate()
    this_month = first_of_month(today)
    if enrolment.last_month is not None and enrolment.last_month < this_month:
        raise ValidationError("该待遇已终止，无需核查")
    policy = policy_resolve(
        on=today,
        region_code=enrolment.region_code,
        hukou_type=(enrolment.household.hukou_type if enrolment.household else enrolment.person.hukou_type),
    )
    if outcome == ReviewOutcome.ADJUST:
        if new_amount is None or new_amount <= 0:
            raise ValidationError("调整金额须为正整数")
        enrolment_end(actor=actor, enrolment=enrolment, last_month=this_month, reason="核查调整金额")
        enrolment_create(
            actor=actor,
            programme=enrolment.programme,
            person=enrolment.person,
            household=enrolment.household,
            amount=new_amount,
            members_covered=enrolment.members_covered,
            first_month=add_months(this_month, 1),
            source_type="review",
            source_id=review.pk,
            rule_version=policy.version,
        )
    elif outcome == ReviewOutcome.GRADUAL_EXIT:
        months = int(policy.get("dibao.gradual_exit_months"))
        enrolment_end(
            actor=actor,
            enrolment=enrolment,
            last_month=add_months(this_month, months),
            reason=f"渐退期{months}个月",
        )
    elif outcome == ReviewOutcome.STOP:
        enrolment_end(actor=actor, enrolment=enrolment, last_month=this_month, reason=reasons)
    review.outcome = outcome
    review.new_amount = new_amount
    review.reasons = reasons
    review.inputs = {"policy": policy.as_record(), "rule_version": policy.version, "date": today.isoformat()}
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="review",
        target_id=review.pk,
        region_code=enrolment.region_code,
        new={"outcome": outcome, "new_amount": new_amount},
    )
    return review


@transaction.atomic
def escalation_request(*, actor: Any, application: Application, reason: str) -> Escalation:
    """提级复审: a refused (or stopped) case goes to the county (seed 003)."""
    _require(actor, (*INTAKE_ROLES, Role.TOWNSHIP_APPROVER), application.region_code, "申请提级复审")
    if application.state != State.CLOSED:
        raise ValidationError("只有不予批准或已停保的申请可以提级复审")
    if not reason.strip():
        raise ValidationError("请填写申请复审的理由")
    if application.escalations.filter(county_decision__isnull=True).exists():
        raise ValidationError("已有待县级复审的申请")
    esc = Escalation.objects.create(
        application=application, region_code=application.region_code, reason=reason, requested_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="escalation",
        target_id=esc.pk,
        region_code=application.region_code,
    )
    return esc


@transaction.atomic
def escalation_decide(
    *, actor: Any, escalation: Escalation, outcome: str, notes: str, on: dt.date | None = None
) -> Decision:
    """The county decides with its own record; the outcome replaces the township's decision."""
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    application = escalation.application
    _require(actor, (Role.COUNTY_OFFICER,), application.region_code, "作出提级复审决定")
    if escalation.county_decision_id:
        raise ValidationError("该提级复审已有决定")
    if not notes.strip():
        raise ValidationError("请填写县级复审意见")
    today = on or timezone.localdate()
    result = application_assess(application=application, on=today)
    previous = application.decisions.first()
    if outcome == Outcome.GRANT:
        if not result.eligible:
            failed = "；".join(t.detail for t in result.reasons if not t.passed)
            raise ValidationError(f"不符合条件，不能批准：{failed}")
        _transition(actor=actor, application=application, to=State.ACTIVE, note="县级提级复审改为批准")
    decision = _record_decision(
        actor=actor,
        application=application,
        outcome=Outcome.GRANT if outcome == Outcome.GRANT else Outcome.REFUSE,
        reasons=notes,
        result=result,
        level="county",
        today=today,
        supersedes=previous,
        move_state=False,
    )
    escalation.county_decision = decision
    escalation.county_notes = notes
    escalation.save(update_fields=["county_decision", "county_notes"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="escalation",
        target_id=escalation.pk,
        region_code=application.region_code,
        new={"outcome": outcome},
    )
    return decision


@transaction.atomic
def referral_create(*, actor: Any, application: Application, target: str, note: str = "") -> Referral:
    _require(actor, INTAKE_ROLES + APPROVER_ROLES, application.region_code, "转介")
    if not target.strip():
        raise ValidationError("请填写转介去向")
    ref = Referral.objects.create(
        application=application,
        region_code=application.region_code,
        target=target[:100],
        note=note,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="referral",
        target_id=ref.pk,
        region_code=application.region_code,
        new={"target": target},
    )
    return ref


@transaction.atomic
def referral_set_status(*, actor: Any, referral: Referral, status: str) -> Referral:
    _require(actor, INTAKE_ROLES + APPROVER_ROLES, referral.region_code, "更新转介状态")
    if status not in dict(Referral.STATUSES):
        raise ValidationError("转介状态不正确")
    old = referral.status
    referral.status = status
    referral.save(update_fields=["status"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="referral",
        target_id=referral.pk,
        region_code=referral.region_code,
        old={"status": old},
        new={"status": status},
    )
    return referral
