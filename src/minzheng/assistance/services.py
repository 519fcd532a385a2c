"""Every write of the social-assistance line. Each state change is one service with a role and region
check, an optimistic-lock guard (`expected_version`) and an audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.scoping import in_scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.funding import grant_funding_draw
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months, enrolment_create, enrolment_end, first_of_month
from minzheng.casework import selectors as casework
from minzheng.casework.selectors import step_due
from minzheng.casework.services import case_require_separate, case_transition
from minzheng.core.inputs import form_name
from minzheng.core.pii import redact
from minzheng.core.uploads import checked_file
from minzheng.people.models import Household, Membership, Person
from minzheng.policy.selectors import PolicyMissing, PolicySet, policy_resolve
from minzheng.programmes.registry import intake_checks

from . import rules
from .assess import parse_case
from .models import (
    Application,
    Conclusion,
    Decision,
    Document,
    Escalation,
    HomeVisit,
    Objection,
    ObjectionAction,
    Outcome,
    Programme,
    PublicNotice,
    Referral,
    Review,
    ReviewOutcome,
    SecondApproval,
    State,
    VillageReview,
)
from .trial import _case_dict, application_assess, application_assess_living
from .workflow import DECLARED_EDITABLE, NO_MATCH_HELD, application_workflow


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


def _policy(*, on: dt.date, region_code: str, hukou_type: str) -> PolicySet:
    """The policy in force on a date, or a Chinese refusal when none is (a mistyped year, before 2016)."""
    policy = policy_resolve(on=on, region_code=region_code, hukou_type=hukou_type)
    if not policy.values:
        raise ValidationError(f"{on:%Y年%m月%d日}没有有效的救助政策，请检查日期")
    return policy


def _policy_value(policy: PolicySet, key: str) -> Decimal:
    try:
        return policy.get(key)
    except PolicyMissing as e:
        raise ValidationError(str(e)) from None


def case_steps(application: Application) -> dict[int, set[str]]:
    """Who took which make/check step of this case (its transitions and records): user id → steps."""
    return casework.case_steps(workflow=application_workflow(application), case=application)


# The permission each make/check step is taken under (for the DENIED row of a separation refusal).
STEP_PERMISSION = {
    "intake": "assistance.intake",
    "verification": "assistance.process",
    "village_review": "assistance.intake",
    "decision": "assistance.decide",
    "second_approval": "assistance.decide",
    "escalation": "assistance.escalation_decide",
}


def _require_separate(actor: Any, application: Application, step: str) -> None:
    """Refuse when `actor` already took a make/check step of another stage of this case (audited)."""
    case_require_separate(
        workflow=application_workflow(application),
        case=application,
        actor=actor,
        step=step,
        permission=STEP_PERMISSION[step],
    )


def _check_state(application: Application, to: str) -> None:
    workflow = application_workflow(application)
    if workflow.transition(application.state, to) is None:
        raise ValidationError(
            f"申请当前为“{workflow.state_label(application.state)}”，不能转为“{workflow.state_label(to)}”"
        )


def _transition(
    *, actor: Any, application: Application, to: str, expected_version: int | None = None, note: str = ""
) -> Application:
    """One step along the programme's workflow (casework checks, requires, locks, records, audits)."""
    return case_transition(
        actor=actor,
        workflow=application_workflow(application),
        case=application,
        to=to,
        expected_version=expected_version,
        note=note,
    )


# ------------------------------------------------------------------ intake
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
    require(actor, "assistance.intake", region_code=region_code, target=f"household:{household.pk}")
    if not Membership.objects.filter(household=household, person=applicant, end_date__isnull=True).exists():
        raise ValidationError("申请人须为该户现有成员")
    for check in intake_checks():  # registered by other lines (诚信救助's waiting period)
        check(household=household, applicant=applicant, programme=programme, on=on or timezone.localdate())
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


NOT_FOUND_ELSEWHERE = (
    "未找到身份证号与姓名相符的登记人员。户籍不在本地的，请先在“新建家庭”中登记该家庭（填写户籍地区划代码）"
)


@transaction.atomic
def temporary_application_elsewhere(
    *,
    actor: Any,
    id_number: str,
    name: str,
    region_code: str,
    amount_requested: int | None,
    emergency_kind: str,
    emergency_description: str = "",
) -> Application:
    """临时救助 where the emergency happens, no hukou limit (seed 002): the clerk opens a temporary case
    for a person whose household is registered outside the clerk's region. The person is found by the
    ID number and name they present (both must match; a mismatch reads like nobody, so the registry is
    not probed); the case belongs to `region_code`, the place of the emergency in the clerk's region."""
    from minzheng.core import crypto
    from minzheng.core.idnumber import parse_id_number

    try:
        info = parse_id_number(id_number)
    except ValidationError:
        raise ValidationError("身份证号不正确，请核对后重新填写") from None
    require(actor, "assistance.intake", region_code=region_code, target="temporary:elsewhere")
    person = Person.objects.filter(id_hash=crypto.blind_index(info.id_number)).first()
    if person is None or person.name != (name or "").strip():
        raise ValidationError(NOT_FOUND_ELSEWHERE)
    if not person.is_alive:
        raise ValidationError(f"{person.name}已死亡，不能申请临时救助")
    membership = (
        Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    )
    if membership is None:
        raise ValidationError(f"{person.name}没有现住家庭户，请先登记家庭")
    return application_create(
        actor=actor,
        programme=Programme.TEMPORARY,
        household=membership.household,
        applicant=person,
        declared={"members": [{"person_id": person.pk}], "assets": {}},
        region_code=region_code,
        amount_requested=amount_requested,
        emergency_kind=emergency_kind,
        emergency_description=emergency_description,
    )


