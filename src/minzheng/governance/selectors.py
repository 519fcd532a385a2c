"""Reads of the governance line, region-scoped (out of scope reads as missing). A grid worker's region is
their grid (a 15-digit code), so their households are those placed in it (`Placement.grid_code`), and
their incidents those reported in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import scope
from minzheng.core.labels import number, policy_labels
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Household, Membership
from minzheng.people.selectors import head_name
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes import registry
from minzheng.regions.models import Region

from .models import (
    INCIDENT_OPEN,
    BuildingHead,
    CommunityWorker,
    ExperimentalZone,
    GridAppointment,
    Incident,
    IncidentCategory,
    MatterType,
    PayGrade,
    Placement,
    Post,
    WindowRequest,
    ZoneLevel,
)
from .services import registered_target
from .workflow import HANDLE, INCIDENT, REPORT

GRID_READ = "grid.households_read"
READ = "governance.read"
MANAGE = "governance.grid_manage"


def _any(actor: Any, *permissions: str) -> bool:
    return any(can(actor, p) for p in permissions)


def _scoped_any(qs: QuerySet[Any], actor: Any, permissions: tuple[str, ...], field: str) -> QuerySet[Any]:
    return scope(qs, actor, field=field) if _any(actor, *permissions) else qs.none()


# ---------------------------------------------------------------- grids and households
def readable_placements(actor: Any) -> QuerySet[Placement]:
    return _scoped_any(Placement.objects.all(), actor, (GRID_READ, MANAGE, READ), "grid_code")


def grid_households(*, actor: Any, q: str = "", grid: str = "", building: str = "") -> QuerySet[Placement]:
    qs = readable_placements(actor).select_related("household").annotate(head_name=head_name())
    if q:
        qs = qs.filter(Q(household__number=q) | Q(household__address__contains=q) | Q(head_name__contains=q))
    if grid:
        qs = qs.filter(grid_code=grid)
    if building:
        qs = qs.filter(building=building)
    return qs.order_by("grid_code", "building", "unit", "room", "pk")


def placement_get(*, actor: Any, household_id: int) -> Placement | None:
    if not 0 < household_id < 2**63:  # a foreign-key lookup past BIGINT overflows the driver: missing
        return None
    return readable_placements(actor).select_related("household").filter(household_id=household_id).first()


def grids_in_scope(actor: Any) -> QuerySet[Region]:
    return _scoped_any(Region.objects.filter(level="grid"), actor, (GRID_READ, MANAGE, READ), "code")


def address_of(placement: Placement) -> list[tuple[str, str]]:
    """The 7-level address (市/县/乡镇/社区/网格/楼栋/单元户), in one query for the grid's ancestors."""
    code = placement.grid_code
    names = dict(
        Region.objects.filter(code__in=[code[:4] + "00", code[:6], code[:9], code[:12], code]).values_list(
            "code", "name"
        )
    )
    unit_room = "".join(x for x in (f"{placement.unit}单元" if placement.unit else "", placement.room) if x)
    return [
        ("市", names.get(code[:4] + "00", "")),
        ("县（市、区）", names.get(code[:6], "")),
        ("乡镇（街道）", names.get(code[:9], "")),
        ("社区", names.get(code[:12], "")),
        ("网格", names.get(code, "")),
        ("楼栋", placement.building),
        ("单元户", unit_room or "—"),
    ]


def household_members(household: Household) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(household=household, end_date__isnull=True)
        .select_related("person")
        .order_by("pk")
    )


def _grid_name() -> Subquery:
    return Subquery(Region.objects.filter(code=OuterRef("grid_code")).values("name")[:1])


def building_heads(*, actor: Any) -> QuerySet[BuildingHead]:
    return (
        _scoped_any(BuildingHead.objects.filter(active=True), actor, (GRID_READ, MANAGE, READ), "grid_code")
        .select_related("person")
        .annotate(grid_name=_grid_name())
    )


def building_head_get(*, actor: Any, pk: int) -> BuildingHead | None:
    """A serving head the actor may manage (out of scope reads as missing)."""
    return (
        _scoped_any(BuildingHead.objects.filter(active=True), actor, (MANAGE,), "grid_code")
        .filter(pk=pk)
        .first()
    )


def appointment_get(*, actor: Any, pk: int) -> GridAppointment | None:
    return (
        _scoped_any(GridAppointment.objects.filter(ended_on__isnull=True), actor, (MANAGE,), "grid_code")
        .filter(pk=pk)
        .first()
    )


