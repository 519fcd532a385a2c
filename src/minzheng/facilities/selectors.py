"""Reads of the facilities line: every list is region-scoped through `scoped`; out of scope is 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.permissions import can, scoped
from minzheng.benefits.models import Enrolment
from minzheng.core.todos import Item, Todo
from minzheng.elderly.levels import level_subquery
from minzheng.elderly.shares import care_share
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.regions.models import Region

from .models import (
    ADAPTATION_NEXT,
    INSTITUTIONS,
    Adaptation,
    AdaptationState,
    CareWorker,
    Draw,
    Facility,
    Grant,
    GrantKind,
    GrantState,
    Inspection,
    Outing,
    OutingState,
    Residency,
    Status,
)

READ = "facilities.read"


def placed(person_ref: Any = None) -> Exists:
    """集中供养 as the data says it: the person has an open stay in a care institution (入住 with no 出院).
    The one test of "centralised vs dispersed" for tekun — the centralisation targets (尚未集中供养) and the
    services bought for dispersed tekun (分散供养) both read it. `person_ref` defaults to the outer row's
    pk."""
    ref = person_ref if person_ref is not None else OuterRef("pk")
    return Exists(Residency.objects.filter(person_id=ref, discharged_on__isnull=True))  # type: ignore[misc]


LICENCE = {"due": "已过期或即将到期", "expiring": "即将到期", "expired": "已过期"}


def licence_warn_days(*, actor: Any, on: dt.date) -> int:
    """How many days before the end of a filing or licence it is flagged (policy facilities.licence_warn_days
    of the actor's region); a missing figure stops the list with a Chinese message."""
    region = getattr(getattr(actor, "region", None), "code", "") or ""
    try:
        return int(
            policy_resolve(on=on, region_code=region, hukou_type="").get("facilities.licence_warn_days")
        )
    except (PolicyMissing, KeyError) as e:
        raise ValidationError("缺少政策参数：养老机构备案（许可）有效期到期前提醒天数") from e


def licence_filter(qs: QuerySet[Facility], *, which: str, on: dt.date, days: int) -> QuerySet[Facility]:
    """已过期: the validity ended before `on`; 即将到期: it ends within `days`. Closed facilities never."""
    qs = qs.exclude(status=Status.CLOSED).filter(valid_to__isnull=False)
    if which == "expired":
        return qs.filter(valid_to__lt=on)
    if which == "due":
        return qs.filter(valid_to__lte=on + dt.timedelta(days=days))
    return qs.filter(valid_to__gte=on, valid_to__lte=on + dt.timedelta(days=days))


def facilities_for_actor(
    *, actor: Any, region: str = "", kind: str = "", status: str = "", q: str = "", licence: str = ""
) -> QuerySet[Facility]:
    qs = scoped(READ, Facility.objects.all(), actor)
    if licence in LICENCE:
        on = timezone.localdate()
        qs = licence_filter(qs, which=licence, on=on, days=licence_warn_days(actor=actor, on=on))
    if region.isdigit():
        qs = qs.filter(region_code__startswith=region)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        qs = qs.filter(Q(name__contains=q.strip()) | Q(operator__contains=q.strip()))
    return qs.annotate(
        residents=Count("stays", filter=Q(stays__discharged_on__isnull=True)),
    ).order_by("region_code", "name", "pk")


def facility_get(*, actor: Any, facility_id: int) -> Facility:
    f = scoped(READ, Facility.objects.all(), actor).filter(pk=facility_id).first()
    if f is None:
        raise Http404
    return f


def region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def residents_of(*, actor: Any, facility: Facility) -> QuerySet[Residency]:
    return (
        scoped(READ, Residency.objects.filter(facility=facility, discharged_on__isnull=True), actor)
        .select_related("person")
        .order_by("room", "pk")
    )


def residency_get(*, actor: Any, residency_id: int) -> Residency:
    r = (
        scoped(READ, Residency.objects.select_related("facility", "person"), actor)
        .filter(pk=residency_id)
        .first()
    )
    if r is None:
        raise Http404
    return r


def outing_get(*, actor: Any, outing_id: int) -> Outing:
    o = scoped(READ, Outing.objects.select_related("residency"), actor, field="residency__region_code")
    found = o.filter(pk=outing_id).first()
    if found is None:
        raise Http404
    return found


@dataclass
class ResidencyActions:
    record: bool
    outing_request: bool
    outing_decide: list[Outing]
    outing_return: list[Outing]
    discharge: bool


def residency_actions(*, actor: Any, residency: Residency) -> ResidencyActions:
    """What the resident's page offers this actor (the template shows exactly these)."""
    open_ = residency.discharged_on is None
    care = open_ and can(actor, "facilities.care_record", region_code=residency.region_code)
    outings = list(residency.outings.filter(state__in=(OutingState.REQUESTED, OutingState.APPROVED)))
    return ResidencyActions(
        record=care,
        outing_request=care and not outings,
        outing_decide=[
            o for o in outings if care and o.state == OutingState.REQUESTED and o.requested_by_id != actor.pk
        ],
        outing_return=[o for o in outings if care and o.state == OutingState.APPROVED],
        discharge=open_ and can(actor, "elderly.facility_manage", region_code=residency.region_code),
    )


@dataclass
class FeeRow:
    residency: Residency
    government: int
    self_pay: int
    note: str


def fee_shares(*, actor: Any, facility: Facility, month: dt.date) -> list[FeeRow]:
    """The month's institution fee split per resident (elderly.shares.care_share): the policy in force at
    the month's end for the facility's place and each resident's hukou."""
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    stays = (
        scoped(READ, Residency.objects.filter(facility=facility), actor)
        .filter(admitted_on__lte=end)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gte=month))
        .select_related("person")
        .order_by("room", "pk")
    )
    policies: dict[str, Any] = {}
    rows = []
    for r in stays:
        hk = r.person.hukou_type
        if hk not in policies:
            policies[hk] = policy_resolve(on=end, region_code=facility.region_code, hukou_type=hk)
        try:
            share = care_share(
                policies[hk].get,
                identity=r.identity,
                level=r.care_level,
                mode="institution",
                monthly_fee=Decimal(r.monthly_fee),
            )
        except PolicyMissing as e:
            rows.append(FeeRow(r, 0, 0, str(e)))
            continue
        rows.append(FeeRow(r, share.government_share, share.self_share, share.reasons[0][2]))
    return rows