@transaction.atomic
def application_update_declared(
    *, actor: Any, application: Application, declared: dict[str, Any]
) -> Application:
    """Correct the declared facts (e.g. 有赡养人) before the decision; the audit row keeps old → new. While a
    提级复审 is pending, the county may correct them for its own decision."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    target = f"application:{application.pk}"
    if application.state in DECLARED_EDITABLE:
        require(actor, "assistance.intake", region_code=application.region_code, target=target)
    elif (
        application.state == State.CLOSED
        and application.escalations.filter(county_decision__isnull=True).exists()
    ):
        require(actor, "assistance.escalation_decide", region_code=application.region_code, target=target)
    else:
        raise ValidationError("已作出审批决定，不能再修改申报信息")
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
    if application.declared == old:
        raise ValidationError("申报信息没有变化")
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
    require(
        actor,
        "assistance.intake",
        region_code=application.region_code,
        target=f"application:{application.pk}",
    )
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
    require(
        actor,
        "assistance.intake",
        region_code=application.region_code,
        target=f"application:{application.pk}",
    )
    if kind not in dict(Document.KINDS):
        raise ValidationError("材料类型不正确")
    ext = checked_file(upload)  # type by content, at most 10 MB
    # The stored name is ours (never the sender's, which may hold an ID number); the shown one is redacted.
    original = redact(upload.name or "")[:200]
    upload.name = f"{kind}{ext}"
    doc = Document.objects.create(
        application=application, kind=kind, file=upload, original_name=original, uploaded_by=actor
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


def document_open(*, actor: Any, document: Document) -> Any:
    """Open an uploaded file for viewing: the caller already scoped the application; each view is audited."""
    application = document.application
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="application.document",
        target_id=document.pk,
        region_code=application.region_code,
        new={"kind": document.kind},
    )
    return document.file.open("rb")


@transaction.atomic
def application_submit(
    *, actor: Any, application: Application, expected_version: int | None = None
) -> Application:
    _check_state(application, State.SUBMITTED)
    if application.programme != Programme.TEMPORARY and application.authorisation_signed_on is None:
        raise ValidationError("请先登记申请人家庭签署的核对授权书")
    _require_separate(actor, application, "intake")
    application = _transition(
        actor=actor, application=application, to=State.SUBMITTED, expected_version=expected_version
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now())
    application.refresh_from_db()
    return application


@transaction.atomic
def application_start_verification(
    *, actor: Any, application: Application, expected_version: int | None = None
) -> Application:
    _check_state(application, State.VERIFYING)
    if application.authorisation_signed_on is None:
        raise ValidationError("没有核对授权书，不能开展家庭经济状况核对")
    _require_separate(actor, application, "verification")
    return _transition(
        actor=actor, application=application, to=State.VERIFYING, expected_version=expected_version
    )


def _not_before_case(application: Application, day: dt.date, label: str) -> None:
    """A date typed for this case lies between its submission and today (the server's clock)."""
    start = timezone.localdate(application.submitted_at) if application.submitted_at else None
    start = start or timezone.localdate(application.created_at)
    if day > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天")
    if day < start:
        raise ValidationError(f"{label}不能早于受理日期{start:%Y年%m月%d日}")


@transaction.atomic
def application_record_home_visit(
    *, actor: Any, application: Application, visited_on: dt.date, visitors: str, findings: str
) -> HomeVisit:
    require(
        actor,
        "assistance.intake",
        region_code=application.region_code,
        target=f"application:{application.pk}",
    )
    if application.state != State.VERIFYING:
        raise ValidationError("入户调查应在核对阶段登记")
    _not_before_case(application, visited_on, "入户日期")
    if not visitors.strip() or not findings.strip():
        raise ValidationError("请填写调查人员和调查情况")
    _require_separate(actor, application, "verification")
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
    *, actor: Any, application: Application, expected_version: int | None = None, recheck_reason: str = ""
) -> Application:
    """核对 → 民主评议 once the home visit and a 核对 report are on file. A report of 不符合 needs the
    township's 复核意见 (`recheck_reason`), else the case stays at 核对 (re-verify, or refuse)."""
    _check_state(application, State.VILLAGE_REVIEW)
    if not HomeVisit.objects.filter(application=application).exists():
        raise ValidationError("请先登记入户调查")
    report = latest_verification(application)
    if report is None:
        # 民主评议 weighs the family's verified means: without a 核对 report there is nothing to weigh.
        raise ValidationError("请先完成家庭经济状况核对（出具核对报告）后再提交民主评议")
    note = ""
    if report.conclusion == Conclusion.NO_MATCH:
        # A 不符合 report holds the case at 核对 unless the township records why it goes on (the
        # applicant's proof reviewed); the decision against the report still needs a second approver.
        if not recheck_reason.strip():
            raise ValidationError(NO_MATCH_HELD)
        note = f"核对报告#{report.pk}结论为不符合，经复核转民主评议：{recheck_reason.strip()}"[:300]
    _require_separate(actor, application, "verification")
    application = _transition(
        actor=actor,
        application=application,
        to=State.VILLAGE_REVIEW,
        expected_version=expected_version,
        note=note,
    )
    if note:
        _audit(
            actor,
            application,
            AuditEvent.UPDATE,
            "application.recheck",
            new={"report": report.pk, "reason": recheck_reason.strip()[:200]},
        )
    return application


