"""The automatic actions of 高龄津贴, run by a screening run through the registry: the grant in the month
of the 80th birthday (到龄即享, seed 003, no application) and the tier change at 90 and 100. Enrolments
are written through the benefits services (audited there, in the same transaction)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.assistance.rules import Policy, Test, age_in_month
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months, enrolment_create, enrolment_end, first_of_month
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.people.models import Person
from minzheng.policy.selectors import policy_resolve
from minzheng.programmes.registry import DeathEffect

from . import capability as cap
from .levels import is_current, latest_assessment, no_assessment_message
from .models import (
    CapabilityAssessment,
    CareShareRecord,
    CentralCareCost,
    ElderProfile,
    LivingSituation,
    SubsidyApplication,
    SubsidyStatus,
)
from .rules import CODE, TIER_LABELS, high_age_tier
from .selectors import second_assessors
from .shares import IDENTITIES, care_share
from .subsidy import CODE as SUBSIDY
from .subsidy import subsidy_decision


def _current(person: Any, month: dt.date) -> Enrolment | None:
    return (
        Enrolment.objects.filter(person=person, programme=CODE, first_month__lte=month)
        .exclude(last_month__lt=month)
        .first()
    )


@transaction.atomic
def high_age_grant(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int | None:
    """The alert `high_age_grant`: enrol the person from `month` at the first tier. None (the alert stays
    open for an officer) when the person already has the allowance."""
    person = alert.person
    if Enrolment.objects.filter(person=person, programme=CODE).exclude(last_month__lt=month).exists():
        return None
    policy = policy_resolve(on=month, region_code=person.region_code, hukou_type=person.hukou_type)
    # The tier of the person's age this month, by the one rule (a person first seen at 92 starts at 90–99).
    tier, amount = high_age_tier(age_in_month(person.birth_date, month), Policy(policy, policy.version))
    if not tier:
        return None
    enrolment_create(
        actor=actor,
        programme=CODE,
        person=person,
        household=alert.household,
        amount=int(amount),
        first_month=month,
        tier=TIER_LABELS[tier],
        source_type="screening",
        source_id=source_id,
        rule_version=policy.version,
    )
    return 1


@transaction.atomic
def high_age_tier_change(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int | None:
    """The alert `high_age_tier`: close the current enrolment at the month before and open one at the new
    tier's amount. None when there is nothing to change (no enrolment, same amount, started this month)."""
    person = alert.person
    policy = policy_resolve(on=month, region_code=person.region_code, hukou_type=person.hukou_type)
    age = int(alert.evidence.get("年龄") or 0) or age_in_month(person.birth_date, month)
    tier, amount_d = high_age_tier(age, Policy(policy, policy.version))
    amount = int(amount_d)
    current = _current(person, month)
    if not tier or current is None or current.monthly_amount == amount or current.first_month >= month:
        return None
    enrolment_end(actor=actor, enrolment=current, last_month=add_months(month, -1), reason="高龄津贴调档")
    enrolment_create(
        actor=actor,
        programme=CODE,
        person=person,
        household=current.household,
        amount=amount,
        first_month=month,
        tier=TIER_LABELS[tier],
        source_type="screening",
        source_id=source_id,
        rule_version=policy.version,
    )
    return 1


# ------------------------------------------------------------------ 老年人数据库, 能力评估, 补贴, 照护成本
def _elder(person: Person, on: dt.date) -> None:
    if age_in_month(person.birth_date, on) < ELDER_AGE or not person.is_alive:
        raise ValidationError(f"{person.name}未满{ELDER_AGE}周岁或已故，不属于老年人数据库")


ELDER_AGE = 60  # 《中华人民共和国老年人权益保障法》第二条：六十周岁以上的公民


def _profile(person: Person) -> ElderProfile:
    profile, _ = ElderProfile.objects.select_for_update().get_or_create(
        person=person, defaults={"region_code": person.region_code}
    )
    return profile