def appointments(*, actor: Any) -> QuerySet[GridAppointment]:
    return (
        _scoped_any(GridAppointment.objects.filter(ended_on__isnull=True), actor, (MANAGE, READ), "grid_code")
        .select_related("user")
        .annotate(grid_name=_grid_name())
    )


# ---------------------------------------------------------------- incidents
INCIDENT_READERS = (REPORT, HANDLE, READ)


def readable_incidents(actor: Any) -> QuerySet[Incident]:
    return _scoped_any(Incident.objects.all(), actor, INCIDENT_READERS, "region_code")


def incident_get(*, actor: Any, pk: int) -> Incident | None:
    return readable_incidents(actor).select_related("category", "household", "reporter").filter(pk=pk).first()


def incident_list(
    *, actor: Any, state: str = "", category: str = "", overdue: bool = False, on: dt.date
) -> QuerySet[Incident]:
    qs = readable_incidents(actor).select_related("category", "reporter")
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category__code=category)
    if overdue:
        qs = qs.filter(state__in=INCIDENT_OPEN, due_on__lt=on)
    return qs.order_by("-reported_on", "-pk")


def overdue_incidents(*, actor: Any, on: dt.date) -> QuerySet[Incident]:
    return readable_incidents(actor).filter(state__in=INCIDENT_OPEN, due_on__lt=on)


def categories() -> QuerySet[IncidentCategory]:
    return IncidentCategory.objects.all()


def line_choices() -> list[tuple[str, str]]:
    """The registered lines an incident category may concern (code, name people read)."""
    return [(line.code, line.name) for line in registry.lines()]


def active_categories() -> QuerySet[IncidentCategory]:
    """The categories a new report may choose (retired ones stay on their incidents)."""
    return IncidentCategory.objects.filter(active=True)


def time_limit_keys(*, actor: Any, on: dt.date) -> list[tuple[str, str]]:
    """The governance time-limit keys in force (key, what people read), for a new category's form."""
    try:
        policy = policy_resolve(on=on, region_code=_actor_code(actor), hukou_type="")
    except PolicyMissing:
        return []
    keys = sorted(k for k in policy.values if k.startswith("governance.incident_days."))
    return [
        (k, f"{label}（{number(policy.get(k))}{unit or ''}）")
        for k, (label, unit) in policy_labels(keys).items()
    ]


def category_line(category: IncidentCategory) -> str:
    """The registered line an incident's category concerns, by the name people read ("" if none)."""
    return registered_target(category.line_code) if category.line_code else ""


def to_accept_todo(actor: Any, on: dt.date) -> Todo:
    qs = (
        readable_incidents(actor).filter(state="reported").select_related("category").order_by("due_on", "pk")
    )
    return Todo(
        key="governance-to-accept",
        title="网格事件待受理",
        count=qs.count(),
        url=reverse("governance-incidents") + "?state=reported",
        items=[
            Item(
                label=f"{i.category.name}#{i.pk}",
                url=reverse("governance-incident", args=[i.pk]),
                note=f"时限{i.due_on:%m-%d}",
            )
            for i in qs[:5]
        ],
        empty="无待受理事件",
    )


def overdue_todo(actor: Any, on: dt.date) -> Todo:
    qs = overdue_incidents(actor=actor, on=on).select_related("category").order_by("due_on", "pk")
    return Todo(
        key="governance-overdue",
        title="网格事件超期未办结",
        count=qs.count(),
        url=reverse("governance-incidents") + "?overdue=1",
        items=[
            Item(
                label=f"{i.category.name}#{i.pk}",
                url=reverse("governance-incident", args=[i.pk]),
                note=f"{INCIDENT.state_label(i.state)}，应于{i.due_on:%m月%d日}前办结",
            )
            for i in qs[:5]
        ],
        empty="无超期事件",
    )


def reported_todo(actor: Any, on: dt.date) -> Todo:
    """The grid worker's own incidents not yet closed, so they follow what became of them."""
    qs = (
        readable_incidents(actor)
        .filter(reporter_id=actor.pk, state__in=INCIDENT_OPEN)
        .select_related("category")
    )
    return Todo(
        key="governance-reported",
        title="我上报的网格事件（办理中）",
        count=qs.count(),
        url=reverse("governance-incidents") + "?mine=1",
        items=[
            Item(
                label=f"{i.category.name}#{i.pk}",
                url=reverse("governance-incident", args=[i.pk]),
                note=INCIDENT.state_label(i.state),
            )
            for i in qs.order_by("-pk")[:5]
        ],
        empty="无办理中的事件",
    )