# ------------------------------------------------------------------------------------------ city figures
@dataclass
class CountyFigures:
    code: str
    name: str
    beds_total: int
    beds_nursing: int
    nursing_share: Decimal | None
    tekun_willing: int
    tekun_willing_in: int
    tekun_unable: int
    tekun_unable_in: int

    @property
    def willing_rate(self) -> Decimal | None:
        return Decimal(self.tekun_willing_in) / self.tekun_willing if self.tekun_willing else None

    @property
    def unable_rate(self) -> Decimal | None:
        return Decimal(self.tekun_unable_in) / self.tekun_unable if self.tekun_unable else None

    def shown(self, targets: dict[str, Decimal]) -> list[tuple[str, bool | None]]:
        """The three shares as percentages, each with whether it meets its target (None: no base)."""
        out: list[tuple[str, bool | None]] = []
        for value, key in (
            (self.nursing_share, "nursing"),
            (self.willing_rate, "willing"),
            (self.unable_rate, "unable"),
        ):
            out.append(("—", None) if value is None else (pct(value), value >= targets[key]))
        return out


def pct(value: Decimal) -> str:
    return f"{value * 100:.1f}%"


def city_figures(*, actor: Any, on: dt.date) -> tuple[list[CountyFigures], CountyFigures, dict[str, Decimal]]:
    """By county and for the actor's whole area: the nursing-type bed share of the institutions in the
    registry, and tekun centralisation from the enrolments: of the tekun persons who chose 集中供养 (the
    decision's care mode) and of those unable to care for themselves (capability level at or above
    elderly_care.min_level), how many are resident in an institution now. A few grouped queries."""
    month = on.replace(day=1)
    beds = (
        scoped(READ, Facility.objects.filter(kind__in=INSTITUTIONS), actor)
        .exclude(status="closed")
        .values("region_code")
        .annotate(t=Sum("beds_total"), n=Sum("beds_nursing"))
    )
    target = policy_resolve(
        on=on, region_code=getattr(getattr(actor, "region", None), "code", "37"), hukou_type=""
    )
    min_level = int(target.get("elderly_care.min_level"))
    resident = Residency.objects.filter(person_id=OuterRef("person_id"), discharged_on__isnull=True)
    tekun = (
        scoped(READ, Enrolment.objects.filter(programme="tekun"), actor)
        .filter(first_month__lte=month)
        .filter(Q(last_month__isnull=True) | Q(last_month__gte=month))
        .annotate(
            inside=Exists(resident),
            # the latest RECORDED assessment's level, never a level typed elsewhere
            level=level_subquery(on, person_ref="person_id"),
        )
    )
    counties: dict[str, dict[str, int]] = {}

    def bucket(code: str) -> dict[str, int]:
        return counties.setdefault(code[:6], {"t": 0, "n": 0, "w": 0, "wi": 0, "u": 0, "ui": 0})

    for b in beds:
        c = bucket(b["region_code"])
        c["t"] += b["t"] or 0
        c["n"] += b["n"] or 0
    willing = (
        tekun.filter(tier__startswith="集中供养")
        .values("region_code")
        .annotate(k=Count("pk"), k_in=Count("pk", filter=Q(inside=True)))
    )
    for w in willing:
        c = bucket(w["region_code"])
        c["w"] += w["k"]
        c["wi"] += w["k_in"]
    unable = (
        tekun.filter(level__gte=min_level)
        .values("region_code")
        .annotate(k=Count("pk"), k_in=Count("pk", filter=Q(inside=True)))
    )
    for u in unable:
        c = bucket(u["region_code"])
        c["u"] += u["k"]
        c["ui"] += u["k_in"]
    names = region_names(set(counties))

    def make(code: str, name: str, c: dict[str, int]) -> CountyFigures:
        share = Decimal(c["n"]) / c["t"] if c["t"] else None
        return CountyFigures(code, name, c["t"], c["n"], share, c["w"], c["wi"], c["u"], c["ui"])

    rows = [make(code, names.get(code, code), c) for code, c in sorted(counties.items())]
    total = {k: sum(c[k] for c in counties.values()) for k in ("t", "n", "w", "wi", "u", "ui")}
    targets = {
        "nursing": target.get("facilities.nursing_bed_share_target"),
        "willing": target.get("facilities.tekun_willing_target"),
        "unable": target.get("facilities.tekun_unable_target"),
    }
    return rows, make("", "合计", total), targets


