"""Writes of the funds line (keyword-only, atomic, audited). A spending is refused in Chinese, naming the
amount and the balance, when the fund cannot cover it; the fund row is locked first so two payments cannot
both pass the same balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import require
from minzheng.accounts.system import require_actor
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment, LineKind, PayrollLine, PayrollRun
from minzheng.core.dates import plausible_date
from minzheng.core.inputs import form_name
from minzheng.programmes.registry import programme
from minzheng.regions.models import Region

from . import selectors
from .models import (
    EntryKind,
    EntryStatus,
    Fund,
    FundDefault,
    FundEntry,
    FundSource,
    IncomeKind,
    SpendingLine,
    WaitingRecovery,
)

MANAGE = selectors.MANAGE


def _money(value: Any, label: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}须为数字") from None
    if amount <= 0:
        raise ValidationError(f"{label}须大于0")
    if amount >= Decimal("1e12"):
        raise ValidationError(f"{label}超出合理范围")
    return amount


def _audit(actor: Any, event: str, what: str, pk: int, county: str, detail: str, **new: Any) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        target_type=f"fund_{what}",
        target_id=pk,
        region_code=county,
        detail=detail,
        new={k: str(v) for k, v in new.items()},
    )


# ---------------------------------------------------------------- funds and defaults
@transaction.atomic
def fund_create(*, actor: Any, name: str, source: str, county_code: str, charity_fund_code: str = "") -> Fund:
    require(actor, MANAGE, region_code=county_code, target="fund:new")
    name = form_name(name, "资金名称", max_length=100)
    if source not in FundSource.values:
        raise ValidationError("请选择资金来源（财政预算、慈善捐赠、福彩公益金或社会资金）")
    if len(county_code) != 6 or not Region.objects.filter(code=county_code, level="county").exists():
        raise ValidationError("请选择资金所属的县(市、区)")
    charity_fund_code = (charity_fund_code or "").strip()
    if charity_fund_code:
        from minzheng.charity.rules import FUNDS

        if source != FundSource.CHARITY:
            raise ValidationError("只有慈善捐赠来源的资金可以关联慈善基金")
        if charity_fund_code not in FUNDS:
            raise ValidationError("所选慈善基金不存在")
    try:
        with transaction.atomic():
            fund = Fund.objects.create(
                name=name,
                source=source,
                county_code=county_code,
                charity_fund_code=charity_fund_code,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(f"本县已有名为“{name}”的资金") from None
    _audit(actor, AuditEvent.CREATE, "fund", fund.pk, county_code, f"设立资金{name}", source=source)
    return fund


@transaction.atomic
def fund_default_set(*, actor: Any, programme_code: str, county_code: str, fund: Fund) -> FundDefault:
    """The fund that pays a programme's lines in a county (the payroll, and a grant with no fund chosen)."""
    require(actor, MANAGE, region_code=county_code, target=f"fund_default:{programme_code}")
    if programme_code not in selectors.BOUGHT_SERVICES:
        programme(programme_code)  # a Chinese ValidationError for an unknown code
    if fund.county_code != county_code or not fund.active:
        raise ValidationError("默认资金须为本县在用的资金")
    row, _ = FundDefault.objects.update_or_create(
        programme=programme_code, county_code=county_code, defaults={"fund": fund, "set_by": actor}
    )
    _audit(
        actor,
        AuditEvent.UPDATE,
        "default",
        row.pk,
        county_code,
        f"{selectors.programme_label(programme_code)}默认由{fund.name}支付",
        fund=fund.pk,
    )
    # money recovered while the county had no fund for the programme is booked now (catch-up)
    recoveries_catch_up(actor=actor, programme_code=programme_code, county_code=county_code)
    return row


