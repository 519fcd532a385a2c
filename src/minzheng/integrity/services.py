"""Writes of 诚信救助: the commitment, findings computed set-based from the 核对 reports, withdrawal, the
recovery of the overpayment (make-and-check) and the intake check of the waiting period."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Least, Substr
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import require, scoped
from minzheng.assistance.letters import cn_date, issuing_office
from minzheng.assistance.models import Application, Decision
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.funding import refund_book
from minzheng.benefits.models import Enrolment, PayrollLine, PayrollStatus
from minzheng.benefits.services import add_months
from minzheng.core.dates import local_day
from minzheng.core.draw import draw_sample
from minzheng.people.models import Household, Membership, Person
from minzheng.policy.selectors import policy_resolve
from minzheng.verification.models import VerificationReport

from .models import (
    ITEM_OF_LABEL,
    Commitment,
    Finding,
    FindingStatus,
    Item,
    Recovery,
    RecoveryStatus,
    Repayment,
    SampleCase,
    SampleDraw,
    Verdict,
)


def _audit(actor: Any, event: str, target: str, pk: Any, region: str, new: dict[str, Any]) -> None:
    audit_record(actor=actor, event_type=event, target_type=target, target_id=pk, region_code=region, new=new)


@transaction.atomic
def commitment_record(
    *, actor: Any, application: Application, signed_on: dt.date, signer: Person | None = None
) -> Commitment:
    """The applicant (or another adult member) signed the 诚信承诺书 on `signed_on`."""
    require(
        actor, "integrity.commit", region_code=application.region_code, target=f"application:{application.pk}"
    )
    today = timezone.localdate()
    signer = signer or application.applicant
    if signed_on > today:
        raise ValidationError("签署日期不能晚于今天")
    if signed_on < application.created_at.date() - dt.timedelta(days=30):
        raise ValidationError("签署日期不能早于申请受理前30天")
    if not Membership.objects.filter(
        household=application.household, person=signer, end_date__isnull=True
    ).exists():
        raise ValidationError("承诺人须为申请家庭的现有成员")
    if Commitment.objects.filter(application=application).exists():
        raise ValidationError("该申请已登记诚信承诺书")
    commitment = Commitment.objects.create(
        application=application,
        region_code=application.region_code,
        signer=signer,
        signed_on=signed_on,
        recorded_by=actor,
    )
    office = issuing_office(region_code=application.region_code, level="township")
    commitment.number = f"{office.prefix}诚诺〔{signed_on.year}〕{commitment.pk}号"
    commitment.save(update_fields=["number"])
    _audit(
        actor,
        AuditEvent.CREATE,
        "integrity.commitment",
        commitment.pk,
        commitment.region_code,
        {"application": application.pk, "signed_on": signed_on},
    )
    return commitment


def _figures(county: str, on: dt.date) -> tuple[Decimal, int]:
    policy = policy_resolve(on=on, region_code=county, hukou_type="")
    return policy.get("integrity.tolerance"), int(policy.get("integrity.wait_months"))


def _explain_days(region_code: str, on: dt.date) -> int:
    policy = policy_resolve(on=on, region_code=region_code[:6], hukou_type="")
    return int(policy.get("integrity.explain_days"))


@transaction.atomic
def findings_detect(*, actor: Any, on: dt.date | None = None) -> list[Finding]:
    """Every false declaration in the actor's region not yet recorded: of each application's latest 核对
    report, an item whose verified amount exceeds the declared one by more than the county's tolerance
    (and by at least one yuan). One query per county and item, in the database; no loop over households."""
    require(actor, "integrity.find", target="integrity:detect")
    today = on or timezone.localdate()
    latest = scoped("integrity.find", VerificationReport.objects.all(), actor).filter(
        ~Exists(VerificationReport.objects.filter(application=OuterRef("application"), pk__gt=OuterRef("pk")))
    )
    counties = sorted(set(latest.annotate(c=Substr("region_code", 1, 6)).values_list("c", flat=True)))
    made: list[Finding] = []
    for county in counties:
        tolerance, _wait = _figures(county, today)
        explain_by = today + dt.timedelta(days=_explain_days(county, today))
        for index, (label, item) in enumerate(ITEM_OF_LABEL.items()):
            base = f"declared_vs_verified__{index}__"
            rows = (
                latest.filter(region_code__startswith=county)
                .annotate(
                    cmp_declared=Cast(KT(base + "declared"), FloatField()),
                    cmp_verified=Cast(KT(base + "verified"), FloatField()),
                )
                .filter(**{base + "item": label}, cmp_verified__gt=F("cmp_declared") * (1 + float(tolerance)))
                .filter(cmp_verified__gte=F("cmp_declared") + 1)
                .exclude(Exists(Finding.objects.filter(report=OuterRef("pk"), item=item)))
                .values(
                    "pk",
                    "application_id",
                    "application__household_id",
                    "application__applicant_id",
                    "region_code",
                    "cmp_declared",
                    "cmp_verified",
                )
            )
            for r in rows:
                finding = Finding.objects.create(
                    application_id=r["application_id"],
                    report_id=r["pk"],
                    household_id=r["application__household_id"],
                    person_id=r["application__applicant_id"],
                    region_code=r["region_code"],
                    item=item,
                    declared=Decimal(str(round(r["cmp_declared"], 2))),
                    verified=Decimal(str(round(r["cmp_verified"], 2))),
                    tolerance=tolerance,
                    found_on=today,
                    explain_by=explain_by,
                    found_by=actor,
                )
                _audit(
                    actor,
                    AuditEvent.CREATE,
                    "integrity.finding",
                    finding.pk,
                    finding.region_code,
                    {"application": r["application_id"], "item": item, "explain_by": explain_by},
                )
                made.append(finding)
    return made


def _add_months_day(d: dt.date, n: int) -> dt.date:
    first = add_months(d.replace(day=1), n)
    nxt = add_months(first, 1)
    return first.replace(day=min(d.day, (nxt - dt.timedelta(days=1)).day))


@transaction.atomic
def finding_explain(
    *, actor: Any, finding: Finding, explanation: str, none_given: bool = False, on: dt.date | None = None
) -> Finding:
    """The applicant's explanation of a difference found (待说明), recorded by the clerk — or, once the
    deadline has passed, that none was given. The finding waits for its decision afterwards."""
    require(actor, "integrity.find", region_code=finding.region_code, target=f"finding:{finding.pk}")
    today = on or timezone.localdate()
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.PENDING:
        raise ValidationError("该差异已作出决定，不能再登记说明")
    explanation = " ".join((explanation or "").split())[:500]
    if none_given:
        if finding.explain_by is not None and today <= finding.explain_by:
            raise ValidationError(
                f"说明期限至{cn_date(finding.explain_by)}，期满前不能登记“未作说明”；申请人已说明的请填写说明内容"
            )
        explanation = ""
    elif not explanation:
        raise ValidationError("请填写申请人的说明（如该笔存款为已故家庭成员的遗产），或在期满后登记未作说明")
    finding.explanation, finding.explained_on = explanation, today
    finding.save(update_fields=["explanation", "explained_on"])
    _audit(
        actor,
        AuditEvent.UPDATE,
        "integrity.finding",
        finding.pk,
        finding.region_code,
        {"explained_on": today, "explanation": explanation or "（期限内未作说明）"},
    )
    return finding


@transaction.atomic
def finding_decide(
    *, actor: Any, finding: Finding, confirmed: bool, reason: str, on: dt.date | None = None
) -> Finding:
    """The decision on a difference, after the explanation (or the deadline without one): a false
    declaration — recorded, the waiting period (policy data) runs from today and the overpayment may be
    recovered — or explained, closed with no consequence."""
    require(actor, "integrity.find", region_code=finding.region_code, target=f"finding:{finding.pk}")
    today = on or timezone.localdate()
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.PENDING:
        raise ValidationError("该差异已作出决定")
    if finding.explained_on is None:
        raise ValidationError("请先登记申请人的说明（或期满后登记未作说明），再作决定")
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise ValidationError("请填写决定理由")
    if confirmed:
        _tolerance, wait = _figures(finding.region_code[:6], today)
        finding.status, finding.wait_until = FindingStatus.RECORDED, _add_months_day(today, wait)
    else:
        finding.status, finding.wait_until = FindingStatus.EXPLAINED, None
    finding.decided_by, finding.decided_on, finding.decision_reason = actor, today, reason
    finding.save(update_fields=["status", "wait_until", "decided_by", "decided_on", "decision_reason"])
    _audit(
        actor,
        AuditEvent.UPDATE,
        "integrity.finding",
        finding.pk,
        finding.region_code,
        {"status": finding.status, "wait_until": finding.wait_until, "reason": reason},
    )
    return finding


@transaction.atomic
def finding_withdraw(*, actor: Any, finding: Finding, reason: str) -> Finding:
    """A finding explained away (the income was a one-off, the account not the household's): the waiting
    period no longer applies; the record stays, with the reason."""
    require(actor, "integrity.find", region_code=finding.region_code, target=f"finding:{finding.pk}")
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.RECORDED:
        raise ValidationError("只有已认定虚报的才能撤销")
    if not reason.strip():
        raise ValidationError("请填写撤销理由")
    if Recovery.objects.filter(
        finding=finding, status__in=[RecoveryStatus.APPROVED, RecoveryStatus.SETTLED]
    ).exists():
        raise ValidationError("已批准追回的认定不能撤销")
    finding.status = FindingStatus.WITHDRAWN
    finding.withdraw_reason = reason.strip()[:200]
    finding.save(update_fields=["status", "withdraw_reason"])
    _audit(
        actor,
        AuditEvent.UPDATE,
        "integrity.finding",
        finding.pk,
        finding.region_code,
        {"status": "withdrawn"},
    )
    return finding


def paid_lines(*, finding: Finding) -> QuerySet[PayrollLine]:
    """The frozen payroll lines the finding's case was paid on (its decisions' enrolments)."""
    decisions = Decision.objects.filter(application_id=finding.application_id).values_list("pk", flat=True)
    enrolments = Enrolment.objects.filter(source_type="decision", source_id__in=[str(d) for d in decisions])
    frozen = PayrollLine.objects.filter(run__status=PayrollStatus.FROZEN, amount__gt=0)
    return frozen.filter(enrolment__in=enrolments)


def overpayment(*, finding: Finding) -> dict[str, Any]:
    """What the case was paid (frozen rolls) and what of it the false declaration caused: an under-declared
    monthly income reduces each month's payment one for one, so at most the gap per month is recovered;
    concealed financial assets make the whole payment undue."""
    lines = paid_lines(finding=finding)
    gap = int(finding.gap.to_integral_value())
    totals = lines.aggregate(
        paid=Sum("amount"),
        months=Count("month", distinct=True),
        capped=Sum(Least(F("amount"), gap)),
    )
    paid = int(totals["paid"] or 0)
    if finding.item == Item.INCOME:
        amount = int(totals["capped"] or 0)
        basis = f"少报月收入{gap}元：每月按少报数额与当月发放额孰低计算"
    else:
        amount = paid
        basis = "隐瞒金融资产：已发放救助金全额追回"
    return {"amount": amount, "paid": paid, "months": int(totals["months"] or 0), "basis": basis}


@transaction.atomic
def recovery_propose(*, actor: Any, finding: Finding, on: dt.date | None = None) -> Recovery:
    require(actor, "integrity.find", region_code=finding.region_code, target=f"finding:{finding.pk}")
    if finding.status != FindingStatus.RECORDED:
        raise ValidationError("只有已认定虚报的才能追回")
    if Recovery.objects.filter(finding=finding).exclude(status=RecoveryStatus.REFUSED).exists():
        raise ValidationError("该认定已登记追回")
    calc = overpayment(finding=finding)
    if calc["amount"] <= 0:
        raise ValidationError("该申请没有已发放的救助金，无需追回")
    recovery, _ = Recovery.objects.update_or_create(
        finding=finding,
        defaults={
            "region_code": finding.region_code,
            "amount": calc["amount"],
            "paid_total": calc["paid"],
            "months": calc["months"],
            "basis": calc["basis"],
            "status": RecoveryStatus.PROPOSED,
            "proposed_by": actor,
            "proposed_on": on or timezone.localdate(),
            "approved_by": None,
            "approved_on": None,
            "note": "",
        },
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "integrity.recovery",
        recovery.pk,
        recovery.region_code,
        {"amount": recovery.amount},
    )
    return recovery


@transaction.atomic
def recovery_approve(
    *, actor: Any, recovery: Recovery, approve: bool, note: str = "", on: dt.date | None = None
) -> Recovery:
    require(
        actor, "integrity.recover_approve", region_code=recovery.region_code, target=f"recovery:{recovery.pk}"
    )
    recovery = Recovery.objects.select_for_update().get(pk=recovery.pk)
    if recovery.status != RecoveryStatus.PROPOSED:
        raise ValidationError("该追回已复核")
    require_other_person(actor, recovery.proposed_by_id, message="复核须由登记人以外的另一人办理")
    if not approve and not note.strip():
        raise ValidationError("不同意时请填写复核意见")
    recovery.status = RecoveryStatus.APPROVED if approve else RecoveryStatus.REFUSED
    recovery.approved_by = actor
    recovery.approved_on = on or timezone.localdate()
    recovery.note = note.strip()[:200]
    recovery.save(update_fields=["status", "approved_by", "approved_on", "note"])
    _audit(
        actor,
        AuditEvent.DECISION,
        "integrity.recovery",
        recovery.pk,
        recovery.region_code,
        {"approved": approve, "amount": recovery.amount},
    )
    return recovery


@transaction.atomic
def repayment_record(
    *, actor: Any, recovery: Recovery, amount: int, received_on: dt.date, receipt_no: str = ""
) -> Repayment:
    """An amount received against an approved recovery; when the amounts add up to it, it is settled."""
    require(actor, "integrity.find", region_code=recovery.region_code, target=f"recovery:{recovery.pk}")
    recovery = Recovery.objects.select_for_update().get(pk=recovery.pk)
    if recovery.status == RecoveryStatus.SETTLED:
        raise ValidationError("该追回已收回完毕")
    if recovery.status != RecoveryStatus.APPROVED:
        raise ValidationError("追回须经复核同意后才能登记收款")
    outstanding = recovery.amount - recovery.received
    if amount <= 0:
        raise ValidationError("收回金额应大于0")
    if amount > outstanding:
        raise ValidationError(f"收回金额不能超过尚欠的{outstanding}元")
    if received_on > timezone.localdate():
        raise ValidationError("收款日期不能晚于今天")
    if recovery.approved_on is not None and received_on < recovery.approved_on:
        raise ValidationError("收款日期不能早于追回复核日期")
    repayment = Repayment.objects.create(
        recovery=recovery,
        region_code=recovery.region_code,
        amount=amount,
        received_on=received_on,
        receipt_no=receipt_no.strip()[:40],
        recorded_by=actor,
    )
    recovery.received += amount
    if recovery.received == recovery.amount:
        recovery.status = RecoveryStatus.SETTLED
    recovery.save(update_fields=["received", "status"])
    # The money goes back into the fund that paid it: income there, confirmed by another person.
    finding = recovery.finding
    refund_book(
        actor=actor,
        programme=finding.application.programme,
        region_code=recovery.region_code,
        amount=Decimal(amount),
        received_on=received_on,
        reference=f"integrity:repayment:{repayment.pk}",
        note=f"诚信救助追回款（追回记录{recovery.pk}"
        + (f"，收据号{repayment.receipt_no}" if repayment.receipt_no else "")
        + "）",
        lines=paid_lines(finding=finding),
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "integrity.repayment",
        repayment.pk,
        recovery.region_code,
        {"recovery": recovery.pk, "amount": amount, "received": recovery.received, "status": recovery.status},
    )
    return repayment


# ------------------------------------------------------------------ 县级抽查 of township decisions
SAMPLED_PROGRAMMES = ("dibao", "tekun")


def sample_pool(*, county_code: str, month: dt.date) -> Any:
    """The month's township decisions of dibao and tekun in the county (by the decision's local day)."""
    first = month.replace(day=1)
    return Decision.objects.filter(
        level="township",
        application__programme__in=SAMPLED_PROGRAMMES,
        application__region_code__startswith=county_code,
        decided_at__date__gte=first,
        decided_at__date__lt=add_months(first, 1),
    )


@transaction.atomic
def sample_draw(*, actor: Any, county_code: str, month: dt.date) -> SampleDraw:
    """抽查: a random share (policy data of the county) of the month's township decisions, at least one
    when there are any. Drawn once per county and month; a second draw is refused and changes nothing."""
    require(actor, "integrity.sample", region_code=county_code, target=f"sample:{county_code}")
    if len(county_code) != 6 or not county_code.isdigit():
        raise ValidationError("请选择县（市、区）")
    first = month.replace(day=1)
    if first > timezone.localdate():
        raise ValidationError("不能抽查尚未到来的月份")
    done = SampleDraw.objects.select_for_update().filter(county_code=county_code, month=first).first()
    if done is not None:
        raise ValidationError(
            f"{first.year}年{first.month}月已于{cn_date(local_day(done.drawn_at))}抽取{done.cases.count()}件，"
            "不再重新抽取"
        )
    policy = policy_resolve(on=first, region_code=county_code, hukou_type="")
    rate = Decimal(str(policy.get("integrity.sample_rate")))
    ids = list(sample_pool(county_code=county_code, month=first).values_list("pk", flat=True))
    if not ids:
        raise ValidationError(f"{first.year}年{first.month}月本县没有乡镇低保、特困审批决定，无需抽查")
    count = max(1, math.ceil(len(ids) * rate))
    seed = secrets.randbelow(2**31)
    draw = SampleDraw.objects.create(
        county_code=county_code,
        region_code=county_code,
        month=first,
        rate=rate,
        pool=len(ids),
        seed=seed,
        drawn_by=actor,
    )
    chosen = draw_sample(seed, ids, count)
    regions = dict(Decision.objects.filter(pk__in=chosen).values_list("pk", "application__region_code"))
    SampleCase.objects.bulk_create(
        SampleCase(draw=draw, decision_id=pk, region_code=regions[pk]) for pk in chosen
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "integrity.sample",
        draw.pk,
        county_code,
        {"month": first, "rate": rate, "pool": len(ids), "drawn": len(chosen), "seed": seed},
    )
    return draw


@transaction.atomic
def sample_check(*, actor: Any, case: SampleCase, agree: bool, reason: str = "") -> SampleCase:
    """The county's check of one sampled decision: agree, or disagree with the reason the township reads."""
    require(actor, "integrity.sample", region_code=case.region_code, target=f"samplecase:{case.pk}")
    case = SampleCase.objects.select_for_update().get(pk=case.pk)
    if case.verdict != Verdict.PENDING:
        raise ValidationError("该案件已核查")
    if not agree and not reason.strip():
        raise ValidationError("不同意时请填写理由")
    case.verdict = Verdict.AGREE if agree else Verdict.DISAGREE
    case.reason = "" if agree else reason.strip()[:300]
    case.checked_by = actor
    case.checked_on = timezone.localdate()
    case.save(update_fields=["verdict", "reason", "checked_by", "checked_on"])
    _audit(
        actor,
        AuditEvent.DECISION,
        "integrity.samplecase",
        case.pk,
        case.region_code,
        {"verdict": case.verdict, "decision": case.decision_id},
    )
    return case