# ------------------------------------------------------------------------------------------ grants
def grants_for_actor(*, actor: Any, year: int) -> QuerySet[Grant]:
    return scoped(READ, Grant.objects.filter(year=year), actor).select_related("facility").order_by("-pk")


def grant_get(*, actor: Any, grant_id: int) -> Grant:
    g = scoped(READ, Grant.objects.select_related("facility"), actor).filter(pk=grant_id).first()
    if g is None:
        raise Http404
    return g


def grant_next_step(*, actor: Any, grant: Grant) -> str:
    """The label of the step this actor may take on the grant now, or "" (the page shows only that)."""
    if grant.state == GrantState.APPLIED and can(
        actor, "elderly.facility_manage", region_code=grant.region_code
    ):
        return "验收"
    if (
        grant.state == GrantState.INSPECTED
        and can(actor, "elderly.facility_manage", region_code=grant.region_code)
        and actor.pk not in (grant.applied_by_id, grant.inspected_by_id)
    ):
        return "审批"
    if (
        grant.state == GrantState.APPROVED
        and can(actor, "facilities.grant_pay", region_code=grant.region_code)
        and actor.pk != grant.approved_by_id
    ):
        return "拨付"
    return ""


def canteen_progress(*, actor: Any, year: int) -> tuple[int, int | None]:
    """Canteens with an approved or paid award this year, against the year's target (None if none)."""
    done = (
        scoped(READ, Grant.objects.filter(year=year, kind=GrantKind.CANTEEN), actor)
        .filter(state__in=(GrantState.APPROVED, GrantState.PAID))
        .count()
    )
    return done, _target("facilities.canteen_target", actor=actor, year=year)


