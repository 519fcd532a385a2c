"""Reads of the credit line; every read is region-scoped under `credit.read` (out of scope reads as
missing). The actions a page offers come from here, not from template conditions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.accounts.permissions import can, scoped
from minzheng.accounts.scoping import actor_prefix
from minzheng.core.labels import region_names
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Household, Membership, Person
from minzheng.people.selectors import head_name
from minzheng.regions.models import Region, RegionLevel

from .models import (
    Account,
    Council,
    EventKind,
    Filing,
    FilingStatus,
    Fund,
    FundEntry,
    FundStatus,
    Goods,
    Norm,
    PointRecord,
    PointRule,
    RecordStatus,
    Redemption,
)

READ = "credit.read"
RULES = "credit.rules"
RULE_ADJUST = "credit.rule_adjust"
RECORD = "credit.record"
APPROVE = "credit.approve"
STORE = "credit.store"
CUSTOMS = "credit.customs"
FIRST = 5


def is_village(code: str) -> bool:
    return bool(code) and Region.objects.filter(code=code, level=RegionLevel.VILLAGE).exists()


def own_village(actor: Any) -> str:
    """The actor's village when the actor works in one (a village assistant), else ""."""
    prefix = actor_prefix(actor) or ""
    return prefix if len(prefix) == 12 else ""


# ------------------------------------------------------------------ households


def households(*, actor: Any, q: str = "", village: str = "") -> QuerySet[Household]:
    """Households in scope, found by number or by a current member's name; with the head and the balance."""
    qs = scoped(READ, Household.objects.all(), actor)
    if village:
        qs = qs.filter(region_code__startswith=village)
    q = q.strip()
    if q:
        named = Membership.objects.filter(end_date__isnull=True, person__name__contains=q).values(
            "household_id"
        )
        qs = qs.filter(Q(number__startswith=q) | Q(pk__in=named))
    return qs.annotate(
        head_name=head_name("pk"),
        village_name=F("region__name"),
        balance=Coalesce("credit_account__balance", Value(0), output_field=IntegerField()),
        earned=Coalesce("credit_account__earned", Value(0), output_field=IntegerField()),
    ).order_by("number", "pk")


def household_get(*, actor: Any, household_id: int) -> Household | None:
    return households(actor=actor).filter(pk=household_id).first()


def household_page(*, actor: Any, household: Household) -> dict[str, Any]:
    code = household.region_code
    records = (
        PointRecord.objects.filter(household=household)
        .select_related("rule", "person", "recorded_by", "decided_by")
        .order_by("-occurred_on", "-pk")[:50]
    )
    members = list(  # the living members: points are earned by the living (the walk was offered the dead)
        Membership.objects.filter(household=household, end_date__isnull=True, person__is_alive=True)
        .select_related("person")
        .order_by("pk")
    )
    may_record = can(actor, RECORD, region_code=code)
    may_redeem = can(actor, STORE, region_code=code)
    return {
        "household": household,
        "records": list(records),
        "redemptions": list(
            Redemption.objects.filter(household=household).select_related("goods").order_by("-pk")[:20]
        ),
        "members": members,
        "rules": list(village_rules(region_code=code).filter(active=True)) if may_record else [],
        "goods": list(Goods.objects.filter(region_code=code, active=True, stock__gt=0)) if may_redeem else [],
        "may_record": may_record,
        "may_redeem": may_redeem,
        "pending": sum(r.points for r in records if r.status == RecordStatus.PENDING),
    }


def person_panel(*, actor: Any, person: Person) -> dict[str, Any] | None:
    """The person's household's credit on the person page (none when out of scope or no household)."""
    if not can(actor, READ, region_code=person.region_code):
        return None
    m = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    if m is None:
        return None
    account = Account.objects.filter(household_id=m.household_id).first()
    recent = list(
        PointRecord.objects.filter(household_id=m.household_id, status=RecordStatus.APPROVED)
        .select_related("rule")
        .order_by("-occurred_on", "-pk")[:5]
    )
    return {
        "household": m.household,
        "earned": account.earned if account else 0,
        "balance": account.balance if account else 0,
        "recent": recent,
    }


# ------------------------------------------------------------------ rules


def village_rules(*, region_code: str) -> QuerySet[PointRule]:
    return PointRule.objects.filter(region_code=region_code, template__isnull=False).select_related(
        "template"
    )


def rules_page(*, actor: Any, region: str) -> dict[str, Any]:
    """The township's templates and, when a village is chosen, its copies, with what the actor may do."""
    township = region[:9] if len(region) >= 9 else ""
    templates = scoped(READ, PointRule.objects.filter(template__isnull=True), actor)
    templates = templates.filter(region_code=township) if township else templates.none()
    village = region if len(region) == 12 else ""
    copies = scoped(READ, village_rules(region_code=village), actor) if village else PointRule.objects.none()
    return {
        "township": township,
        "village": village,
        "templates": list(templates.order_by("category", "name")),
        "copies": list(copies.order_by("category", "name")),
        "may_template": bool(township) and can(actor, RULES, region_code=township),
        "may_adjust": bool(village) and can(actor, RULE_ADJUST, region_code=village),
    }