# ---------------------------------------------------------------- income: made and checked
@transaction.atomic
def income_record(
    *,
    actor: Any,
    fund: Fund,
    amount: Any,
    income_kind: str,
    booked_on: dt.date,
    note: str = "",
) -> FundEntry:
    """An allocation or donation into the fund; it counts once another person confirms it."""
    require(actor, MANAGE, region_code=fund.county_code, target=f"fund:{fund.pk}")
    if fund.charity_fund_code:
        raise ValidationError("该资金由慈善基金管理，其收入在“慈善”中登记捐赠")
    if income_kind not in IncomeKind.values:
        raise ValidationError("请选择收入类型（资金拨付或捐赠收入）")
    amount = _money(amount, "收入金额")
    plausible_date(booked_on, "记账日期")
    entry = FundEntry.objects.create(
        fund=fund,
        kind=EntryKind.INCOME,
        income_kind=income_kind,
        status=EntryStatus.PENDING,
        amount=amount,
        month=booked_on.replace(day=1),
        booked_on=booked_on,
        note=form_name(note, "摘要", required=False, max_length=200),
        recorded_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "entry", entry.pk, fund.county_code, f"登记{fund.name}收入{amount}元")
    return entry


def _check(actor: Any, entry: FundEntry, status: str, detail: str) -> FundEntry:
    require(actor, MANAGE, region_code=entry.fund.county_code, target=f"fund_entry:{entry.pk}")
    require_other_person(actor, entry.recorded_by_id, message="登记人和复核人不能是同一人")
    done = FundEntry.objects.filter(pk=entry.pk, kind=EntryKind.INCOME, status=EntryStatus.PENDING).update(
        status=status, checked_by=actor, checked_at=timezone.now()
    )
    if done != 1:
        raise ValidationError("该笔收入已复核")
    entry.refresh_from_db()
    _audit(actor, AuditEvent.DECISION, "entry", entry.pk, entry.fund.county_code, detail)
    return entry


@transaction.atomic
def income_confirm(*, actor: Any, entry: FundEntry) -> FundEntry:
    return _check(actor, entry, EntryStatus.CONFIRMED, f"复核入账{entry.amount}元")


@transaction.atomic
def income_reject(*, actor: Any, entry: FundEntry, reason: str) -> FundEntry:
    reason = form_name(reason, "退回原因", max_length=150)
    entry = _check(actor, entry, EntryStatus.REJECTED, f"退回收入{entry.amount}元：{reason}")
    entry.note = f"{entry.note}（退回：{reason}）"[:200]
    entry.save(update_fields=["note"])
    return entry


# ---------------------------------------------------------------- spending
@transaction.atomic
def fund_spend(
    *,
    actor: Any,
    fund: Fund,
    amount: Decimal,
    month: dt.date,
    line: str,
    reference: str,
    note: str,
    enrolment: Enrolment | None = None,
) -> FundEntry:
    """Book a payment on the fund, refused beyond its balance. The caller checked its own permission (it is
    paying its roll, grant or settlement). The same reference and amount returns the earlier entry."""
    require_actor(actor)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    amount = _money(amount, "支出金额")
    earlier = FundEntry.objects.filter(fund=fund, reference=reference).first()
    if earlier is not None:
        if earlier.amount != amount:
            raise ValidationError(f"该笔业务已从{fund.name}支出{earlier.amount}元，金额不一致，请核对")
        return earlier
    if not fund.active:
        raise ValidationError(f"{fund.name}已停用，不能支出")
    left = selectors.balance(fund)
    if amount > left:
        raise ValidationError(f"{note}需支出{amount}元，超出“{fund.name}”当前余额{left}元，不予支出")
    month = month.replace(day=1)
    if fund.charity_fund_code:
        from minzheng.charity.services import fund_draw

        fund_draw(
            fund_code=fund.charity_fund_code,
            month=month,
            amount=amount,
            actor=actor,
            reference=f"funds:{reference}",
            source_line="jishijiu",
            purpose=note,
        )
    entry = FundEntry.objects.create(
        fund=fund,
        kind=EntryKind.SPENDING,
        spending_line=line,
        status=EntryStatus.CONFIRMED,
        amount=amount,
        month=month,
        booked_on=timezone.localdate(),
        note=note[:200],
        reference=reference,
        enrolment=enrolment,
        recorded_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "entry", entry.pk, fund.county_code, f"{note}：支出{amount}元")
    return entry