@transaction.atomic
def elder_situation_set(
    *,
    actor: Any,
    person: Person,
    living_situation: str,
    children_nearby: bool | None,
    on: dt.date | None = None,
) -> ElderProfile:
    """居住状况登记 (township clerk, village assistant): one profile per elder, audited old → new."""
    require(actor, "elderly.visit_record", region_code=person.region_code, target=f"elder:{person.pk}")
    on = on or timezone.localdate()
    _elder(person, on)
    if living_situation not in LivingSituation.values:
        raise ValidationError("请选择居住状况")
    profile = _profile(person)
    old = {"living_situation": profile.living_situation, "children_nearby": profile.children_nearby}
    profile.living_situation = living_situation
    profile.children_nearby = children_nearby
    profile.situation_recorded_on = on
    profile.region_code = person.region_code
    profile.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="elderly.profile",
        target_id=profile.pk,
        region_code=person.region_code,
        old=old,
        new={"living_situation": living_situation, "children_nearby": children_nearby},
    )
    return profile


def next_due(assessed_on: dt.date) -> dt.date:
    """A year later (GB/T 42195-2022: reassessed yearly, or at once on a change of condition)."""
    try:
        return assessed_on.replace(year=assessed_on.year + 1)
    except ValueError:  # 29 February
        return assessed_on.replace(year=assessed_on.year + 1, day=28)


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    person: Person,
    second_assessor: Any,
    capability: dict[str, Any],
    assessed_on: dt.date,
) -> CapabilityAssessment:
    """Record an assessment by two different assessors; the level is graded by `capability.grade` (the
    same code as the trial) and written onto the elder's profile."""
    require(actor, "elderly.assess", region_code=person.region_code, target=f"elder:{person.pk}")
    if second_assessor is None or second_assessor.pk == actor.pk:
        raise ValidationError("能力评估须由两名不同的评估员共同完成，请选择第二评估员")
    if not second_assessors(actor=actor, person=person).filter(pk=second_assessor.pk).exists():
        raise ValidationError("第二评估员须为本县（市、区）持有老年人能力评估权限的在岗工作人员")
    today = timezone.localdate()
    if assessed_on > today or assessed_on < today - dt.timedelta(days=366):
        raise ValidationError("评估日期不能晚于今天，也不能早于一年前")
    _elder(person, assessed_on)
    parsed = cap.parse_capability(capability)
    outcome = cap.grade(parsed)
    a = CapabilityAssessment.objects.create(
        person=person,
        region_code=person.region_code,
        assessed_on=assessed_on,
        assessor=actor,
        second_assessor=second_assessor,
        items=parsed.items,
        coma=parsed.coma,
        diagnosis=parsed.diagnosis,
        risk_events=parsed.risk_events,
        scores=outcome.scores,
        total=outcome.total,
        preliminary_level=outcome.preliminary_level,
        level=outcome.level,
        next_due=next_due(assessed_on),
        reasons=[t.as_dict() for t in outcome.reasons],
    )
    profile = _profile(person)
    if profile.capability_assessed_on is None or profile.capability_assessed_on <= assessed_on:
        profile.capability_level = outcome.level
        profile.capability_assessed_on = assessed_on
        profile.region_code = person.region_code
        profile.save()
    # The item scores are health data: the audit row names the level, not the items.
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="elderly.assessment",
        target_id=a.pk,
        region_code=person.region_code,
        new={"level": a.level, "total": a.total, "assessed_on": assessed_on},
    )
    return a


@transaction.atomic
def assessment_detail_read(
    *, actor: Any, assessment: CapabilityAssessment, ip: str = ""
) -> CapabilityAssessment:
    """Reading an assessment's item scores (health and ability record) is audited as a reveal."""
    require(actor, "elderly.assess", region_code=assessment.region_code, target=f"assessment:{assessment.pk}")
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="elderly.assessment",
        target_id=assessment.pk,
        region_code=assessment.region_code,
        detail="查看能力评估明细",
        ip=ip,
    )
    return assessment


@transaction.atomic
def subsidy_apply(*, actor: Any, person: Person, note: str = "") -> SubsidyApplication:
    """受理 (township clerk): one open application per elder."""
    require(actor, "elderly.assess", region_code=person.region_code, target=f"elder:{person.pk}")
    today = timezone.localdate()
    _elder(person, today)
    if SubsidyApplication.objects.filter(person=person, status=SubsidyStatus.APPLIED).exists():
        raise ValidationError(f"{person.name}已有待审批的老年人补贴申请")
    if _current_subsidy(person, first_of_month(today)) is not None:
        raise ValidationError(f"{person.name}正在享受经济困难高龄、失能老年人补贴")
    app = SubsidyApplication.objects.create(
        person=person, region_code=person.region_code, applied_by=actor, applied_on=today, note=note[:200]
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="elderly.subsidy",
        target_id=app.pk,
        region_code=person.region_code,
        new={"status": app.status},
    )
    return app