def rule_get(*, actor: Any, rule_id: int) -> PointRule | None:
    return scoped(READ, PointRule.objects.select_related("template"), actor).filter(pk=rule_id).first()


# ------------------------------------------------------------------ records


def records(*, actor: Any, status: str = "", village: str = "") -> QuerySet[PointRecord]:
    qs = scoped(READ, PointRecord.objects.all(), actor).select_related(
        "household", "rule", "person", "recorded_by"
    )
    if status:
        qs = qs.filter(status=status)
    if village:
        qs = qs.filter(region_code__startswith=village)
    return qs.annotate(head_name=head_name()).order_by("recorded_at", "pk")


def pending_records(*, actor: Any) -> QuerySet[PointRecord]:
    if not can(actor, APPROVE):
        return PointRecord.objects.none()
    return records(actor=actor, status=RecordStatus.PENDING)


def record_get(*, actor: Any, record_id: int) -> PointRecord | None:
    return scoped(READ, PointRecord.objects.select_related("household"), actor).filter(pk=record_id).first()


def ranking(*, actor: Any, village: str = "") -> QuerySet[Account]:
    """村积分排行: households by approved points (ties by balance)."""
    qs = scoped(READ, Account.objects.all(), actor).select_related("household")
    if village:
        qs = qs.filter(region_code__startswith=village)
    return qs.annotate(head_name=head_name()).order_by("-earned", "-balance", "household__number")


# ------------------------------------------------------------------ supermarket and fund


def goods(*, actor: Any, village: str) -> QuerySet[Goods]:
    qs = scoped(READ, Goods.objects.all(), actor)
    return qs.filter(region_code=village) if village else qs.none()


def goods_get(*, actor: Any, goods_id: int) -> Goods | None:
    return scoped(READ, Goods.objects.all(), actor).filter(pk=goods_id).first()


def redemption_get(*, actor: Any, redemption_id: int) -> Redemption | None:
    return (
        scoped(READ, Redemption.objects.select_related("household", "goods", "handled_by"), actor)
        .annotate(head_name=head_name())
        .filter(pk=redemption_id)
        .first()
    )


def fund_page(*, actor: Any, village: str) -> dict[str, Any]:
    entries = scoped(READ, FundEntry.objects.select_related("goods", "recorded_by", "confirmed_by"), actor)
    entries = entries.filter(region_code=village) if village else entries.none()
    fund = scoped(READ, Fund.objects.all(), actor).filter(region_code=village).first() if village else None
    confirmed = entries.filter(status=FundStatus.CONFIRMED).aggregate(
        income=Coalesce(Sum("amount", filter=Q(kind="donation")), Value(Decimal(0))),
        spent=Coalesce(Sum("amount", filter=Q(kind="purchase")), Value(Decimal(0))),
    )
    return {
        "village": village,
        "balance": fund.balance if fund else Decimal(0),
        "income": confirmed["income"],
        "spent": confirmed["spent"],
        "entries": entries.order_by("-entry_date", "-pk"),
        "may_record": bool(village) and can(actor, STORE, region_code=village),
    }


def pending_fund(*, actor: Any) -> QuerySet[FundEntry]:
    if not can(actor, APPROVE):
        return FundEntry.objects.none()
    return (
        scoped(READ, FundEntry.objects.select_related("goods", "recorded_by"), actor)
        .filter(status=FundStatus.PENDING)
        .order_by("recorded_at", "pk")
    )


def fund_entry_get(*, actor: Any, entry_id: int) -> FundEntry | None:
    return scoped(READ, FundEntry.objects.all(), actor).filter(pk=entry_id).first()


# ------------------------------------------------------------------ 移风易俗