@transaction.atomic
def application_return_to_verification(
    *, actor: Any, application: Application, reason: str, expected_version: int | None = None
) -> Application:
    """A failed 民主评议 goes back to 核对 (re-check, then a new vote)."""
    if application.state != State.VILLAGE_REVIEW:
        raise ValidationError("只有民主评议阶段的申请可以退回核对")
    if not reason.strip():
        raise ValidationError("请填写退回核对的理由")
    return _transition(
        actor=actor,
        application=application,
        to=State.VERIFYING,
        expected_version=expected_version,
        note=f"退回核对：{reason}",
    )


def village_review_passes(*, participants: int, agreed: int, ratio: Decimal) -> bool:
    """民主评议 passes when those agreeing are more than `ratio` of those taking part (过半数 at 0.5)."""
    return Decimal(agreed) > Decimal(participants) * ratio


@transaction.atomic
def application_record_village_review(
    *,
    actor: Any,
    application: Application,
    held_on: dt.date,
    participants: int,
    agreed: int,
    notes: str = "",
    expected_version: int | None = None,
) -> VillageReview:
    """民主评议 recorded. Its outcome follows the votes (policy village_review.min_agree_ratio): passed → the
    public notice starts today by the server's clock and runs dibao.public_notice_days; failed → no notice,
    the case goes to refusal or back to 核对."""
    require(
        actor,
        "assistance.intake",
        region_code=application.region_code,
        target=f"application:{application.pk}",
    )
    if application.state != State.VILLAGE_REVIEW:
        raise ValidationError("当前不在民主评议阶段")
    if participants <= 0 or agreed < 0 or agreed > participants:
        raise ValidationError("参加人数须大于0，同意人数不能超过参加人数")
    _not_before_case(application, held_on, "评议日期")
    _require_separate(actor, application, "village_review")
    today = timezone.localdate()
    policy = _policy(on=today, region_code=application.region_code, hukou_type=application.hukou_type)
    ratio = _policy_value(policy, "village_review.min_agree_ratio")
    passed = village_review_passes(participants=participants, agreed=agreed, ratio=ratio)
    review, _ = VillageReview.objects.update_or_create(
        application=application,
        defaults={
            "held_on": held_on,
            "participants": participants,
            "agreed": agreed,
            "passed": passed,
            "notes": notes,
            "recorded_by": actor,
        },
    )
    _audit(
        actor,
        application,
        AuditEvent.CREATE,
        "application.village_review",
        new={"participants": participants, "agreed": agreed, "passed": passed, "ratio": str(ratio)},
    )
    if not passed:
        return review
    # The 公示 period is the workflow's step deadline (policy dibao.public_notice_days on the day it starts).
    end = step_due(
        workflow=application_workflow(application), step="public_notice", start=today, case=application
    )
    days = (end - today).days
    PublicNotice.objects.update_or_create(
        application=application, defaults={"start_date": today, "end_date": end}
    )
    _transition(
        actor=actor,
        application=application,
        to=State.PUBLIC_NOTICE,
        expected_version=expected_version,
        note=f"民主评议{participants}人参加、{agreed}人同意；公示{days}天",
    )
    return review


def village_review_explanation(review: VillageReview, ratio: Decimal) -> str:
    need = int(review.participants * ratio) + 1
    return (
        f"民主评议未通过：参加{review.participants}人、同意{review.agreed}人，"
        f"同意人数须超过参加人数的{ratio:.0%}（至少{need}人）。不进入公示，可作出不予批准决定或退回核对。"
    )