@dataclass(frozen=True)
class RateRow:
    code: str
    name: str
    closed: int
    on_time: int
    open: int
    overdue: int

    @property
    def rate(self) -> Decimal | None:
        return (Decimal(self.on_time) * 100 / self.closed).quantize(Decimal("0.1")) if self.closed else None


def on_time_rates(*, actor: Any, on: dt.date, since: dt.date | None = None) -> list[RateRow]:
    """Closed-on-time rate by township: one GROUP BY over the incidents in scope, one query for names."""
    qs = readable_incidents(actor)
    if since is not None:
        qs = qs.filter(reported_on__gte=since)
    rows = list(
        qs.annotate(town=Substr("region_code", 1, 9))
        .values("town")
        .annotate(
            closed=Count("pk", filter=Q(state="closed")),
            on_time=Count("pk", filter=Q(state="closed", closed_on__lte=F("due_on"))),
            open=Count("pk", filter=Q(state__in=INCIDENT_OPEN)),
            overdue=Count("pk", filter=Q(state__in=INCIDENT_OPEN, due_on__lt=on)),
        )
        .order_by("town")
    )
    names = dict(Region.objects.filter(code__in=[r["town"] for r in rows]).values_list("code", "name"))
    return [
        RateRow(r["town"], names.get(r["town"], ""), r["closed"], r["on_time"], r["open"], r["overdue"])
        for r in rows
    ]


# ---------------------------------------------------------------- community workers and pay
WORKER_READERS = ("governance.worker_manage", READ)


def readable_workers(actor: Any) -> QuerySet[CommunityWorker]:
    return _scoped_any(CommunityWorker.objects.filter(active=True), actor, WORKER_READERS, "region_code")


def worker_get(*, actor: Any, pk: int) -> CommunityWorker | None:
    return readable_workers(actor).filter(pk=pk).first()


def _region_prefixes(code: str) -> list[str]:
    return [code[:n] for n in (4, 6) if len(code) >= n]


class PayTable:
    """The 三岗十八级 cells in force on a day for the regions asked (one query); a missing cell is None."""

    def __init__(self, *, on: dt.date, codes: set[str]) -> None:
        prefixes = {p for c in codes for p in _region_prefixes(c)}
        self.cells: dict[tuple[str, str, int], PayGrade] = {}
        rows = PayGrade.objects.filter(region_prefix__in=prefixes, effective_from__lte=on).order_by(
            "effective_from", "pk"
        )
        for row in rows:  # later rows replace earlier ones: the cell in force on the day
            self.cells[(row.region_prefix, row.post, row.grade)] = row

    def cell(self, region_code: str, post: str, grade: int) -> PayGrade | None:
        for prefix in reversed(_region_prefixes(region_code)):  # the county's own table first
            found = self.cells.get((prefix, post, grade))
            if found is not None:
                return found
        return None


def pay_table(*, region_code: str, on: dt.date) -> list[tuple[int, list[PayGrade | None]]]:
    """The table as people read it: 18 rows (grades) × 3 posts, None where no figure is entered."""
    table = PayTable(on=on, codes={region_code})
    return [(g, [table.cell(region_code, p, g) for p in Post.values]) for g in range(1, 19)]


def pay_table_own(*, region_code: str, on: dt.date) -> dict[str, Decimal]:
    """The region's own cells in force on the day (not the city's it falls back to), keyed "post-grade":
    what the whole-table form starts from."""
    prefix = Region.objects.filter(code=region_code).values_list("prefix", flat=True).first()
    if prefix is None:
        return {}
    own: dict[str, Decimal] = {}
    for row in PayGrade.objects.filter(region_prefix=prefix, effective_from__lte=on).order_by(
        "effective_from", "pk"
    ):
        own[f"{row.post}-{row.grade}"] = row.annual_pay
    return own


@dataclass(frozen=True)
class PaySummary:
    workers: int
    priced: int
    average: Decimal | None
    target: Decimal | None
    target_source: str

    @property
    def unpriced(self) -> int:
        return self.workers - self.priced

    @property
    def meets(self) -> bool | None:
        # Judged only once every worker is priced: an average of 3 of 12 says nothing of the 12.
        if self.average is None or self.target is None or self.unpriced:
            return None
        return self.average >= self.target


