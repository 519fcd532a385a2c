"""Reads of the visits line, all region-scoped: the special elders, the visitor's month, the visit-rate
report (set-based: one grouped query, no loop over elders), the missing-visits worklist, pairs without a
check-in, and the person-page panel."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr

from minzheng.accounts.permissions import can, scoped
from minzheng.elderly.models import SPECIAL_SITUATIONS, ElderProfile
from minzheng.people.models import Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.regions.models import Region

from .models import CheckIn, Pair, Raise, RaiseStatus, Visit, VisitorAssignment

READ = "elderly.registry_read"  # township clerk, county elderly officer, city: the elder registry
RECORD = "elderly.visit_record"


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def born_by(on: dt.date) -> dt.date:
    """The latest birth date of someone aged 60 or more on `on` (29 Feb births turn 60 on 28 Feb)."""
    try:
        return on.replace(year=on.year - 60)
    except ValueError:
        return on.replace(year=on.year - 60, day=28)


def special_elders(*, on: dt.date) -> QuerySet[ElderProfile]:
    """特殊困难老年人 on `on`: alive, 60 or more, living alone / empty nest / left behind / special family.
    Unscoped: callers scope it."""
    return ElderProfile.objects.filter(
        living_situation__in=SPECIAL_SITUATIONS, person__is_alive=True, person__birth_date__lte=born_by(on)
    )


def _visited_in(start: dt.date, end: dt.date) -> QuerySet[Visit, Any]:
    """The elders visited in [start, end], as an uncorrelated subquery: the database reads the month's
    visits once (index visit_day_elder, index-only) into a hash and probes it per elder, instead of one
    correlated EXISTS lookup per elder (16× a COUNT(*) at 200 k elders, bench/RESULTS.md)."""
    return Visit.objects.filter(visited_on__gte=start, visited_on__lte=end).values("elder_id")


def readable_elders(*, actor: Any, on: dt.date) -> QuerySet[ElderProfile]:
    """The special elders the actor may read: the registry readers' region, or the visitor's own region."""
    qs = special_elders(on=on)
    if can(actor, READ):
        return scoped(READ, qs, actor)
    return scoped(RECORD, qs, actor)


def may_read_elder(actor: Any, person: Person) -> bool:
    return can(actor, READ, region_code=person.region_code) or can(
        actor, RECORD, region_code=person.region_code
    )


def scoped_person(*, actor: Any, person_id: int) -> Person | None:
    """The person if the actor may read their visits record (None = answer 404 like a missing id)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not may_read_elder(actor, person):
        return None
    return person


def my_month(*, actor: Any, month: dt.date) -> QuerySet[ElderProfile]:
    """本月待探访: the elders assigned to the actor, unvisited first, with the month's last visit date."""
    start, end = month_bounds(month)
    last = Visit.objects.filter(elder_id=OuterRef("person_id"), visited_on__gte=start, visited_on__lte=end)
    return (
        scoped(RECORD, special_elders(on=end), actor)
        .filter(person__visitor_assignment__visitor=actor)
        .annotate(visited_on=Subquery(last.order_by("-visited_on").values("visited_on")[:1]))
        .select_related("person")
        .order_by(Coalesce("visited_on", dt.date(1900, 1, 1)), "region_code", "person__name", "pk")
    )


def unassigned(*, actor: Any, on: dt.date) -> QuerySet[ElderProfile]:
    """Special elders of the actor's region who have no visitor yet (the clerk's to-do)."""
    return (
        scoped("visits.assign", special_elders(on=on), actor)
        .filter(person__visitor_assignment__isnull=True)
        .select_related("person")
        .order_by("region_code", "person__name", "pk")
    )


@dataclass
class RateRow:
    code: str
    name: str
    total: int
    visited: int
    rate: Decimal | None
    met: bool
    townships: list[RateRow] = field(default_factory=list)


@dataclass
class RateReport:
    month: dt.date
    target: Decimal | None
    counties: list[RateRow]
    total: int
    visited: int


def _rate(visited: int, total: int) -> Decimal | None:
    return (Decimal(visited) / Decimal(total)).quantize(Decimal("0.0001")) if total else None


def rate_rows(*, actor: Any, month: dt.date) -> QuerySet[ElderProfile, dict[str, Any]]:
    """One row per township: its special elders and how many of them were visited in the month (the
    statement bench/elderly.py explains)."""
    start, end = month_bounds(month)
    return (
        readable_elders(actor=actor, on=end)
        .annotate(town=Substr("region_code", 1, 9))
        .values("town")
        .annotate(total=Count("pk"), visited=Count("pk", filter=Q(person_id__in=_visited_in(start, end))))
        .order_by("town")
    )