def _grant_paid() -> QuerySet[FundEntry]:
    return FundEntry.objects.filter(
        kind=EntryKind.SPENDING, spending_line=SpendingLine.GRANT, enrolment_id=OuterRef("enrolment_id")
    )


@transaction.atomic
def payroll_fund(*, actor: Any, run: PayrollRun, lines: QuerySet[PayrollLine]) -> list[FundEntry]:
    """The payroll hook (`benefits.funding`, every programme): when a county's roll is checked, each line
    gets its fund (the one a grant was already paid from, else the county's default for its programme), and
    each fund pays its lines' sum once. A fund short of money refuses the check; nothing is frozen."""
    lines = lines.filter(run=run)
    grant_lines = lines.filter(kind=LineKind.REGULAR).filter(Exists(_grant_paid()))
    grant_lines.update(fund=Subquery(_grant_paid().values("fund_id")[:1]))
    defaults = FundDefault.objects.filter(county_code=run.county_code, programme=OuterRef("programme"))
    lines.filter(fund__isnull=True).filter(Exists(defaults)).update(
        fund=Subquery(defaults.values("fund_id")[:1])
    )
    totals = (
        lines.filter(fund__isnull=False)
        .exclude(pk__in=grant_lines.values("pk"))
        .values("fund_id")
        .annotate(total=Sum("amount"))
        .order_by("fund_id")
    )
    funds = Fund.objects.in_bulk([t["fund_id"] for t in totals])
    drawn = []
    for t in totals:  # one row per fund, never per line
        if t["total"] <= 0:
            continue
        drawn.append(
            fund_spend(
                actor=actor,
                fund=funds[t["fund_id"]],
                amount=Decimal(t["total"]),
                month=run.month,
                line=SpendingLine.PAYROLL,
                reference=f"payroll:{run.pk}",
                note=f"{run.month:%Y年%m月}发放名册",
            )
        )
    return drawn


@transaction.atomic
def grant_fund(*, actor: Any, enrolment: Enrolment, fund_id: int | None) -> FundEntry | None:
    """A one-off grant (temporary assistance) is paid from the fund chosen on it, else the county's default
    for the programme; with neither, nothing is booked. Refused beyond the fund's balance."""
    county = enrolment.region_code[:6]
    if fund_id:
        fund = Fund.objects.filter(pk=fund_id, county_code=county, active=True).first()
        if fund is None:
            raise ValidationError("所选资金不是本县在用的救助资金")
    else:
        fund = selectors.default_fund(programme=enrolment.programme, county_code=county)
        if fund is None:
            return None
    return fund_spend(
        actor=actor,
        fund=fund,
        amount=Decimal(enrolment.monthly_amount),
        month=enrolment.first_month,
        line=SpendingLine.GRANT,
        reference=f"grant:{enrolment.pk}",
        note=f"{enrolment.get_programme_display()}（{enrolment.first_month:%Y年%m月}）",
        enrolment=enrolment,
    )