def waiting_period_check(*, household: Household, applicant: Person, programme: str, on: dt.date) -> None:
    """The assistance intake's registered check: a household or applicant found to have declared falsely
    may not apply again before the waiting period ends."""
    found = (
        Finding.objects.filter(Q(household=household) | Q(person=applicant), status=FindingStatus.RECORDED)
        .filter(wait_until__gt=on)
        .order_by("-wait_until")
        .first()
    )
    if found is not None and found.wait_until is not None:
        raise ValidationError(
            f"该家庭于{cn_date(found.decided_on or found.found_on)}经核对被认定"
            f"虚报{found.get_item_display()}，"
            f"诚信救助等待期至{cn_date(found.wait_until)}，期满前不予受理新的救助申请"
        )


def findings_export(*, actor: Any, findings: list[Finding]) -> bytes:
    """The filtered findings as Excel (masked IDs; names neutralised), audited."""
    from minzheng.core.labels import region_name
    from minzheng.core.spreadsheet import xlsx_bytes

    require(actor, "integrity.read", target="integrity:export")
    header = [
        "申请人",
        "身份证号",
        "区划",
        "项目",
        "申报（元）",
        "核对（元）",
        "认定日期",
        "等待期至",
        "状态",
    ]
    rows = [
        [
            f.person.name,
            f.person.id_masked,
            region_name(f.region_code, full=True),
            f.get_item_display(),
            float(f.declared),
            float(f.verified),
            f.found_on.isoformat(),
            f.wait_until.isoformat() if f.wait_until else "",
            f.get_status_display(),
        ]
        for f in findings
    ]
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="integrity.finding",
        detail=f"导出虚报认定{len(rows)}行（证件号已脱敏）",
    )
    return xlsx_bytes(header, rows, title="诚信救助虚报认定")