@transaction.atomic
def application_record_objection(
    *, actor: Any, application: Application, received_on: dt.date, content: str, objector: str = ""
) -> Objection:
    require(
        actor,
        "assistance.intake",
        region_code=application.region_code,
        target=f"application:{application.pk}",
    )
    notice = PublicNotice.objects.filter(application=application).first()
    if notice is None or application.state != State.PUBLIC_NOTICE:
        raise ValidationError("该申请不在公示期")
    if received_on < notice.start_date or received_on > timezone.localdate():
        raise ValidationError("收到日期应在公示开始之后、且不晚于今天")
    if not content.strip():
        raise ValidationError("请填写异议内容")
    objection = Objection.objects.create(
        notice=notice, received_on=received_on, content=content, objector=objector[:100], recorded_by=actor
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
def objection_resolve(
    *,
    actor: Any,
    objection: Objection,
    action: str,
    resolution: str,
    informed_on: dt.date | None = None,
    informed_how: str = "",
) -> Objection:
    """Investigate and settle a 公示 objection: upheld → back to 核对 (REVERIFY) or to refusal (REFUSE);
    not upheld (REJECT) → with reasons, and the objector told how and when."""
    objection = (
        Objection.objects.select_for_update().select_related("notice__application").get(pk=objection.pk)
    )
    application = objection.notice.application
    require(
        actor,
        "assistance.objection_resolve",
        region_code=application.region_code,
        target=f"objection:{objection.pk}",
    )
    if objection.upheld is not None:
        raise ValidationError("该异议已处理")
    if application.state != State.PUBLIC_NOTICE:
        raise ValidationError("该申请不在公示期")
    if action not in ObjectionAction.values:
        raise ValidationError("请选择处理方式")
    if not resolution.strip():
        raise ValidationError("请填写核实处理结果")
    if informed_on is not None and (
        informed_on < objection.received_on or informed_on > timezone.localdate()
    ):
        raise ValidationError("告知日期应在收到异议之后、且不晚于今天")
    if action == ObjectionAction.REJECT and (informed_on is None or not informed_how.strip()):
        raise ValidationError("异议不成立的，须告知异议人：请填写告知日期和告知方式")
    objection.upheld = action != ObjectionAction.REJECT
    objection.action = action
    objection.resolution = resolution
    objection.informed_on = informed_on
    objection.informed_how = informed_how[:100]
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="application.objection",
        target_id=objection.pk,
        region_code=application.region_code,
        old={"upheld": None},
        new={
            "upheld": objection.upheld,
            "action": action,
            "informed_on": informed_on,
            "informed_how": informed_how,
        },
    )
    if action == ObjectionAction.REVERIFY:
        _transition(
            actor=actor,
            application=application,
            to=State.VERIFYING,
            note=f"公示异议成立，退回核对：{resolution}",
        )
    return objection


# ------------------------------------------------------------------ decision
def latest_verification(application: Application) -> Any:
    """The application's latest 核对 report (verification.VerificationReport), read through the reverse
    relation so that assistance does not import the verification layer above it."""
    return application.verifications.order_by("-created_at", "-id").first()


def _against_verification(application: Application, outcome: str) -> Any:
    """The 核对 report this outcome contradicts (grant over 不符合, refuse over 符合), if any."""
    report = latest_verification(application)
    if report is None:
        return None
    if outcome == Outcome.GRANT and report.conclusion == Conclusion.NO_MATCH:
        return report
    if outcome == Outcome.REFUSE and report.conclusion == Conclusion.MATCH:
        return report
    return None


def _decision_gate(
    *, actor: Any, application: Application, outcome: str, reasons: str, today: dt.date
) -> str:
    """Everything a decision must satisfy before it is taken; returns the level (township | county)."""
    if outcome not in Outcome.values:
        raise ValidationError("审批结果须为批准或不予批准")
    require(
        actor,
        "assistance.decide",
        region_code=application.region_code,
        target=f"application:{application.pk}",
    )
    if application.programme != Programme.TEMPORARY:
        review = VillageReview.objects.filter(application=application).first()
        failed_vote = application.state == State.VILLAGE_REVIEW and review is not None and not review.passed
        report = latest_verification(application) if application.state == State.VERIFYING else None
        if report is not None and report.conclusion == Conclusion.NO_MATCH:
            if outcome != Outcome.REFUSE:
                raise ValidationError("核对结论为不符合，不能批准；可重新核对，或登记复核意见后转民主评议")
        elif failed_vote:
            if outcome != Outcome.REFUSE:
                raise ValidationError("民主评议未通过，不能批准；可作出不予批准决定或退回核对")
        else:
            notice = PublicNotice.objects.filter(application=application).first()
            if application.state != State.PUBLIC_NOTICE or notice is None:
                raise ValidationError("须经民主评议和公示后才能审批")
            if today <= notice.end_date:
                raise ValidationError(f"公示期至{notice.end_date:%Y年%m月%d日}，公示期满后才能审批")
            objections = notice.objections.all()
            if any(o.upheld is None for o in objections):
                raise ValidationError("公示期间有未处理的异议，请先在“公示异议”中核实处理")
            if outcome == Outcome.GRANT and any(o.action == ObjectionAction.REFUSE for o in objections):
                raise ValidationError("公示异议经核实成立，不能批准")
    if outcome == Outcome.REFUSE and not reasons.strip():
        raise ValidationError("不予批准必须说明理由")
    return "township"


