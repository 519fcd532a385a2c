"""Reads of the funds line (take the actor; region-scoped). A balance is one aggregate over the ledger
(never a loop over its lines); a fund of the charity line reads its balance there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from minzheng.accounts.makecheck import is_other_person
from minzheng.accounts.permissions import can, scoped
from minzheng.core.todos import Item, Todo
from minzheng.programmes.registry import programme_name

from .models import EntryKind, EntryStatus, Fund, FundDefault, FundEntry, IncomeKind, WaitingRecovery

READ, MANAGE = "funds.read", "funds.manage"
ZERO = Decimal("0.00")
SERVICE = "service"  # FundDefault.programme of the services bought for social assistance
# FundDefault.programme of the care services bought for special-difficulty families (seed 001): not a payable
# programme (no payroll line), a service settled per provider and month like SERVICE
SPECIAL_CARE = "sf_care"
BOUGHT_SERVICES = {SERVICE: "社会救助服务类（物质+服务）", SPECIAL_CARE: "特殊困难家庭照护服务"}
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)

_INCOME = Q(entries__kind=EntryKind.INCOME, entries__status=EntryStatus.CONFIRMED)
_SPENT = Q(entries__kind=EntryKind.SPENDING)
_PENDING = Q(entries__kind=EntryKind.INCOME, entries__status=EntryStatus.PENDING)


def programme_label(code: str) -> str:
    return BOUGHT_SERVICES.get(code) or programme_name(code)


def _cents(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def with_totals(qs: QuerySet[Fund]) -> QuerySet[Fund]:
    """Income confirmed, spent and pending income per fund: one grouped query."""
    zero = Value(ZERO, output_field=_MONEY)
    return qs.annotate(
        income=Coalesce(Sum("entries__amount", filter=_INCOME), zero, output_field=_MONEY),
        spent=Coalesce(Sum("entries__amount", filter=_SPENT), zero, output_field=_MONEY),
        pending=Coalesce(Sum("entries__amount", filter=_PENDING), zero, output_field=_MONEY),
    )


def charity_balance(fund: Fund) -> Decimal:
    from minzheng.charity.selectors import fund_balance

    return _cents(fund_balance(fund_code=fund.charity_fund_code))


def balance(fund: Fund) -> Decimal:
    """What the fund may still pay: confirmed income less spending (the charity fund's free balance for a
    fund kept by the charity line)."""
    if fund.charity_fund_code:
        return charity_balance(fund)
    row = with_totals(Fund.objects.filter(pk=fund.pk)).get()
    return _cents(row.income) - _cents(row.spent)  # type: ignore[attr-defined]


def fund_list(*, actor: Any, county: str = "", source: str = "") -> list[Fund]:
    qs = with_totals(scoped(READ, Fund.objects.all(), actor, field="county_code"))
    if county:
        qs = qs.filter(county_code__startswith=county)
    if source:
        qs = qs.filter(source=source)
    funds = list(qs.order_by("county_code", "source", "pk"))
    # the funds kept by the charity line read their balances there, all in one query
    codes = [f.charity_fund_code for f in funds if f.charity_fund_code]
    charity: dict[str, Decimal] = {}
    if codes:
        from minzheng.charity.selectors import fund_balances

        charity = fund_balances(fund_codes=codes)
    for f in funds:
        f.income, f.spent, f.pending = _cents(f.income), _cents(f.spent), _cents(f.pending)  # type: ignore[attr-defined]
        f.balance = (  # type: ignore[attr-defined]
            _cents(charity.get(f.charity_fund_code)) if f.charity_fund_code else f.income - f.spent  # type: ignore[attr-defined]
        )
    return funds


def fund_get(*, actor: Any, pk: int) -> Fund:
    fund = scoped(READ, Fund.objects.filter(pk=pk), actor, field="county_code").first()
    if fund is None:
        raise Http404("资金不存在")
    return fund


def ledger_by_month(fund: Fund, *, closing: Decimal) -> tuple[Decimal, list[dict[str, Any]]]:
    """Income (confirmed) and spending per month, with the running balance from the opening balance, so the
    last month ends at the fund's balance `closing`. For a fund kept by the charity line the donations are
    booked there, not here: its opening balance is what the charity fund held apart from the months shown."""
    zero = Value(ZERO, output_field=_MONEY)
    rows = list(
        FundEntry.objects.filter(fund=fund)
        .exclude(status__in=(EntryStatus.PENDING, EntryStatus.REJECTED), kind=EntryKind.INCOME)
        .values("month")
        .annotate(
            income=Coalesce(Sum("amount", filter=Q(kind=EntryKind.INCOME)), zero, output_field=_MONEY),
            spent=Coalesce(Sum("amount", filter=Q(kind=EntryKind.SPENDING)), zero, output_field=_MONEY),
        )
        .order_by("month")
    )
    for r in rows:
        r["income"], r["spent"] = _cents(r["income"]), _cents(r["spent"])
    opening = _cents(closing) - sum((r["income"] - r["spent"] for r in rows), ZERO)
    running = opening
    for r in rows:
        running += r["income"] - r["spent"]
        r["balance"] = running
    return opening, rows


def entries(*, fund: Fund, kind: str = "") -> QuerySet[FundEntry]:
    qs = FundEntry.objects.filter(fund=fund).select_related("recorded_by", "checked_by")
    if kind in EntryKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-booked_on", "-pk")


def entry_get(*, actor: Any, pk: int) -> FundEntry:
    entry = FundEntry.objects.filter(
        pk=pk, fund__in=scoped(READ, Fund.objects.all(), actor, field="county_code")
    ).first()
    if entry is None:
        raise Http404("收支记录不存在")
    return entry


def entry_actions(*, actor: Any, entry: FundEntry) -> list[str]:
    """What the page offers on an income entry: confirm/reject by another person holding manage."""
    if entry.kind != EntryKind.INCOME or entry.status != EntryStatus.PENDING:
        return []
    if not can(actor, MANAGE, region_code=entry.fund.county_code) or not is_other_person(
        actor, entry.recorded_by_id
    ):
        return []
    return ["confirm", "reject"]


def recovered(*, actor: Any, county: str = "") -> list[dict[str, Any]]:
    """Recovered money confirmed into the funds in the actor's scope, by programme and month (one grouped
    query), newest month first, with the programme named."""
    qs = FundEntry.objects.filter(
        kind=EntryKind.INCOME,
        income_kind=IncomeKind.RECOVERY,
        status=EntryStatus.CONFIRMED,
        fund__in=scoped(READ, Fund.objects.all(), actor, field="county_code"),
    )
    if county:
        qs = qs.filter(fund__county_code__startswith=county)
    rows = list(
        qs.values("programme", "month")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("-month", "programme")
    )
    for r in rows:
        r["total"] = _cents(r["total"])
        r["programme_name"] = programme_label(r["programme"]) if r["programme"] else "未注明项目"
    return rows


def waiting_recoveries(*, actor: Any, permission: str = READ, county: str = "") -> QuerySet[WaitingRecovery]:
    """待入账追回款 in the actor's scope: recovered while the county had no fund for the programme, not yet
    booked (they book when the county sets a fund for the programme)."""
    qs = scoped(permission, WaitingRecovery.objects.filter(entry__isnull=True), actor, field="county_code")
    if county:
        qs = qs.filter(county_code__startswith=county)
    return qs.order_by("county_code", "programme", "pk")


def defaults(*, actor: Any) -> QuerySet[FundDefault]:
    return (
        scoped(READ, FundDefault.objects.all(), actor, field="county_code")
        .select_related("fund")
        .order_by("county_code", "programme")
    )


def default_fund(*, programme: str, county_code: str) -> Fund | None:
    qs = FundDefault.objects.filter(programme=programme, county_code=county_code)
    row = qs.select_related("fund").first()
    return row.fund if row else None


def fund_choices(*, actor: Any, region_code: str) -> list[tuple[int, str]]:
    """The active funds of the county of `region_code` (a grant's choice), as people read them."""
    qs = Fund.objects.filter(county_code=region_code[:6], active=True).order_by("source", "pk")
    return [(f.pk, f"{f.name}（{f.get_source_display()}）") for f in qs]


def pending_todo(actor: Any, on: dt.date) -> Todo:
    """Income entries waiting for a second person: one count query and one for the first five."""
    from django.urls import reverse

    qs = (
        FundEntry.objects.filter(
            kind=EntryKind.INCOME,
            status=EntryStatus.PENDING,
            fund__in=scoped(MANAGE, Fund.objects.all(), actor, field="county_code"),
        )
        .exclude(recorded_by=actor)
        .select_related("fund")
        .order_by("pk")
    )
    return Todo(
        key="funds-income-check",
        title="救助资金收入待复核",
        count=qs.count(),
        url=reverse("funds-list"),
        items=[
            Item(label=e.fund.name, url=reverse("funds-fund", args=[e.fund_id]), note=f"{e.amount}元")
            for e in qs[:5]
        ],
        empty="无待复核收入",
    )


def waiting_todo(actor: Any, on: dt.date) -> Todo:
    """The fund keeper's 待入账追回款: set a fund for the programme and they book. One count query and one
    for the first five."""
    from django.urls import reverse

    qs = waiting_recoveries(actor=actor, permission=MANAGE)
    first = list(qs[:5])
    names = county_names([w.county_code for w in first])
    return Todo(
        key="funds-waiting-recoveries",
        title="待入账追回款（请为该项目设定本县资金）",
        count=qs.count(),
        url=reverse("funds-list") + "#funds-waiting",
        items=[
            Item(
                label=f"{names.get(w.county_code, w.county_code)} {programme_label(w.programme)}",
                url=reverse("funds-list") + "#funds-waiting",
                note=f"{w.amount}元",
            )
            for w in first
        ],
        empty="无待入账追回款",
    )


def counties(*, actor: Any, permission: str = READ) -> list[tuple[str, str]]:
    """The counties in the actor's scope under `permission`, (code, name)."""
    from minzheng.regions.models import Region

    qs = scoped(permission, Region.objects.filter(level="county"), actor, field="code").order_by("code")
    return list(qs.values_list("code", "name"))


def county_names(codes: list[str]) -> dict[str, str]:
    from minzheng.regions.selectors import region_labels

    return {code: name for code, (name, _full) in region_labels(codes).items()}


def programme_choices() -> list[tuple[str, str]]:
    """The payable programmes and the bought services: what a default fund may be set for."""
    from minzheng.programmes.registry import programmes

    rows = [(p.code, p.name) for p in programmes() if p.payable]
    return [*rows, *BOUGHT_SERVICES.items()]


def export_rows(*, fund: Fund) -> list[list[Any]]:
    return [
        [
            e.booked_on,
            e.month.strftime("%Y-%m"),
            e.get_kind_display(),
            e.get_income_kind_display() if e.kind == EntryKind.INCOME else e.get_spending_line_display(),
            e.amount,
            e.get_status_display(),
            e.note,
            e.recorded_by.display_name,
            e.checked_by.display_name if e.checked_by else "",
        ]
        for e in entries(fund=fund)
    ]