def _current_subsidy(person: Person, month: dt.date) -> Enrolment | None:
    return (
        Enrolment.objects.filter(person=person, programme=SUBSIDY)
        .exclude(last_month__lt=month)
        .order_by("-first_month")
        .first()
    )


@transaction.atomic
def subsidy_decide(
    *, actor: Any, application: SubsidyApplication, on: dt.date | None = None
) -> SubsidyApplication:
    """审批 (elderly officer, not the clerk who applied): evaluate the one SQL rule (subsidy_decision) on
        the facts of `on` (identity from enrolments, age, the latest recorded assessment's level; refused
    without a current one), store the version, inputs and
        reasons, and, when eligible, enrol from the month of the decision through benefits."""
    app = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
    person = app.person
    require(actor, "elderly.subsidy_decide", region_code=app.region_code, target=f"elder_subsidy:{app.pk}")
    if app.status != SubsidyStatus.APPLIED:
        raise ValidationError("该申请已审批")
    if app.applied_by_id == actor.pk:
        raise ValidationError("受理人和审批人不能是同一人")
    on = on or timezone.localdate()
    # The level is the latest RECORDED assessment, current (under a year old): nothing typed elsewhere.
    assessment = latest_assessment(person, on)
    if not is_current(assessment, on):
        raise ValidationError(no_assessment_message(person.name, assessment))
    month = first_of_month(on)
    ps = policy_resolve(on=on, region_code=person.region_code, hukou_type=person.hukou_type)
    p = Policy(ps, ps.version)
    decision = subsidy_decision(person, p, on)
    app.status = SubsidyStatus.GRANTED if decision.eligible else SubsidyStatus.REFUSED
    app.decided_by = actor
    app.decided_at = timezone.now()
    app.identity, app.capability_level = decision.identity, decision.level
    app.age = age_in_month(person.birth_date, on)
    app.amount = decision.amount
    app.rule_version = ps.version
    app.inputs = dict(p.used)
    app.reasons = [t.as_dict() for t in decision.reasons]
    if decision.eligible:
        app.enrolment = enrolment_create(
            actor=actor,
            programme=SUBSIDY,
            person=person,
            household=None,
            amount=decision.amount,
            first_month=month,
            tier=decision.tier,
            source_type="elderly.subsidy",
            source_id=app.pk,
            rule_version=ps.version,
        )
    app.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="elderly.subsidy",
        target_id=app.pk,
        region_code=app.region_code,
        old={"status": SubsidyStatus.APPLIED},
        new={"status": app.status, "amount": app.amount, "rule_version": app.rule_version},
    )
    return app


@transaction.atomic
def care_share_record(
    *, actor: Any, person: Person, institution: str, identity: str, monthly_fee: int, from_month: dt.date
) -> CareShareRecord:
    """峡山区 institutional care: the fee split by `shares.care_share` at the elder's assessed level."""
    require(actor, "elderly.facility_manage", region_code=person.region_code, target=f"elder:{person.pk}")
    institution = institution.strip()
    if not institution:
        raise ValidationError("请填写照护机构名称")
    if identity not in IDENTITIES:
        raise ValidationError("请选择老年人身份")
    if monthly_fee < 0 or monthly_fee > 100_000:
        raise ValidationError("月照护费应在0至100000元之间")
    month = first_of_month(from_month)
    assessment = latest_assessment(person, timezone.localdate())
    if assessment is None or not is_current(assessment, timezone.localdate()):
        raise ValidationError(no_assessment_message(person.name, assessment))
    ps = policy_resolve(on=month, region_code=person.region_code, hukou_type=person.hukou_type)
    share = care_share(
        Policy(ps, ps.version),
        identity=identity,
        level=assessment.level,
        mode="institution",
        monthly_fee=Decimal(monthly_fee),
    )
    rec = CareShareRecord.objects.create(
        person=person,
        region_code=person.region_code,
        institution=institution[:100],
        identity=identity,
        capability_level=assessment.level,
        monthly_fee=monthly_fee,
        government_share=share.government_share,
        self_share=share.self_share,
        from_month=month,
        rule_version=ps.version,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="elderly.care_share",
        target_id=rec.pk,
        region_code=person.region_code,
        new={"fee": monthly_fee, "government": rec.government_share, "self": rec.self_share},
    )
    return rec