@transaction.atomic
def application_decide(
    *,
    actor: Any,
    application: Application,
    outcome: str,
    reasons: str = "",
    expected_version: int | None = None,
    on: dt.date | None = None,
    override: bool = False,
    override_reasons: str = "",
    fund_id: int | None = None,
) -> Decision | SecondApproval:
    """Approve or refuse. Township approves (seed 002 delegation) up to its level; no one who took another
    step of the case may decide; a grant must pass the rules; a refusal must say why; the public notice must
    have run its days on the server's clock with every objection settled. A decision against the 核对
    conclusion needs `override` with reasons and is only proposed: it takes effect when a second approver
    confirms it (`second_approval_confirm`)."""
    today = on or timezone.localdate()
    _decision_gate(actor=actor, application=application, outcome=outcome, reasons=reasons, today=today)
    _require_separate(actor, application, "decision")
    result = application_assess(application=application, on=today)
    level = result.approval_level if application.programme == Programme.TEMPORARY else "township"
    if level == "county":
        try:
            require(
                actor,
                "assistance.decide_county",
                region_code=application.region_code,
                target=f"application:{application.pk}",
            )
        except Denied:  # audited as DENIED; the clerk reads why
            raise ValidationError("该临时救助金额超过乡镇审批权限，须报县级审批") from None
    if outcome == Outcome.GRANT and not result.eligible:
        failed = "；".join(t.detail for t in result.reasons if not t.passed)
        raise ValidationError(f"不符合条件，不能批准：{failed}")
    against = _against_verification(application, outcome)
    if against is not None:
        verdict = against.get_conclusion_display()
        if not override or not override_reasons.strip():
            raise ValidationError(
                f"该决定与核对报告#{against.pk}的结论（{verdict}）不一致：须勾选“不采纳核对结论”并说明理由，"
                "并由另一名审批人确认后生效"
            )
        if application.second_approvals.filter(confirmed_by__isnull=True).exists():
            raise ValidationError("已有待第二人审批的决定")
        if expected_version is not None and expected_version != application.version:
            # A stale page would park a proposal that can never be confirmed: refuse it now.
            raise ValidationError("该申请已被他人处理或已变更，请刷新后重试")
        proposal = SecondApproval.objects.create(
            kind="decision",
            application=application,
            region_code=application.region_code,
            payload={
                "outcome": outcome,
                "reasons": reasons,
                "override_reasons": override_reasons,
                "report": against.pk,
                "version": application.version,
                "fund": fund_id,
            },
            proposed_by=actor,
        )
        _audit(
            actor,
            application,
            AuditEvent.CREATE,
            "application.second_approval",
            new={"outcome": outcome, "override": True, "report": against.pk},
        )
        return proposal
    _transition(actor=actor, application=application, to=State.DECIDED, expected_version=expected_version)
    return _record_decision(
        actor=actor,
        application=application,
        outcome=outcome,
        reasons=reasons,
        result=result,
        level=level,
        today=today,
        fund_id=fund_id,
    )