# ---------------------------------------------------------------- recovered money: back into the fund
@transaction.atomic
def recovery_book(
    *,
    actor: Any,
    programme: str,
    region_code: str,
    amount: Decimal,
    received_on: dt.date,
    reference: str,
    note: str,
    lines: QuerySet[PayrollLine],
) -> FundEntry | None:
    """The refund hook (`benefits.funding.refund_book`): an amount recovered for a programme is booked as
    income of the fund that paid it (the fund of the latest payroll line it was paid on, else the county's
    default for the programme), pending until another person confirms it. With no fund it waits as a
    待入账追回款 (`WaitingRecovery`) until the county sets one (`recoveries_catch_up`). The same reference
    books once."""
    require_actor(actor)
    county = region_code[:6]
    paid = lines.filter(fund__isnull=False, fund__county_code=county).order_by("-month", "-pk")
    fund_id = paid.values_list("fund_id", flat=True).first()
    fund = Fund.objects.filter(pk=fund_id).first() if fund_id else None
    fund = fund or selectors.default_fund(programme=programme, county_code=county)
    if fund is None:
        _recovery_wait(
            actor=actor,
            programme=programme,
            county=county,
            amount=_money(amount, "追回金额"),
            received_on=received_on,
            reference=reference,
            note=note,
        )
        return None
    return _recovery_entry(
        actor=actor,
        fund=fund,
        programme=programme,
        amount=amount,
        received_on=received_on,
        reference=reference,
        note=note,
    )


def _recovery_wait(
    *,
    actor: Any,
    programme: str,
    county: str,
    amount: Decimal,
    received_on: dt.date,
    reference: str,
    note: str,
) -> None:
    waiting, created = WaitingRecovery.objects.get_or_create(
        reference=reference,
        defaults={
            "programme": programme,
            "county_code": county,
            "amount": amount,
            "received_on": received_on,
            "note": note[:200],
            "recorded_by": actor,
        },
    )
    if created:
        _audit(
            actor,
            AuditEvent.CREATE,
            "waiting",
            waiting.pk,
            county,
            f"{selectors.programme_label(programme)}追回款{amount}元待入账（本县尚无该项目的资金）",
            reference=reference,
        )


def _recovery_entry(
    *,
    actor: Any,
    fund: Fund,
    programme: str,
    amount: Decimal,
    received_on: dt.date,
    reference: str,
    note: str,
) -> FundEntry:
    amount = _money(amount, "追回金额")
    earlier = FundEntry.objects.filter(fund=fund, reference=reference).first()
    if earlier is not None:
        return earlier
    entry = FundEntry.objects.create(
        fund=fund,
        kind=EntryKind.INCOME,
        income_kind=IncomeKind.RECOVERY,
        status=EntryStatus.PENDING,
        amount=amount,
        month=received_on.replace(day=1),
        booked_on=received_on,
        note=note[:200],
        reference=reference,
        programme=programme,
        recorded_by=actor,
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "entry",
        entry.pk,
        fund.county_code,
        f"{selectors.programme_label(programme)}追回款{amount}元入{fund.name}（待复核）",
        reference=reference,
    )
    return entry


@transaction.atomic
def recoveries_catch_up(*, actor: Any, programme_code: str, county_code: str) -> list[FundEntry]:
    """Book the county's 待入账追回款 of a programme now that it has a fund for it (called when the default
    fund is set). They book into the county's default fund for the programme: no fund of the county paid
    that money (it had none when the money was paid or recovered), the default fund is the one that pays the
    programme there now, so the recovered money goes back to the programme's money in the county that
    recovered it. Each is pending income made by the person who recorded the repayment and confirmed by
    another, as any recovery. A handful of rows of one county and programme."""
    fund = selectors.default_fund(programme=programme_code, county_code=county_code)
    if fund is None:
        return []
    waiting = WaitingRecovery.objects.select_for_update().filter(
        programme=programme_code, county_code=county_code, entry__isnull=True
    )
    booked, first = [], None
    for w in waiting.select_related("recorded_by").order_by("pk"):
        first = first or w.pk
        entry = _recovery_entry(
            actor=w.recorded_by,
            fund=fund,
            programme=w.programme,
            amount=w.amount,
            received_on=w.received_on,
            reference=w.reference,
            note=w.note,
        )
        w.entry = entry
        w.save(update_fields=["entry"])
        booked.append(entry)
    if booked:
        _audit(
            actor,
            AuditEvent.UPDATE,
            "waiting",
            first or 0,
            county_code,
            f"{len(booked)}笔待入账追回款入{fund.name}（待复核）",
            programme=programme_code,
        )
    return booked