def _target(key: str, *, actor: Any, year: int) -> int | None:
    code = getattr(getattr(actor, "region", None), "code", "")
    try:
        return int(policy_resolve(on=dt.date(year, 12, 31), region_code=code, hukou_type="").get(key))
    except PolicyMissing:
        return None


def adaptations_for_actor(*, actor: Any, year: int) -> QuerySet[Adaptation]:
    return scoped(READ, Adaptation.objects.filter(year=year), actor).select_related("person").order_by("-pk")


def adaptation_get(*, actor: Any, adaptation_id: int) -> Adaptation:
    a = scoped(READ, Adaptation.objects.select_related("person"), actor).filter(pk=adaptation_id).first()
    if a is None:
        raise Http404
    return a


def adaptation_next_step(*, actor: Any, adaptation: Adaptation) -> str:
    nxt = ADAPTATION_NEXT.get(AdaptationState(adaptation.state))
    if nxt is None:
        return ""
    if nxt == AdaptationState.PAID:
        ok = can(actor, "facilities.grant_pay", region_code=adaptation.region_code)
        return "拨付" if ok and actor.pk != adaptation.accepted_by_id else ""
    if not can(actor, "elderly.facility_manage", region_code=adaptation.region_code):
        return ""
    return {
        AdaptationState.ASSESSED: "评估",
        AdaptationState.WORKS: "开工",
        AdaptationState.ACCEPTED: "验收",
    }[nxt]


def adaptation_progress(*, actor: Any, year: int) -> tuple[int, int | None]:
    done = (
        scoped(READ, Adaptation.objects.filter(year=year), actor)
        .filter(state__in=(AdaptationState.ACCEPTED, AdaptationState.PAID))
        .count()
    )
    return done, _target("facilities.adaptation_target", actor=actor, year=year)


# ------------------------------------------------------------------------------------------ supervision
def draws_for_actor(*, actor: Any) -> QuerySet[Draw]:
    return scoped(READ, Draw.objects.all(), actor).order_by("-pk")


def draw_get(*, actor: Any, draw_id: int) -> Draw:
    d = scoped(READ, Draw.objects.all(), actor).filter(pk=draw_id).first()
    if d is None:
        raise Http404
    return d


def inspections_of(*, actor: Any, draw: Draw) -> QuerySet[Inspection]:
    return (
        scoped(READ, Inspection.objects.filter(draw=draw), actor)
        .select_related("facility")
        .prefetch_related("inspectors")
        .order_by("pk")
    )


def inspection_get(*, actor: Any, inspection_id: int) -> Inspection:
    i = (
        scoped(READ, Inspection.objects.select_related("facility", "draw"), actor)
        .filter(pk=inspection_id)
        .first()
    )
    if i is None:
        raise Http404
    return i


def rectifications_overdue(*, actor: Any, on: dt.date) -> QuerySet[Inspection]:
    return (
        scoped(READ, Inspection.objects.filter(rectify_by__lt=on, rectified_on__isnull=True), actor)
        .select_related("facility")
        .order_by("rectify_by", "pk")
    )