@transaction.atomic
def second_approval_confirm(
    *, actor: Any, approval: SecondApproval, on: dt.date | None = None
) -> Decision | Review:
    """The second approver (another person holding the decide permission, who took no other step of the
    case) confirms a proposed decision or review amount; only then does it take effect."""
    approval = SecondApproval.objects.select_for_update().get(pk=approval.pk)
    require(
        actor, "assistance.decide", region_code=approval.region_code, target=f"second_approval:{approval.pk}"
    )
    if approval.confirmed_by_id is not None:
        raise ValidationError("该事项已经第二人审批")
    require_other_person(actor, approval.proposed_by_id, message="第二审批人须为另一人，拟办人不能自己确认")
    approval.confirmed_by = actor
    approval.confirmed_at = timezone.now()
    approval.save(update_fields=["confirmed_by", "confirmed_at"])
    p = approval.payload
    if approval.kind == "review":
        return _apply_review(
            actor=approval.proposed_by,
            review=Review.objects.select_for_update().get(pk=approval.review_id or 0),
            outcome=p["outcome"],
            reasons=p["reasons"],
            new_amount=p["new_amount"],
            today=on or timezone.localdate(),
            second_approver=actor,
        )
    application = approval.application
    if application is None:
        raise ValidationError("待审批事项不完整")
    application.refresh_from_db()
    today = on or timezone.localdate()
    proposer = approval.proposed_by
    _decision_gate(
        actor=proposer, application=application, outcome=p["outcome"], reasons=p["reasons"], today=today
    )
    _require_separate(actor, application, "second_approval")
    result = application_assess(application=application, on=today)
    if p["outcome"] == Outcome.GRANT and not result.eligible:
        failed = "；".join(t.detail for t in result.reasons if not t.passed)
        raise ValidationError(f"不符合条件，不能批准：{failed}")
    _transition(actor=actor, application=application, to=State.DECIDED, expected_version=p["version"])
    return _record_decision(
        actor=proposer,
        application=application,
        outcome=p["outcome"],
        reasons=p["reasons"],
        result=result,
        level="township",
        today=today,
        override_reasons=p["override_reasons"],
        second_approver=actor,
        state_actor=actor,
        fund_id=p.get("fund"),
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
    override_reasons: str = "",
    second_approver: Any = None,
    state_actor: Any = None,
    fund_id: int | None = None,
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
        verification_override=bool(override_reasons.strip()),
        override_reasons=override_reasons.strip(),
        second_approver=second_approver,
    )
    _audit(
        state_actor or actor,
        application,
        AuditEvent.DECISION,
        "application",
        new={
            "outcome": outcome,
            "amount": decision.monthly_amount,
            "rule_version": decision.rule_version,
            "override": decision.verification_override,
            "decided_by": getattr(actor, "pk", None),
            "second_approver": getattr(second_approver, "pk", None),
        },
    )
    if granted:
        head = application.applicant
        enrolment = enrolment_create(
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
        if temporary:  # a one-off grant is paid now, from the fund chosen (else the county's default)
            grant_funding_draw(actor=actor, enrolment=enrolment, fund_id=fund_id)
    if move_state:
        _transition(
            actor=state_actor or actor,
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
    require(
        actor, "assistance.review_open", region_code=enrolment.region_code, target=f"enrolment:{enrolment.pk}"
    )
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


DEATH_TRIGGER = "death"  # Review.trigger of the re-decision a member's death opens ("death:<person>")


@transaction.atomic
def review_open_on_death(*, actor: Any, enrolment: Enrolment, person: Person, died_on: dt.date) -> Review:
    """A member of a household enrolment died and others live on: the household's benefit is re-decided
    (复核/变更) — a review due today, triggered by the death. Like the lines' death hooks it does not ask
    for the line's permission: the death was recorded by an officer allowed to record it, and this
    consequence follows from the fact. An open review of the enrolment is reused."""
    if person.is_alive or person.death_date is None:
        raise ValidationError("请先登记死亡，再发起家庭待遇复核")
    existing = Review.objects.filter(enrolment=enrolment, outcome="").first()
    if existing:
        return existing
    review = Review.objects.create(
        enrolment=enrolment,
        region_code=enrolment.region_code,
        due_date=timezone.localdate(),
        trigger=f"{DEATH_TRIGGER}:{person.pk}",
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="review",
        target_id=review.pk,
        region_code=enrolment.region_code,
        detail="家庭成员死亡，发起待遇复核",
        new={"trigger": review.trigger, "due": review.due_date, "died_on": died_on},
    )
    return review


def enrolment_application(enrolment: Enrolment) -> Application | None:
    """The application an enrolment was granted on, following review adjustments back to the decision."""
    seen = 0
    while enrolment is not None and seen < 50:
        seen += 1
        if enrolment.source_type == "decision":
            decision = Decision.objects.filter(pk=enrolment.source_id).select_related("application").first()
            return decision.application if decision else None
        if enrolment.source_type != "review":
            return None
        review = Review.objects.filter(pk=enrolment.source_id).select_related("enrolment").first()
        enrolment = review.enrolment if review else None  # type: ignore[assignment]
    return None


def _close_case(*, actor: Any, enrolment: Enrolment, note: str) -> None:
    application = enrolment_application(enrolment)
    if application is not None and application.state == State.ACTIVE:
        _transition(actor=actor, application=application, to=State.CLOSED, note=note)


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
    """Outcome of a periodic review: continue, adjust amount, gradual exit (policy months), or stop.
    Stopping pays through this month and closes the case; the new amount of an adjustment starts next month
    and comes from the rules — a manual amount must lie within the programme's policy bounds and, above the
    policy threshold, waits for a second approver."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    enrolment = review.enrolment
    require(actor, "assistance.decide", region_code=enrolment.region_code, target=f"review:{review.pk}")
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
    if review.second_approvals.filter(confirmed_by__isnull=True).exists():
        raise ValidationError("该核查已有待第二人审批的调整金额")
    if outcome == ReviewOutcome.ADJUST:
        policy = _review_policy(enrolment, today)
        if new_amount is None:
            new_amount = _rule_amount(enrolment, today)
        else:
            key = f"{enrolment.programme}.manual_amount_max"
            cap = int(_policy_value(policy, key))
            if not 1 <= new_amount <= cap:
                raise ValidationError(
                    f"手工调整金额须在1至{cap}元/月之间（政策参数：{policy.values[key].label}）"
                )
            above = int(_policy_value(policy, f"{enrolment.programme}.manual_amount_second_approval_above"))
            if new_amount > above:
                SecondApproval.objects.create(
                    kind="review",
                    review=review,
                    region_code=review.region_code,
                    payload={"outcome": outcome, "reasons": reasons, "new_amount": new_amount},
                    proposed_by=actor,
                )
                audit_record(
                    actor=actor,
                    event_type=AuditEvent.CREATE,
                    target_type="review.second_approval",
                    target_id=review.pk,
                    region_code=review.region_code,
                    new={"new_amount": new_amount, "above": above},
                )
                return review
    return _apply_review(
        actor=actor, review=review, outcome=outcome, reasons=reasons, new_amount=new_amount, today=today
    )


def _review_policy(enrolment: Enrolment, today: dt.date) -> PolicySet:
    return _policy(
        on=today,
        region_code=enrolment.region_code,
        hukou_type=(enrolment.household.hukou_type if enrolment.household else enrolment.person.hukou_type),
    )


def _rule_amount(enrolment: Enrolment, today: dt.date) -> int:
    """The amount the rules give today on the case's declared facts (the same assess as the decision)."""
    application = enrolment_application(enrolment)
    if application is None:
        raise ValidationError("找不到该待遇的原申请，无法按规则计算金额，请填写调整后金额")
    # Members who died since the decision are left out (a death's re-decision: one fewer member).
    result = application_assess_living(application=application, on=today)
    if not result.eligible:
        raise ValidationError("按规则已不符合条件，请选择渐退或停止保障")
    return result.monthly_amount


def _apply_review(
    *,
    actor: Any,
    review: Review,
    outcome: str,
    reasons: str,
    new_amount: int | None,
    today: dt.date,
    second_approver: Any = None,
) -> Review:
    enrolment = review.enrolment
    this_month = first_of_month(today)
    policy = _review_policy(enrolment, today)
    closer = second_approver or actor
    if outcome == ReviewOutcome.ADJUST:
        if new_amount is None:
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
        months = int(_policy_value(policy, "dibao.gradual_exit_months"))
        enrolment_end(
            actor=actor,
            enrolment=enrolment,
            last_month=add_months(this_month, months),
            reason=f"渐退期{months}个月",
        )
    elif outcome == ReviewOutcome.STOP:
        enrolment_end(actor=actor, enrolment=enrolment, last_month=this_month, reason=reasons)
        _close_case(actor=closer, enrolment=enrolment, note=f"核查停止保障：{reasons}"[:300])
    review.outcome = outcome
    review.new_amount = new_amount
    review.reasons = reasons
    review.inputs = {"policy": policy.as_record(), "rule_version": policy.version, "date": today.isoformat()}
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.second_approver = second_approver
    review.save()
    audit_record(
        actor=closer,
        event_type=AuditEvent.DECISION,
        target_type="review",
        target_id=review.pk,
        region_code=enrolment.region_code,
        new={
            "outcome": outcome,
            "new_amount": new_amount,
            "second_approver": getattr(second_approver, "pk", None),
        },
    )
    return review


@transaction.atomic
def applications_close_ended(*, actor: Any, on: dt.date | None = None) -> int:
    """Close the cases in the actor's scope whose benefit has ended (a gradual exit run out, a temporary
    payment made) or whose beneficiary has died (the enrolment ends with the month of death)."""
    from minzheng.accounts.scoping import scope

    today = on or timezone.localdate()
    this_month = first_of_month(today)
    closed = 0
    for application in scope(Application.objects.filter(state=State.ACTIVE), actor).select_related(
        "applicant"
    ):
        require(
            actor,
            "assistance.decide",
            region_code=application.region_code,
            target=f"application:{application.pk}",
        )
        enrolment = application_enrolment(application=application)
        if enrolment is None:
            continue
        person = enrolment.person
        if not person.is_alive:
            died = person.death_date or today
            if enrolment.last_month is None or enrolment.last_month > first_of_month(died):
                enrolment_end(
                    actor=actor,
                    enrolment=enrolment,
                    last_month=max(first_of_month(died), enrolment.first_month),
                    reason="保障对象死亡",
                )
            _transition(actor=actor, application=application, to=State.CLOSED, note="保障对象死亡，终止保障")
            closed += 1
        elif enrolment.last_month is not None and enrolment.last_month < this_month:
            _transition(
                actor=actor,
                application=application,
                to=State.CLOSED,
                note=f"待遇已于{enrolment.last_month:%Y年%m月}终止，办结",
            )
            closed += 1
    return closed


@transaction.atomic
def escalation_request(*, actor: Any, application: Application, reason: str) -> Escalation:
    """提级复审: every refused or stopped case may go to the county (seed 003)."""
    require(
        actor,
        "assistance.escalation_request",
        region_code=application.region_code,
        target=f"application:{application.pk}",
    )
    if application.state != State.CLOSED or not application.decisions.exists():
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
    """The county decides with its own record; the outcome replaces the township's decision (a refusal
    reversed, or a stop reversed: payment starts again the month after)."""
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    application = escalation.application
    require(
        actor,
        "assistance.escalation_decide",
        region_code=application.region_code,
        target=f"escalation:{escalation.pk}",
    )
    if escalation.county_decision_id:
        raise ValidationError("该提级复审已有决定")
    if outcome not in Outcome.values:
        raise ValidationError("复审结果须为改为批准或维持原决定")
    if not notes.strip():
        raise ValidationError("请填写县级复审意见")
    _require_separate(actor, application, "escalation")
    today = on or timezone.localdate()
    result = application_assess(application=application, on=today)
    previous = application.decisions.first()
    if outcome == Outcome.GRANT:
        if not result.eligible:
            failed = "；".join(t.detail for t in result.reasons if not t.passed)
            raise ValidationError(f"不符合条件，不能批准：{failed}（如申报信息有误，请先更正申报信息）")
        _transition(actor=actor, application=application, to=State.ACTIVE, note="县级提级复审改为批准")
    decision = _record_decision(
        actor=actor,
        application=application,
        outcome=outcome,
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


def _referral_offices(application: Application) -> dict[str, str]:
    """The offices a case can be referred to: its township's and its county's (region code → name)."""
    return {application.region_code[:9]: "township", application.region_code[:6]: "county"}


@transaction.atomic
def referral_create(
    *, actor: Any, application: Application, target: str, note: str = "", to_region_code: str = ""
) -> Referral:
    """跟踪转介: refer the case to another office (the case's township or county receives it), with the
    deadline for closing it from assistance.referral_days."""
    require(
        actor, "assistance.refer", region_code=application.region_code, target=f"application:{application.pk}"
    )
    if not str(target or "").strip():
        raise ValidationError("请填写转介去向")
    target = form_name(target, "转介去向", max_length=100)  # shown on lists and exported: no formula
    to_region_code = to_region_code or application.region_code[:6]
    if to_region_code not in _referral_offices(application):
        raise ValidationError("接收单位须为本案所在乡镇（街道）或县（市、区）")
    Application.objects.select_for_update().filter(pk=application.pk).first()  # one referral at a time
    same = (
        Referral.objects.filter(
            application=application, to_region_code=to_region_code, status__in=Referral.OPEN_STATUSES
        )
        .order_by("created_at")
        .first()
    )
    if same is not None:
        raise ValidationError(
            f"本案已于{timezone.localtime(same.created_at):%Y-%m-%d}转介至该单位（{same.target}，"
            f"{same.get_status_display()}），办结或不予接收前不能重复转介"
        )
    today = timezone.localdate()
    policy = _policy(on=today, region_code=application.region_code, hukou_type=application.hukou_type)
    days = int(_policy_value(policy, "assistance.referral_days"))
    ref = Referral.objects.create(
        application=application,
        region_code=application.region_code,
        to_region_code=to_region_code,
        target=target[:100],
        note=note[:2000],
        due_date=today + dt.timedelta(days=days),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="referral",
        target_id=ref.pk,
        region_code=application.region_code,
        new={"target": target, "to": to_region_code, "due": ref.due_date},
    )
    return ref


# What the receiving office may do in each state: action → (states it starts from, state it ends in).
REFERRAL_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": (("open",), "accepted"),
    "decline": (("open",), "declined"),
    "handle": (("accepted", "handling"), "handling"),
    "close": (("accepted", "handling"), "done"),
}


@transaction.atomic
def referral_move(*, actor: Any, referral: Referral, action: str, text: str = "") -> Referral:
    """The receiving office works the referral: 接收 (accept), 不予接收 (decline, with the reason), 办理
    (record what was done), 办结 (close with the result). Only an officer of the receiving office's
    region may; a closed referral stays closed."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    office = referral.to_region_code or referral.region_code
    require(actor, "assistance.refer", region_code=office, target=f"referral:{referral.pk}")
    if action not in REFERRAL_MOVES:
        raise ValidationError("未知的转介操作")
    starts, ends = REFERRAL_MOVES[action]
    if referral.status not in starts:
        raise ValidationError(f"该转介{referral.get_status_display()}，不能{REFERRAL_ACTION_LABELS[action]}")
    text = text.strip()[:2000]
    if action in ("decline", "handle", "close") and not text:
        raise ValidationError(
            {"decline": "请填写不予接收的理由", "handle": "请填写办理情况", "close": "请填写办结结果"}[action]
        )
    old = {"status": referral.status}
    now = timezone.now()
    referral.status = ends
    fields = ["status"]
    if action == "accept":
        referral.accepted_by, referral.accepted_at = actor, now
        fields += ["accepted_by", "accepted_at"]
    elif action == "handle":
        referral.progress = text
        fields.append("progress")
    else:  # decline or close: the referral is finished, with the reason or result
        referral.result, referral.closed_by, referral.closed_at = text, actor, now
        fields += ["result", "closed_by", "closed_at"]
    referral.save(update_fields=fields)
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="referral",
        target_id=referral.pk,
        region_code=referral.region_code,
        old=old,
        new={"status": ends, "text": redact(text)[:200]} if text else {"status": ends},
    )
    return referral


REFERRAL_ACTION_LABELS = {"accept": "接收", "decline": "不予接收", "handle": "登记办理情况", "close": "办结"}


def village_review_note(*, application: Application, review: VillageReview) -> str:
    """The Chinese explanation of a failed 民主评议 shown on the case page."""
    policy = _policy(
        on=timezone.localdate(), region_code=application.region_code, hukou_type=application.hukou_type
    )
    return village_review_explanation(review, _policy_value(policy, "village_review.min_agree_ratio"))