def norm_in_force(*, region_code: str, kind: str, on: dt.date) -> Norm | None:
    return (
        Norm.objects.filter(region_code=region_code, kind=kind, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def customs_page(*, actor: Any, village: str) -> dict[str, Any]:
    council = (
        scoped(READ, Council.objects.all(), actor).filter(region_code=village).first() if village else None
    )
    norms = (
        scoped(READ, Norm.objects.all(), actor).filter(region_code=village)
        if village
        else Norm.objects.none()
    )
    return {
        "village": village,
        "council": council,
        "norms": list(norms.order_by("kind", "-effective_from")),
        "may_edit": bool(village) and can(actor, CUSTOMS, region_code=village),
    }


def filings(*, actor: Any, village: str = "", kind: str = "", over: str = "") -> QuerySet[Filing]:
    qs = scoped(READ, Filing.objects.select_related("norm"), actor)
    if village:
        qs = qs.filter(region_code__startswith=village)
    if kind:
        qs = qs.filter(kind=kind)
    if over == "1":
        qs = qs.filter(over_norm=True)
    return qs.order_by("-event_date", "-pk")


def filing_get(*, actor: Any, filing_id: int) -> Filing | None:
    return (
        filings(actor=actor)
        .select_related("funeral_case", "person", "advised_by")
        .filter(pk=filing_id)
        .first()
    )


def funeral_case_url(*, actor: Any, filing: Filing) -> str:
    """The funeral line's case page, when the actor may read it (the funeral line scopes it)."""
    if filing.funeral_case_id is None:
        return ""
    from minzheng.funeral.selectors import case_get

    case = case_get(actor=actor, pk=filing.funeral_case_id)
    return reverse("funeral-case", args=[case.pk]) if case else ""


def customs_stats(*, actor: Any, year: int) -> list[dict[str, Any]]:
    """Per township: events filed in the year, the over-norm share, and simplified funerals (one query)."""
    rows = (
        scoped(READ, Filing.objects.filter(event_date__year=year), actor)
        .annotate(town=Substr("region_code", 1, 9))
        .values("town")
        .annotate(
            events=Count("pk"),
            weddings=Count("pk", filter=Q(kind=EventKind.WEDDING)),
            funerals=Count("pk", filter=Q(kind=EventKind.FUNERAL)),
            over=Count("pk", filter=Q(over_norm=True)),
            simplified=Count("pk", filter=Q(kind=EventKind.FUNERAL, simplified=True)),
        )
        .order_by("town")
    )
    found: list[dict[str, Any]] = list(rows)
    names = region_names(r["town"] for r in found)
    out = []
    for r in found:
        r["name"] = names.get(r["town"], "")
        r["over_share"] = round(100 * r["over"] / r["events"]) if r["events"] else 0
        out.append(r)
    return out


# ------------------------------------------------------------------ 首页 to-dos (O(1) queries per card)


def _first(qs: Any) -> tuple[int, list[Any]]:
    first = list(qs[:FIRST])
    return (len(first) if len(first) < FIRST else qs.count()), first


def todo_points(actor: Any, on: dt.date) -> Todo:
    n, rows = _first(pending_records(actor=actor).exclude(recorded_by=actor))
    items = [
        Item(
            label=f"{r.head_name or r.household.number} · {r.rule.name}",
            url=reverse("credit-approve"),
            note=f"{r.points:+d}",
        )
        for r in rows
    ]
    return Todo(
        "credit_points", _("待审核的信用积分"), n, reverse("credit-approve"), items, _("无待审核积分")
    )


def todo_fund(actor: Any, on: dt.date) -> Todo:
    n, rows = _first(pending_fund(actor=actor).exclude(recorded_by=actor))
    items = [
        Item(
            label=f"{e.get_kind_display()} · {e.counterparty}",
            url=reverse("credit-approve"),
            note=f"{e.amount}元",
        )
        for e in rows
    ]
    return Todo(
        "credit_fund", _("待确认的信用基金收支"), n, reverse("credit-approve"), items, _("无待确认收支")
    )


def todo_filings(actor: Any, on: dt.date) -> Todo:
    qs = filings(actor=actor).filter(status=FilingStatus.FILED)
    n, rows = _first(qs)
    items = [
        Item(
            label=f"{f.family} · {f.get_kind_display()}",
            url=reverse("credit-filing", args=[f.pk]),
            note=_("超标准") if f.over_norm else "",
        )
        for f in rows
    ]
    return Todo(
        "credit_filings", _("待提出意见的红白事报备"), n, reverse("credit-filings"), items, _("无待办报备")
    )


def may_store(*, actor: Any, village: str) -> bool:
    return bool(village) and can(actor, STORE, region_code=village)


def may_customs(*, actor: Any, village: str) -> bool:
    return bool(village) and can(actor, CUSTOMS, region_code=village)


def member_named(*, household: Household, name: str) -> Person:
    from django.core.exceptions import ValidationError

    m = (
        Membership.objects.filter(household=household, person__name=name.strip())
        .select_related("person")
        .order_by("end_date", "-pk")
        .first()
    )
    if m is None:
        raise ValidationError("该家庭中没有这个人")
    return m.person


def current_member(*, household: Household, person_id: int) -> Person:
    from django.core.exceptions import ValidationError

    m = (
        Membership.objects.filter(
            household=household, person_id=person_id, end_date__isnull=True, person__is_alive=True
        )
        .select_related("person")
        .first()
    )
    if m is None:
        raise ValidationError("该人员不是本户现有成员")
    return m.person