def visit_rate(*, actor: Any, month: dt.date) -> RateReport:
    """月探访率 by township and county: one grouped query over the scoped special elders, the month's
    visits read once as a set (not an EXISTS per elder), one for the names of the places; the target is
    a policy figure."""
    start, end = month_bounds(month)
    rows = list(rate_rows(actor=actor, month=start))
    codes = {r["town"] for r in rows} | {r["town"][:6] for r in rows}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    try:
        ps = policy_resolve(
            on=end, region_code=(getattr(getattr(actor, "region", None), "code", "") or ""), hukou_type=""
        )
        target: Decimal | None = Decimal(str(ps.get("visits.monthly_rate_target")))
    except (PolicyMissing, KeyError):
        target = None
    counties: dict[str, RateRow] = {}
    for r in rows:  # one row per township, not per elder
        county = counties.setdefault(
            r["town"][:6], RateRow(r["town"][:6], names.get(r["town"][:6], r["town"][:6]), 0, 0, None, False)
        )
        rate = _rate(r["visited"], r["total"])
        county.townships.append(
            RateRow(
                r["town"], names.get(r["town"], r["town"]), r["total"], r["visited"], rate, _met(rate, target)
            )
        )
        county.total += r["total"]
        county.visited += r["visited"]
    for c in counties.values():
        c.rate = _rate(c.visited, c.total)
        c.met = _met(c.rate, target)
    total = sum(c.total for c in counties.values())
    visited = sum(c.visited for c in counties.values())
    return RateReport(
        month=start, target=target, counties=list(counties.values()), total=total, visited=visited
    )


def _met(rate: Decimal | None, target: Decimal | None) -> bool:
    return rate is not None and target is not None and rate >= target


def not_visited(*, actor: Any, month: dt.date, region: str = "") -> QuerySet[ElderProfile]:
    """The month's missing visits (本月未探访): the scoped special elders with no visit in the month, with
    their visitor; one query, paged by the caller."""
    start, end = month_bounds(month)
    qs = readable_elders(actor=actor, on=end).exclude(person_id__in=_visited_in(start, end))
    if region:
        qs = qs.filter(region_code__startswith=region)
    return qs.select_related(
        "person", "person__visitor_assignment", "person__visitor_assignment__visitor"
    ).order_by("region_code", "person__name", "pk")


def missed_days(*, on: dt.date, region_code: str = "") -> int:
    ps = policy_resolve(on=on, region_code=region_code, hukou_type="")
    return int(ps.get("visits.pair_missed_days"))


def pairs(*, actor: Any) -> QuerySet[Pair]:
    return (
        scoped(RECORD, Pair.objects.filter(ended_on__isnull=True), actor)
        .annotate(last_checkin=Max("checkins__checked_on"))
        .select_related("elder")
        .order_by("region_code", "elder__name", "pk")
    )


def pairs_silent(*, actor: Any, on: dt.date) -> QuerySet[Pair]:
    """Open pairs with no check-in for N days (policy key visits.pair_missed_days), counted from the pair's
    start when there is none yet: the village's to-do."""
    days = missed_days(on=on, region_code=getattr(getattr(actor, "region", None), "code", "") or "")
    since = on - dt.timedelta(days=days)
    recent = CheckIn.objects.filter(pair_id=OuterRef("pk"), checked_on__gt=since)
    return pairs(actor=actor).filter(started_on__lte=since).filter(~Exists(recent))


def open_raises(*, actor: Any) -> QuerySet[Raise]:
    return (
        scoped("visits.assign", Raise.objects.exclude(status=RaiseStatus.CLOSED), actor)
        .select_related("elder", "visit")
        .order_by("-created_at", "-pk")
    )


def visits_panel(*, actor: Any, person: Person, on: dt.date | None = None) -> dict[str, Any] | None:
    """The person page: the visitor, the last visits and what they found; None when nothing concerns
    them (not special, never visited) or the actor may not read it."""
    if not may_read_elder(actor, person):
        return None
    assignment = VisitorAssignment.objects.filter(elder=person).select_related("visitor").first()
    visits = list(Visit.objects.filter(elder=person).select_related("visitor")[:3])
    if assignment is None and not visits:
        return None
    pair = Pair.objects.filter(elder=person, ended_on__isnull=True).first()
    return {
        "elder_id": person.pk,
        "assignment": assignment,
        "visits": visits,
        "last": visits[0] if visits else None,
        "pair": pair,
    }


def visitors_for(*, actor: Any) -> list[Any]:
    """Accounts in the actor's region who may record visits (the assignment's choices)."""
    from django.contrib.auth import get_user_model

    from minzheng.accounts.permissions import roles_for

    return list(
        scoped(
            RECORD,
            get_user_model().objects.filter(is_active=True, role__in=roles_for(RECORD)),
            actor,
            field="region__code",
        )
        .select_related("region")
        .order_by("region__code", "username")
    )


def activity_after(*, person: Any, after: dt.date) -> list[str]:
    """The line's later-activity hook: visits to `person` recorded as made after `after`."""
    visits = Visit.objects.filter(elder=person, visited_on__gt=after).order_by("visited_on")[:3]
    return [f"{v.visited_on:%Y年%m月%d日}{v.get_mode_display()}探访" for v in visits]
