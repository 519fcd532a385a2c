"""Writes to enrolments and payroll. Payroll is computed set-based in one INSERT … SELECT per county and
month (never a per-household loop), frozen on approval, and corrected only by adjustment lines."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.scoping import has_role, in_scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.masking import mask_bank_account
from minzheng.people.models import Household, Person
from minzheng.people.selectors import person_get_for_actor

from . import bankfile, selectors
from .models import Enrolment, LineKind, PayeeAccount, PayrollLine, PayrollRun, PayrollStatus


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
    return enrolment


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


def _can_run_payroll(actor: Any, county_code: str) -> bool:
    return has_role(actor, Role.COUNTY_OFFICER, Role.CITY_OFFICER) and in_scope(actor, county_code + "000000")


_INSERT_LINES = """
INSERT INTO benefits_payrollline
    (run_id, enrolment_id, kind, programme, person_id, region_code, amount, reason, created_at)
SELECT %s, e.id, 'regular', e.programme, e.person_id, e.region_code, e.monthly_amount, '', %s
FROM benefits_enrolment e
JOIN people_person p ON p.id = e.person_id
WHERE e.region_code LIKE %s
  AND e.first_month <= %s
  AND (e.last_month IS NULL OR e.last_month >= %s)
  AND e.monthly_amount > 0
  AND (p.death_date IS NULL OR p.death_date >= %s)
"""


@transaction.atomic
def payroll_generate(*, actor: Any, county_code: str, month: dt.date) -> PayrollRun:
    """All beneficiaries active in `month` in the county, with amounts, in one SQL statement.
    A frozen month is returned untouched (no double pay); a draft is recomputed from scratch."""
    if not _can_run_payroll(actor, county_code):
        raise ValidationError("只有本县（市、区）或市级民政干部可以生成发放名册")
    month = first_of_month(month)
    run, _ = PayrollRun.objects.select_for_update().get_or_create(
        county_code=county_code, month=month, defaults={"created_by": actor}
    )
    if run.status == PayrollStatus.FROZEN:
        return run
    PayrollLine.objects.filter(run=run, kind=LineKind.REGULAR).delete()
    with connection.cursor() as cur:
        cur.execute(_INSERT_LINES, [run.pk, timezone.now(), county_code + "%", month, month, month])
    _refresh_totals(run)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="payroll",
        target_id=run.pk,
        region_code=county_code,
        new={"month": month, "lines": run.line_count, "total": run.total_amount},
    )
    return run


def _refresh_totals(run: PayrollRun) -> None:
    from django.db.models import Count, Sum

    agg = PayrollLine.objects.filter(run=run).aggregate(n=Count("id"), total=Sum("amount"))
    run.line_count = agg["n"] or 0
    run.total_amount = agg["total"] or 0
    run.save(update_fields=["line_count", "total_amount"])


@transaction.atomic
def payroll_freeze(*, actor: Any, run: PayrollRun) -> PayrollRun:
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if not _can_run_payroll(actor, run.county_code):
        raise ValidationError("只有本县（市、区）或市级民政干部可以审核发放名册")
    if run.status == PayrollStatus.FROZEN:
        raise ValidationError("该发放名册已审核冻结，不能重复审核")
    run.status = PayrollStatus.FROZEN
    run.frozen_at = timezone.now()
    run.frozen_by = actor
    run.save(update_fields=["status", "frozen_at", "frozen_by"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="payroll",
        target_id=run.pk,
        region_code=run.county_code,
        detail="审核冻结发放名册",
        new={"lines": run.line_count, "total": run.total_amount},
    )
    return run


@transaction.atomic
def payroll_adjust(
    *, actor: Any, run: PayrollRun, enrolment: Enrolment, amount: int, reason: str
) -> PayrollLine:
    """A correction to a month: a new signed line (补发 > 0, 扣回 < 0), never an edit of an existing one."""
    if not _can_run_payroll(actor, run.county_code):
        raise ValidationError("只有本县（市、区）或市级民政干部可以调整发放")
    if not enrolment.region_code.startswith(run.county_code):
        raise ValidationError("该待遇不属于本发放名册所在县（市、区）")
    if amount == 0 or not reason.strip():
        raise ValidationError("调整金额不能为0，且必须说明原因")
    line = PayrollLine.objects.create(
        run=run,
        enrolment=enrolment,
        kind=LineKind.ADJUSTMENT,
        programme=enrolment.programme,
        person_id=enrolment.person_id,
        region_code=enrolment.region_code,
        amount=amount,
        reason=reason[:200],
    )
    _refresh_totals(run)
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="payroll.adjustment",
        target_id=line.pk,
        region_code=run.county_code,
        new={"run": run.pk, "enrolment": enrolment.pk, "amount": amount, "reason": reason},
    )
    return line


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
) -> PayeeAccount:
    """Register or change the account `person` is paid into. The current account (if any) is deactivated,
    never deleted; the audit row holds masked values only. Out-of-region persons look missing (404)."""
    person = person_get_for_actor(actor=actor, person_id=person.pk)
    if not selectors.can_set_payee_account(actor):
        raise ValidationError("只有乡镇经办人员或县、市级民政干部可以登记收款账户")
    bank_name = (bank_name or "").strip()
    if not bank_name:
        raise ValidationError("开户行不能为空")
    if len(bank_name) > 100:
        raise ValidationError("开户行不超过100个字")
    holder_name = (holder_name or "").strip() or person.name
    if len(holder_name) > 64:
        raise ValidationError("户名不超过64个字")
    stored = account_number_fields(clean_account_number(account_number))
    valid_from = valid_from or timezone.localdate()
    current = PayeeAccount.objects.select_for_update().filter(person=person, active=True).first()
    if (
        current is not None
        and current.account_hash == stored["account_hash"]
        and current.bank_name == bank_name
        and current.holder_name == holder_name
    ):
        raise ValidationError("与当前收款账户相同，未作变更")
    if current is not None:
        current.active = False
        current.deactivated_at = timezone.now()
        current.save(update_fields=["active", "deactivated_at"])
    try:
        with transaction.atomic():
            account = PayeeAccount.objects.create(
                person=person,
                bank_name=bank_name,
                **stored,
                holder_name=holder_name,
                valid_from=valid_from,
                active=True,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError("该人员的收款账户正在被他人修改，请刷新后重试") from None
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


@transaction.atomic
def payroll_bank_file_export(*, actor: Any, run: PayrollRun, fmt: str, ip: str = "") -> bankfile.BankFile:
    """The bank payment file (银行代发文件) of a frozen run: one audited bulk reveal of the full ID numbers
    and bank accounts of the actor's lines — exactly one audit row per export, holding no full value."""
    run = selectors.payroll_run_get_for_actor(actor=actor, run_id=run.pk)
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