@transaction.atomic
def central_care_cost_record(
    *, actor: Any, person: Person, year: int, annual_cost: int, dibao_paid: int
) -> CentralCareCost:
    """任城 centralised care of a dibao disabled elder: dibao pays first (at most the cost), the charity
    fund fills the gap."""
    require(actor, "elderly.facility_manage", region_code=person.region_code, target=f"elder:{person.pk}")
    if not 2000 <= year <= 2100:
        raise ValidationError("年度无效")
    if annual_cost <= 0 or dibao_paid < 0:
        raise ValidationError("年度照护成本应大于0，低保金承担不能为负数")
    if not Enrolment.objects.filter(person=person, programme="dibao").exists():
        raise ValidationError(f"{person.name}不是低保对象，不属于低保失能老人集中照护")
    if CentralCareCost.objects.filter(person=person, year=year).exists():
        raise ValidationError(f"{person.name}{year}年度的集中照护成本已登记")
    dibao = min(dibao_paid, annual_cost)
    rec = CentralCareCost.objects.create(
        person=person,
        region_code=person.region_code,
        year=year,
        annual_cost=annual_cost,
        dibao_paid=dibao,
        charity_paid=annual_cost - dibao,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="elderly.central_care",
        target_id=rec.pk,
        region_code=person.region_code,
        new={"year": year, "cost": annual_cost, "dibao": rec.dibao_paid, "charity": rec.charity_paid},
    )
    return rec


EXPORT_LIMIT = 50_000
EXPORT_HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "年龄",
    "居住地",
    "居住状况",
    "能力等级",
    "评估日期",
    "高龄津贴",
    "老年人补贴",
]


@transaction.atomic
def elder_registry_export_xlsx(*, actor: Any, filters: dict[str, Any], ip: str = "") -> bytes:
    """The filtered registry as an Excel file (masked IDs, names not codes); one EXPORT audit row."""
    from .selectors import elder_registry  # selectors import services' neighbours; read at call time

    require(actor, "elderly.registry_read", target="elderly:export")
    today = timezone.localdate()
    rows = []
    for p in elder_registry(actor=actor, on=today, **filters)[:EXPORT_LIMIT]:
        profile = getattr(p, "elder_profile", None)
        rows.append(
            [
                p.name,
                p.get_sex_display(),
                p.birth_date.isoformat(),
                p.id_masked,
                age_in_month(p.birth_date, today),
                p.residence_region.full_name,
                profile.get_living_situation_display() if profile and profile.living_situation else "未登记",
                profile.get_capability_level_display()
                if profile and profile.capability_level is not None
                else "未评估",
                profile.capability_assessed_on.isoformat()
                if profile and profile.capability_assessed_on
                else "",
                "是" if getattr(p, "has_high_age", False) else "否",
                "是" if getattr(p, "has_subsidy", False) else "否",
            ]
        )
    content = xlsx_bytes(EXPORT_HEADER, rows, title="老年人")
    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="elderly.registry",
        region_code=region.code if region else "",
        detail=f"导出老年人{len(rows)}条",
        ip=ip,
    )
    return content


@transaction.atomic
def elder_close_on_death(*, actor: Any, person: Person, died_on: dt.date) -> list[DeathEffect]:
    """The elder died: the profile is closed (no further capability assessment falls due) and a pending
    subsidy application is closed unheard. Registered as the line's death hook; a closed file is left."""
    effects = []
    n = ElderProfile.objects.filter(person=person, died_on__isnull=True).update(died_on=died_on)
    if n:
        effects.append(DeathEffect("老年人", "老年人档案", "已标记死亡，不再安排能力评估"))
    pending = SubsidyApplication.objects.filter(person=person, status=SubsidyStatus.APPLIED)
    m = pending.update(
        status=SubsidyStatus.REFUSED,
        decided_by=actor,
        decided_at=timezone.now(),
        # The same shape as a decision's reasons (rules.Test.as_dict), so the page shows the words.
        reasons=[Test("alive", False, f"申请人已于{died_on:%Y-%m-%d}死亡，终止办理").as_dict()],
    )
    if m:
        effects.append(DeathEffect("老年人", f"老年人补贴申请{m}件", "申请人死亡，终止办理"))
    if effects:
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="elderly.death",
            target_id=person.pk,
            region_code=person.region_code,
            new={"died_on": died_on, "profile": n, "applications": m},
        )
    return effects
