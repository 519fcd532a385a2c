"""Writes to enrolments and payroll. Payroll is computed set-based in one INSERT … SELECT per county and
month (never a per-household loop), frozen on approval, and corrected only by adjustment lines."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.masking import mask_bank_account
from minzheng.deskjobs.models import DeskJob
from minzheng.deskjobs.registry import JobContext
from minzheng.deskjobs.services import desk_job_create
from minzheng.people.models import Household, Person
from minzheng.people.selectors import person_get_for_actor
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes.registry import programme as programme_get
from minzheng.programmes.registry import programmes
from minzheng.regions.models import Region, RegionLevel

from . import bankfile, selectors
from .dates import check_date_window
from .funding import payroll_funding_draw
from .models import (
    CorrectionKind,
    CorrectionStatus,
    Enrolment,
    LineKind,
    PayeeAccount,
    PayeeApproval,
    PayrollCorrection,
    PayrollLine,
    PayrollRun,
    PayrollStatus,
)


def first_of_month(d: dt.date) -> dt.date:
    return d.replace(day=1)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


@transaction.atomic
def enrolment_create(
    *,
    actor: Any,
    programme: str,
    person: Person,
    household: Household | None,
    amount: int,
    first_month: dt.date,
    last_month: dt.date | None = None,
    members_covered: int = 1,
    tier: str = "",
    source_type: str = "",
    source_id: str | int = "",
    rule_version: str = "",
) -> Enrolment:
    if amount < 0:
        raise ValidationError("发放金额不能为负数")
    programme_get(programme)  # an unregistered code is refused in Chinese, before anything is written
    first = first_of_month(first_month)
    last = first_of_month(last_month) if last_month else None
    if last is not None and last < first:
        raise ValidationError("终止月不能早于起始月")
    enrolment = Enrolment.objects.create(
        programme=programme,
        person=person,
        household=household,
        region_code=household.region_code if household else person.region_code,
        monthly_amount=amount,
        members_covered=members_covered,
        first_month=first,
        last_month=last,
        tier=tier,
        source_type=source_type,
        source_id=str(source_id),
        rule_version=rule_version,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type=f"enrolment.{programme}",
        target_id=enrolment.pk,
        region_code=enrolment.region_code,
        new={
            "amount": amount,
            "first_month": first,
            "last_month": last,
            "source": f"{source_type}:{source_id}",
        },
    )
    _catch_up_frozen_months(actor=actor, enrolment=enrolment)
    return enrolment


def _catch_up_frozen_months(*, actor: Any, enrolment: Enrolment) -> None:
    """The payroll rule for an enrolment granted into months whose county roll is already frozen (the
    roll is never edited, and the next regular roll pays only its own month): the money of those months
    goes into the county's next open roll as one catch-up (补发) line. Every line enrols through
    `enrolment_create`, so this is the one place it is decided; `enrolment.roll_month` and
    `enrolment.catch_up` say where the first money really goes (for the line's message)."""
    county = enrolment.region_code[:6]
    frozen = list(
        PayrollRun.objects.filter(
            county_code=county,
            status=PayrollStatus.FROZEN,
            month__gte=enrolment.first_month,
            month__lte=enrolment.last_month or dt.date.max,
        )
        .order_by("month")
        .values_list("pk", "month")
    )
    enrolment.roll_month = selectors.payroll_roll_month(  # type: ignore[attr-defined]
        region_code=enrolment.region_code, month=enrolment.first_month
    )
    enrolment.catch_up = bool(frozen) and enrolment.monthly_amount > 0  # type: ignore[attr-defined]
    if not enrolment.catch_up:  # type: ignore[attr-defined]
        return
    months = "、".join(f"{m:%Y年%m月}" for _pk, m in frozen)
    correction = PayrollCorrection.objects.create(
        kind=CorrectionKind.CORRECTION,
        status=CorrectionStatus.PENDING,
        enrolment=enrolment,
        person_id=enrolment.person_id,
        programme=enrolment.programme,
        region_code=enrolment.region_code,
        county_code=county,
        amount=enrolment.monthly_amount * len(frozen),
        reason=f"补发{months}（该月发放名册已审核冻结）"[:200],
        source_run_id=frozen[0][0],
        created_by_id=getattr(actor, "pk", None),  # a system actor (a line's batch decision) has none
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="payroll.correction",
        target_id=correction.pk,
        region_code=county,
        detail=f"{months}发放名册已冻结，计入{enrolment.roll_month:%Y年%m月}名册补发",  # type: ignore[attr-defined]
        new={"enrolment": enrolment.pk, "amount": correction.amount, "months": [m for _pk, m in frozen]},
    )


@transaction.atomic
def enrolment_end(*, actor: Any, enrolment: Enrolment, last_month: dt.date, reason: str) -> Enrolment:
    """Stop paying after `last_month`: the exit month is the last one paid; payment stops the month after."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    last = first_of_month(last_month)
    if last < enrolment.first_month:
        raise ValidationError("终止月不能早于待遇起始月")
    old = {"last_month": enrolment.last_month}
    enrolment.last_month = last if enrolment.last_month is None else min(enrolment.last_month, last)
    enrolment.end_reason = reason[:200]
    enrolment.save(update_fields=["last_month", "end_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type=f"enrolment.{enrolment.programme}",
        target_id=enrolment.pk,
        region_code=enrolment.region_code,
        old=old,
        new={"last_month": enrolment.last_month, "reason": reason},
    )
    return enrolment


@transaction.atomic
def enrolment_void(*, actor: Any, enrolment: Enrolment, reason: str) -> Enrolment:
    """撤销 an enrolment that was never paid (no checked roll holds a line of it), e.g. one that would
    start only after its person died. The row stays (decisions and the audit trail point at it) but pays
    nothing: its amount becomes 0 and it spans only its first month (the earliest the month constraint
    allows); lines of it in unchecked rolls are removed and those rolls' totals recomputed. The old values
    are in the audit row. Anything paid already cannot be voided: end it instead (`enrolment_end`)."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    lines = PayrollLine.objects.filter(enrolment=enrolment)
    if lines.filter(run__status=PayrollStatus.FROZEN).exists():
        raise ValidationError("该待遇已在审核冻结的名册中发放过，不能撤销，请办理终止")
    old = {
        "monthly_amount": enrolment.monthly_amount,
        "first_month": enrolment.first_month,
        "last_month": enrolment.last_month,
    }
    drafts = list(PayrollRun.objects.filter(pk__in=lines.values("run_id")).select_for_update())
    lines.delete()
    for run in drafts:
        _refresh_totals(run)
    enrolment.monthly_amount = 0
    enrolment.last_month = enrolment.first_month
    enrolment.end_reason = f"已撤销（未发放）：{reason}"[:200]
    enrolment.save(update_fields=["monthly_amount", "last_month", "end_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type=f"enrolment.{enrolment.programme}.void",
        target_id=enrolment.pk,
        region_code=enrolment.region_code,
        detail="撤销未发放的待遇",
        old=old,
        new={
            "monthly_amount": 0,
            "last_month": enrolment.last_month,
            "reason": reason,
            "drafts": len(drafts),
        },
    )
    return enrolment


def parse_amount(raw: str) -> int:
    """A whole number of yuan typed in a form (no NaN, no 1e9, no text); bounds are checked by the service."""
    text = unicodedata.normalize("NFKC", (raw or "").strip())
    if not re.fullmatch(r"[+-]?[0-9]{1,9}", text):
        raise ValidationError("金额应为不超过9位的整数（元），扣回填负数")
    return int(text)


# ---------------------------------------------------------------- payroll (发放)
def county_region(county_code: str) -> Region:
    """The county-level region a roll is for: exactly one county of the tree, never a free-text prefix."""
    region = Region.objects.filter(code=county_code, level=RegionLevel.COUNTY).first()
    if region is None:
        raise ValidationError("请选择一个县(市、区)：发放名册只能按一个县级区划生成")
    return region


_INSERT_LINES = """
INSERT INTO benefits_payrollline
    (run_id, month, enrolment_id, kind, programme, person_id, region_code, amount, reason, created_at)
SELECT %s, %s, e.id, 'regular', e.programme, e.person_id, e.region_code, e.monthly_amount, '', %s
FROM benefits_enrolment e
JOIN people_person p ON p.id = e.person_id
WHERE e.region_code LIKE %s
  AND e.first_month <= %s
  AND (e.last_month IS NULL OR e.last_month >= %s)
  AND e.monthly_amount > 0
  AND (p.death_date IS NULL OR p.death_date >= %s)
"""

# Pending corrections of the county become adjustment lines; a recovery only once the roll that
# carried it forward is frozen (a draft's recoveries are recomputed with the draft).
_INSERT_CORRECTIONS = """
INSERT INTO benefits_payrollline
    (run_id, month, enrolment_id, kind, programme, person_id, region_code, amount, reason, created_at)
SELECT %s, %s, c.enrolment_id, 'adjustment', c.programme, c.person_id, c.region_code, c.amount,
       SUBSTR(c.reason, 1, 200), %s
FROM benefits_payrollcorrection c
LEFT JOIN benefits_payrollrun s ON s.id = c.source_run_id
WHERE c.county_code = %s AND c.status = 'pending'
  AND (c.kind = 'correction' OR s.status = 'frozen')
"""


def _overlap_message(county_code: str, month: dt.date) -> str:
    return (
        f"{month:%Y年%m月}有人员的同一项目将被重复发放（已在其他发放名册中发放，或有重叠的待遇记录），"
        f"名册未生成；请核对县级区划{county_code}的待遇与已有名册"
    )


@transaction.atomic
def payroll_generate(*, actor: Any, county_code: str, month: dt.date) -> PayrollRun:
    """All beneficiaries active in `month` in one county, with amounts, in one SQL statement, plus the
    county's pending corrections. A frozen month is returned untouched; a draft is recomputed from
    scratch. A person-programme-month already paid in another roll makes the database refuse the roll."""
    county = county_region(county_code)
    require(actor, "payroll.generate", region_code=county.code, target=f"payroll:{county.code}")
    month = check_date_window(first_of_month(month), label="发放月")
    run, _ = PayrollRun.objects.select_for_update().get_or_create(
        county_code=county.code, month=month, defaults={"generated_by": actor}
    )
    if run.status == PayrollStatus.FROZEN:
        return run
    _refuse_unregistered(county_code=county.code, month=month)
    _undo_draft(run)
    now = timezone.now()
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(_INSERT_LINES, [run.pk, month, now, county.code + "%", month, month, month])
    except IntegrityError:
        raise ValidationError(_overlap_message(county.code, month)) from None
    with connection.cursor() as cur:
        cur.execute(_INSERT_CORRECTIONS, [run.pk, month, now, county.code])
    PayrollCorrection.objects.filter(
        Q(kind=CorrectionKind.CORRECTION) | Q(source_run__status=PayrollStatus.FROZEN),
        county_code=county.code,
        status=CorrectionStatus.PENDING,
    ).update(status=CorrectionStatus.APPLIED, applied_run=run)
    recoveries = _carry_forward_recoveries(actor=actor, run=run, now=now)
    run.generated_by = actor
    run.save(update_fields=["generated_by"])
    _refresh_totals(run)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="payroll",
        target_id=run.pk,
        region_code=county.code,
        new={
            "month": month,
            "lines": run.line_count,
            "total": run.total_amount,
            "recoveries": recoveries,
        },
    )
    return run


def _refuse_unregistered(*, county_code: str, month: dt.date) -> None:
    """A roll pays only registered payable programmes: an enrolment under any other code (a line removed,
    a row written behind the services' back) stops the roll instead of being paid or silently left out."""
    payable = [p.code for p in programmes() if p.payable]
    stray = (
        Enrolment.objects.filter(
            region_code__startswith=county_code, first_month__lte=month, monthly_amount__gt=0
        )
        .filter(Q(last_month__isnull=True) | Q(last_month__gte=month))
        .exclude(programme__in=payable)
        .count()
    )
    if stray:
        raise ValidationError(
            f"有{stray}条待遇的保障项目未登记或不发放资金，名册未生成；请联系系统管理员核查"
        )


def _undo_draft(run: PayrollRun) -> None:
    """Before a draft is recomputed: its lines go, the corrections it took wait again, and the recoveries
    it carried forward (never taken by another roll: only a frozen roll's are) are dropped."""
    PayrollCorrection.objects.filter(applied_run=run).update(
        status=CorrectionStatus.PENDING, applied_run=None
    )
    PayrollCorrection.objects.filter(source_run=run, kind=CorrectionKind.RECOVERY).delete()
    PayrollLine.objects.filter(run=run).delete()


def _carry_forward_recoveries(*, actor: Any, run: PayrollRun, now: Any) -> int:
    """No one's net payment in a roll may be negative: where deductions exceed what a person is paid this
    month, a 结转 line brings the net to zero and the rest becomes a recovery (追缴) for the next roll."""
    short = (
        PayrollLine.objects.filter(run=run)
        .values("person_id")
        .annotate(net=Sum("amount"), last=Max("id"))
        .filter(net__lt=0)
    )
    count = 0
    for row in short:
        line = PayrollLine.objects.get(pk=row["last"])
        owed = -row["net"]
        PayrollLine.objects.create(
            run=run,
            month=run.month,
            enrolment_id=line.enrolment_id,
            kind=LineKind.RECOVERY,
            programme=line.programme,
            person_id=line.person_id,
            region_code=line.region_code,
            amount=owed,
            reason=f"本月扣回超出应发金额，余额{owed}元结转下期追缴",
        )
        PayrollCorrection.objects.create(
            kind=CorrectionKind.RECOVERY,
            status=CorrectionStatus.PENDING,
            enrolment_id=line.enrolment_id,
            person_id=line.person_id,
            programme=line.programme,
            region_code=line.region_code,
            county_code=run.county_code,
            amount=-owed,
            reason=f"{run.month:%Y年%m月}名册扣回不足，结转追缴",
            source_run=run,
            created_by=actor,
        )
        count += 1
    return count


def _refresh_totals(run: PayrollRun) -> None:
    agg = PayrollLine.objects.filter(run=run).aggregate(n=Count("id"), total=Sum("amount"))
    run.line_count = agg["n"] or 0
    run.total_amount = agg["total"] or 0
    run.save(update_fields=["line_count", "total_amount"])


@transaction.atomic
def payroll_freeze(*, actor: Any, run: PayrollRun) -> PayrollRun:
    """审核: a second person checks the roll and freezes it; the one who generated it cannot."""
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    require(actor, "payroll.freeze", region_code=run.county_code, target=f"payroll:{run.pk}")
    if run.status == PayrollStatus.FROZEN:
        raise ValidationError("该发放名册已审核冻结，不能重复审核")
    if run.generated_by_id is None or run.generated_by_id == getattr(actor, "pk", None):
        raise ValidationError("制表人不能审核自己生成的发放名册，须由另一名工作人员审核")
    negative = (
        PayrollLine.objects.filter(run=run).values("person_id").annotate(net=Sum("amount")).filter(net__lt=0)
    )
    if negative.exists():
        raise ValidationError("名册中有人员本月实发金额为负数，请重新生成名册")
    # The sources that fund a programme (a charity fund) draw their share now; one short of money refuses
    # the check and, with this transaction, draws nothing.
    payroll_funding_draw(actor=actor, run=run)
    run.status = PayrollStatus.FROZEN
    run.frozen_at = timezone.now()
    run.checked_by = actor
    run.save(update_fields=["status", "frozen_at", "checked_by"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="payroll",
        target_id=run.pk,
        region_code=run.county_code,
        detail="审核冻结发放名册",
        new={"lines": run.line_count, "total": run.total_amount, "generated_by": run.generated_by_id},
    )
    return run


def _adjustment_limits(*, enrolment: Enrolment) -> tuple[int, int]:
    """(maximum, second-approval threshold) in yuan from policy data: a programme's own keys win over the
    general ones; no figure here."""
    policy = policy_resolve(on=timezone.localdate(), region_code=enrolment.region_code, hukou_type="")
    own_max = f"payroll.adjustment_max.{enrolment.programme}"
    own_threshold = f"payroll.adjustment_approval_threshold.{enrolment.programme}"
    try:
        maximum = policy.get(own_max if policy.has(own_max) else "payroll.adjustment_max")
        threshold = policy.get(
            own_threshold if policy.has(own_threshold) else "payroll.adjustment_approval_threshold"
        )
    except PolicyMissing as e:
        raise ValidationError(f"缺少发放更正限额的政策参数：{e}") from None
    return int(maximum), int(threshold)


@transaction.atomic
def payroll_adjust(
    *, actor: Any, run: PayrollRun, enrolment: Enrolment, amount: int, reason: str
) -> PayrollCorrection:
    """A correction to money rolled in `run` (补发 > 0, 扣回 < 0). The roll itself is never edited: the
    correction waits and becomes an adjustment line of the county's next generated roll. Amounts are
    bounded by policy; above the threshold a second person must approve before it is paid."""
    require(actor, "payroll.adjust", region_code=run.county_code, target=f"payroll:{run.pk}")
    if not enrolment.region_code.startswith(run.county_code):
        raise ValidationError("该待遇不属于本发放名册所在县（市、区）")
    reason = (reason or "").strip()
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0 or not reason:
        raise ValidationError("调整金额不能为0，且必须说明原因")
    maximum, threshold = _adjustment_limits(enrolment=enrolment)
    if abs(amount) > maximum:
        raise ValidationError(f"单笔调整金额不能超过{maximum}元（政策参数：发放更正单笔金额上限）")
    needs_approval = abs(amount) > threshold
    correction = PayrollCorrection.objects.create(
        kind=CorrectionKind.CORRECTION,
        status=CorrectionStatus.AWAITING_APPROVAL if needs_approval else CorrectionStatus.PENDING,
        enrolment=enrolment,
        person_id=enrolment.person_id,
        programme=enrolment.programme,
        region_code=enrolment.region_code,
        county_code=run.county_code,
        amount=amount,
        reason=reason[:200],
        source_run=run,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="payroll.correction",
        target_id=correction.pk,
        region_code=run.county_code,
        detail="登记发放更正" + ("（超过复核金额，待第二人复核）" if needs_approval else "（计入下期名册）"),
        new={"run": run.pk, "enrolment": enrolment.pk, "amount": amount, "reason": reason},
    )
    return correction


@transaction.atomic
def payroll_correction_decide(
    *, actor: Any, correction: PayrollCorrection, approve: bool
) -> PayrollCorrection:
    """The second person's check of a correction above the threshold: approve (it waits for the next
    roll) or reject. The person who registered it cannot approve it."""
    correction = PayrollCorrection.objects.select_for_update().get(pk=correction.pk)
    require(
        actor,
        "payroll.adjust_approve",
        region_code=correction.county_code,
        target=f"payroll.correction:{correction.pk}",
    )
    if correction.status != CorrectionStatus.AWAITING_APPROVAL:
        raise ValidationError("该更正不在待复核状态")
    require_other_person(
        actor,
        correction.created_by_id,
        message="登记更正的人员不能复核自己登记的更正，须由另一名工作人员复核",
    )
    correction.status = CorrectionStatus.PENDING if approve else CorrectionStatus.REJECTED
    correction.approved_by = actor
    correction.approved_at = timezone.now()
    correction.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="payroll.correction",
        target_id=correction.pk,
        region_code=correction.county_code,
        detail="复核同意发放更正" if approve else "驳回发放更正",
        new={"status": correction.status, "amount": correction.amount},
    )
    return correction


# ---------------------------------------------------------------- payee accounts (收款账户)
_ACCOUNT_DIGITS = re.compile(r"[0-9]{12,19}")


def clean_account_number(value: str) -> str:
    """Digits only, 12–19 of them once spaces are removed (full-width digits accepted). No Luhn check:
    not every Chinese bank account follows it. The message never echoes the input."""
    value = "".join(unicodedata.normalize("NFKC", value or "").split())
    if not _ACCOUNT_DIGITS.fullmatch(value):
        raise ValidationError("银行账号应为12至19位数字")
    return value


def account_number_fields(number: str) -> dict[str, str]:
    """How a clean account number is stored: ciphertext, blind index and masked copy (PayeeAccount)."""
    return {
        "account_number_enc": crypto.encrypt(number),
        "account_hash": crypto.blind_index(number),
        "account_masked": mask_bank_account(number),
    }


def _payee_audit_values(account: PayeeAccount) -> dict[str, Any]:
    return {
        "bank_name": account.bank_name,
        "holder_name": account.holder_name,
        "account": account.account_masked,
        "valid_from": account.valid_from,
    }


@transaction.atomic
def payee_account_set(
    *,
    actor: Any,
    person: Person,
    bank_name: str,
    account_number: str,
    holder_name: str = "",
    valid_from: dt.date | None = None,
    holder_reason: str = "",
) -> PayeeAccount:
    """Register or change the account `person` is paid into. An account in the person's own name takes
    effect at once (the current one is deactivated, never deleted); one held in another name (a guardian,
    an agent: there is no record of them to match) needs a reason and waits, inactive and out of the
    bank file, for a second person's approval (payee_account_decide). The audit row holds masked values
    only. Out-of-region persons look missing (404)."""
    person = person_get_for_actor(actor=actor, person_id=person.pk)
    require(actor, "payee.set", region_code=person.region_code, target=f"person:{person.pk}")
    bank_name = (bank_name or "").strip()
    if not bank_name:
        raise ValidationError("开户行不能为空")
    if len(bank_name) > 100:
        raise ValidationError("开户行不超过100个字")
    holder_name = (holder_name or "").strip() or person.name
    if len(holder_name) > 64:
        raise ValidationError("户名不超过64个字")
    stored = account_number_fields(clean_account_number(account_number))
    valid_from = check_date_window(valid_from or timezone.localdate(), label="启用日期")
    holder_reason = (holder_reason or "").strip()
    own_name = holder_name == person.name
    if not own_name and not holder_reason:
        raise ValidationError(
            "户名与领取人姓名不一致，须填写原因（如监护人、委托代理人代领），并经另一人复核"
        )
    if len(holder_reason) > 200:
        raise ValidationError("原因不超过200个字")
    current = PayeeAccount.objects.select_for_update().filter(person=person, active=True).first()
    if (
        current is not None
        and current.account_hash == stored["account_hash"]
        and current.bank_name == bank_name
        and current.holder_name == holder_name
    ):
        raise ValidationError("与当前收款账户相同，未作变更")
    if not own_name:
        # Any earlier request still waiting is superseded by this one.
        PayeeAccount.objects.filter(person=person, approval=PayeeApproval.PENDING).update(
            approval=PayeeApproval.REJECTED, deactivated_at=timezone.now()
        )
        account = PayeeAccount.objects.create(
            person=person,
            bank_name=bank_name,
            **stored,
            holder_name=holder_name,
            holder_reason=holder_reason[:200],
            approval=PayeeApproval.PENDING,
            valid_from=valid_from,
            active=False,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            event_type=AuditEvent.CREATE,
            target_type="person.payee_account",
            target_id=person.pk,
            region_code=person.region_code,
            detail="登记非本人户名收款账户，待复核",
            new={**_payee_audit_values(account), "id": account.pk, "reason": holder_reason},
        )
        return account
    account = _payee_activate(
        person=person,
        current=current,
        build=lambda: PayeeAccount(
            person=person,
            bank_name=bank_name,
            **stored,
            holder_name=holder_name,
            valid_from=valid_from,
            active=True,
            created_by=actor,
        ),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE if current is not None else AuditEvent.CREATE,
        target_type="person.payee_account",
        target_id=person.pk,
        region_code=person.region_code,
        detail="变更收款账户" if current is not None else "登记收款账户",
        old=_payee_audit_values(current) if current is not None else None,
        new={**_payee_audit_values(account), "id": account.pk},
    )
    return account


def _payee_activate(*, person: Person, current: PayeeAccount | None, build: Any) -> PayeeAccount:
    """Deactivate `current` and save the account `build()` gives as the one active row."""
    if current is not None:
        current.active = False
        current.deactivated_at = timezone.now()
        current.save(update_fields=["active", "deactivated_at"])
    account: PayeeAccount = build()
    account.active = True
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise ValidationError("该人员的收款账户正在被他人修改，请刷新后重试") from None
    return account


@transaction.atomic
def payee_account_decide(*, actor: Any, person: Person, approve: bool) -> PayeeAccount:
    """A second person approves (it becomes the active account) or rejects the person's account waiting
    for approval. The person who registered it cannot decide on it."""
    person = person_get_for_actor(actor=actor, person_id=person.pk)
    require(actor, "payee.approve", region_code=person.region_code, target=f"person:{person.pk}")
    pending = (
        PayeeAccount.objects.select_for_update()
        .filter(person=person, approval=PayeeApproval.PENDING)
        .order_by("-id")
        .first()
    )
    if pending is None:
        raise ValidationError("该人员没有待复核的收款账户")
    require_other_person(
        actor,
        pending.created_by_id,
        message="登记收款账户的人员不能复核自己登记的账户，须由另一名工作人员复核",
    )
    current = PayeeAccount.objects.select_for_update().filter(person=person, active=True).first()
    pending.approval = PayeeApproval.APPROVED if approve else PayeeApproval.REJECTED
    pending.approved_by = actor
    pending.approved_at = timezone.now()
    if approve:
        pending = _payee_activate(person=person, current=current, build=lambda: pending)
    else:
        pending.deactivated_at = pending.approved_at
        pending.save(update_fields=["approval", "approved_by", "approved_at", "deactivated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="person.payee_account",
        target_id=person.pk,
        region_code=person.region_code,
        detail="复核同意非本人户名收款账户" if approve else "驳回非本人户名收款账户",
        old=_payee_audit_values(current) if approve and current is not None else None,
        new={**_payee_audit_values(pending), "id": pending.pk, "approval": pending.approval},
    )
    return pending


@transaction.atomic
def payroll_bank_file_export(*, actor: Any, run: PayrollRun, fmt: str, ip: str = "") -> bankfile.BankFile:
    """The bank payment file (银行代发文件) of a frozen run: one audited bulk reveal of the full ID numbers
    and bank accounts of the actor's lines — exactly one audit row per export, holding no full value."""
    # Role first (a refusal whatever the id), then scope: another county's roll looks missing (404).
    require(actor, "payroll.bank_file", target=f"payroll:{run.pk}")
    run = selectors.payroll_run_get_for_actor(actor=actor, run_id=run.pk)
    require(actor, "payroll.bank_file", region_code=run.county_code, target=f"payroll:{run.pk}")
    if run.status != PayrollStatus.FROZEN:
        raise ValidationError("发放名册审核冻结后才能导出银行代发文件")
    data = selectors.payroll_bank_file_rows(actor=actor, run=run)
    result = bankfile.render(
        data.rows,
        fmt=fmt,
        name=f"payroll-{run.county_code}-{run.month:%Y%m}",
        missing_accounts=data.missing_accounts,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="payroll.bank_file",
        target_id=run.pk,
        region_code=run.county_code,
        detail=(
            f"导出银行代发文件{len(data.rows)}笔（含完整身份证号及开户行、户名、完整银行账号；"
            f"{data.missing_accounts}笔未登记收款账户）"
        ),
        new={"lines": len(data.rows), "missing_accounts": data.missing_accounts, "format": result.fmt},
        ip=ip,
    )
    return result


# ------------------------------------------------------------------ the roll as a background job (deskjobs)
PAYROLL_JOB = selectors.PAYROLL_JOB


def payroll_generate_queue(
    *, actor: Any, county_code: str, month: dt.date, ip: str = ""
) -> tuple[DeskJob, bool]:
    """The officer's 生成发放名册: checked as payroll_generate checks (county, permission, month window),
    then queued as a job for the worker (payroll_generate_job runs it as this officer). While a roll of the
    same county and month is queued or running, that job is returned with False and nothing is queued."""
    county = county_region(county_code)
    require(actor, "payroll.generate", region_code=county.code, target=f"payroll:{county.code}")
    month = check_date_window(first_of_month(month), label="发放月")
    return desk_job_create(
        actor=actor,
        kind=PAYROLL_JOB,
        title=f"{county.name}{month:%Y年%m月}发放名册",
        params={"county": county.code, "month": month.isoformat()},
        region_code=county.code,
        dedupe_key=f"payroll:{county.code}:{month:%Y-%m}",
        ip=ip,
    )


def payroll_generate_job(ctx: JobContext) -> None:
    """The worker's part of a queued roll: payroll_generate as the officer who asked for it."""
    ctx.progress("生成发放名册", 0.1)
    run = payroll_generate(
        actor=ctx.actor,
        county_code=str(ctx.job.params["county"]),
        month=dt.date.fromisoformat(str(ctx.job.params["month"])),
    )
    ctx.result_pk = run.pk
    ctx.result_url = reverse("payroll-detail", args=[run.pk])
    frozen = "（该月名册已审核冻结，未重新生成）" if run.status == PayrollStatus.FROZEN else ""
    ctx.message = f"{run.line_count}笔，{run.total_amount}元{frozen}"