def pay_summary(*, actor: Any, on: dt.date, region_code: str = "") -> PaySummary:
    """Average annual pay of the community workers in scope against the target (≥ 6.5万): workers are
    grouped by community, post and grade in SQL, each group priced from the table once."""
    qs = readable_workers(actor)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    groups = list(qs.values("region_code", "post", "grade").annotate(n=Count("pk")))
    table = PayTable(on=on, codes={g["region_code"] for g in groups})
    total, priced, workers = Decimal(0), 0, 0
    for g in groups:
        workers += g["n"]
        cell = table.cell(g["region_code"], g["post"], g["grade"])
        if cell is not None:
            total += cell.annual_pay * g["n"]
            priced += g["n"]
    try:
        target_set = policy_resolve(on=on, region_code=region_code or _actor_code(actor), hukou_type="")
        target: Decimal | None = target_set.get("governance.worker_pay_min")
        source = target_set.values["governance.worker_pay_min"].source
    except PolicyMissing:
        target, source = None, ""
    average = (total / priced).quantize(Decimal("0.01")) if priced else None
    return PaySummary(workers, priced, average, target, source)


def _actor_code(actor: Any) -> str:
    region = getattr(actor, "region", None)
    return region.code if region is not None else ""


def worker_rows(
    workers: list[CommunityWorker], *, on: dt.date
) -> list[tuple[CommunityWorker, PayGrade | None]]:
    table = PayTable(on=on, codes={w.region_code for w in workers})
    return [(w, table.cell(w.region_code, w.post, w.grade)) for w in workers]


# ---------------------------------------------------------------- one window
def matters() -> QuerySet[MatterType]:
    return MatterType.objects.filter(active=True)


def matter_link(matter: MatterType, *, person: Any) -> str:
    """Where a routed request is handled: the catalogue's page of the registered line ("" when the line
    is not registered or the page needs a household the person does not have)."""
    if not registered_target(matter.target):
        return ""
    try:
        if matter.needs == "household":
            membership = Membership.objects.filter(person=person, end_date__isnull=True).first()
            if membership is None:
                return ""
            return reverse(matter.url_name, args=[membership.household_id])
        url = reverse(matter.url_name)
    except NoReverseMatch:
        return ""
    return f"{url}?person={person.pk}" if matter.needs == "person" else url


def readable_requests(actor: Any) -> QuerySet[WindowRequest]:
    return _scoped_any(WindowRequest.objects.all(), actor, ("governance.window_take", READ), "region_code")


def request_get(*, actor: Any, pk: int) -> WindowRequest | None:
    return readable_requests(actor).select_related("person", "matter", "taken_by").filter(pk=pk).first()


def request_counts(*, actor: Any) -> list[dict[str, Any]]:
    return list(
        readable_requests(actor)
        .values("matter__name", "status")
        .annotate(n=Count("pk"))
        .order_by("matter__name", "status")
    )


# ---------------------------------------------------------------- experimental zones
def readable_zones(actor: Any) -> QuerySet[ExperimentalZone]:
    return _scoped_any(ExperimentalZone.objects.all(), actor, ("governance.zone_manage", READ), "region_code")


def zone_get(*, actor: Any, pk: int) -> ExperimentalZone | None:
    return readable_zones(actor).filter(pk=pk).first()


@dataclass(frozen=True)
class ZoneCount:
    level: str
    label: str
    count: int
    target: Decimal | None
    source: str


def zone_counts(*, actor: Any, on: dt.date) -> list[ZoneCount]:
    counts = dict(readable_zones(actor).values("level").annotate(n=Count("pk")).values_list("level", "n"))
    policy = policy_resolve(on=on, region_code=_actor_code(actor), hukou_type="")
    out = []
    for level, label in ZoneLevel.choices:
        key = f"governance.zone_target.{level}"
        target = policy.get(key) if policy.has(key) else None
        source = policy.values[key].source if policy.has(key) else ""
        out.append(ZoneCount(level, label, counts.get(level, 0), target, source))
    return out


def counties() -> QuerySet[Region]:
    return Region.objects.filter(level__in=("city", "county")).order_by("code")


@dataclass(frozen=True)
class CatalogueEntry:
    matter: MatterType
    line: str  # the registered line's name, "" when it is not registered


def catalogue() -> list[CatalogueEntry]:
    return [CatalogueEntry(m, registered_target(m.target)) for m in matters()]