# ------------------------------------------------------------------------------------------ 首页 to-dos
def outings_todo(actor: Any, on: dt.date) -> Todo:
    qs = (
        scoped(
            READ,
            # only residents still in the home: a discharged (or dead) elder's request asks nobody
            Outing.objects.filter(state=OutingState.REQUESTED, residency__discharged_on__isnull=True),
            actor,
            field="residency__region_code",
        )
        .exclude(requested_by=actor)
        .select_related("residency__person", "residency")
    )
    items = [
        Item(o.residency.person.name, reverse("facilities-resident", args=[o.residency_id]), o.reason)
        for o in qs[:5]
    ]
    return Todo(
        "facilities.outings", _("待审批外出申请"), qs.count(), reverse("facilities-list"), items, _("无")
    )


def licence_todo(actor: Any, on: dt.date) -> Todo:
    """首页: facilities whose filing or licence has expired or ends soon (a count and the first five)."""
    try:
        days = licence_warn_days(actor=actor, on=on)
    except ValidationError:
        days = 0
    qs = licence_filter(scoped(READ, Facility.objects.all(), actor), which="due", on=on, days=days).order_by(
        "valid_to", "pk"
    )
    items = [
        Item(
            f.name,
            reverse("facilities-detail", args=[f.pk]),
            ("已过期" if f.valid_to and f.valid_to < on else "有效期至") + f"{f.valid_to}",
        )
        for f in qs[:5]
    ]
    return Todo(
        "facilities.licence",
        _("养老机构备案（许可）到期"),
        qs.count(),
        reverse("facilities-list") + "?licence=due",
        items,
        _("无"),
    )


def rectification_todo(actor: Any, on: dt.date) -> Todo:
    qs = rectifications_overdue(actor=actor, on=on)
    items = [
        Item(i.facility.name, reverse("facilities-inspection", args=[i.pk]), f"期限{i.rectify_by}")
        for i in qs[:5]
    ]
    return Todo(
        "facilities.overdue",
        _("逾期未整改的检查发现"),
        qs.count(),
        reverse("facilities-draws"),
        items,
        _("无"),
    )


def today() -> dt.date:
    return timezone.localdate()


def elder_by_id_number(*, actor: Any, id_number: str) -> Any:
    """The person an 18-digit ID names inside the actor's area, or None (same answer as not registered)."""
    from minzheng.accounts.scoping import scope
    from minzheng.core import crypto
    from minzheng.people.models import Person

    value = id_number.strip().upper()
    if len(value) != 18:
        return None
    return scope(Person.objects.filter(id_hash=crypto.blind_index(value)), actor).first()


def care_workers_for_actor(
    *, actor: Any, facility_id: int | None = None
) -> list[tuple[CareWorker, int | None]]:
    """Care workers with the award stipend (元/年) the policy of their award year gives, or None."""
    qs = scoped(READ, CareWorker.objects.select_related("facility"), actor)
    if facility_id:
        qs = qs.filter(facility_id=facility_id)
    rows: list[tuple[CareWorker, int | None]] = []
    cache: dict[tuple[int, str], int | None] = {}
    for w in qs.order_by("facility_id", "pk")[:500]:
        stipend = None
        if w.award_year:
            key = (w.award_year, w.region_code[:6])
            if key not in cache:
                try:
                    ps = policy_resolve(
                        on=dt.date(w.award_year, 12, 31), region_code=w.region_code, hukou_type=""
                    )
                    cache[key] = int(ps.get("facilities.carer_award_stipend"))
                except PolicyMissing:
                    cache[key] = None
            stipend = cache[key]
        rows.append((w, stipend))
    return rows


def activity_after(*, person: Any, after: dt.date) -> list[str]:
    """The line's later-activity hook: admissions of `person` to an institution after `after`."""
    stays = Residency.objects.filter(person=person, admitted_on__gt=after).select_related("facility")
    return [f"{r.admitted_on:%Y年%m月%d日}入住{r.facility.name}" for r in stays.order_by("admitted_on")[:3]]
