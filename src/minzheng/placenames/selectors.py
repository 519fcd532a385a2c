"""Reads of 地名. The standard names are public (《地名管理条例》: standard names are published for use), so
every staff role with `placename.read` reads the WHOLE city's gazetteer, and anyone reads the approved ones
through the public search, without internal notes or pending applications. Everything else stays in the
actor's region: reserve names, applications and every edit (`placename.manage`, out of scope = 404).
Administrative units (county, township, village) come from the regions registry, category 行政区划."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.urls import reverse

from minzheng.accounts.permissions import can, scoped
from minzheng.core.labels import region_name
from minzheng.core.todos import Item, Todo
from minzheng.regions.models import Region, RegionLevel

from .models import (
    ApplicationStatus,
    Category,
    NameStatus,
    NamingApplication,
    PlaceName,
    toneless_pinyin,
)

READ, MANAGE, APPROVE = "placename.read", "placename.manage", "placename.approve"


def may_handle(actor: Any) -> bool:
    """Whether the actor works on applications: enters and reviews them (manage) or approves them."""
    return can(actor, MANAGE) or can(actor, APPROVE)


def _read(actor: Any, status: str) -> QuerySet[PlaceName]:
    """Standard names: the whole city for anyone holding `placename.read` (reading, not editing); reserve
    and retired names only in the actor's region."""
    if status == NameStatus.STANDARD:
        qs = PlaceName.objects.all() if can(actor, READ) else PlaceName.objects.none()
    else:
        qs = scoped(READ, PlaceName.objects.all(), actor)
    return qs.filter(status=status)


def _matching(qs: QuerySet[PlaceName], q: str) -> QuerySet[PlaceName]:
    q = (q or "").strip()
    if not q:
        return qs
    found = Q(name__contains=q) | Q(pinyin__icontains=q) | Q(former_names__contains=q)
    key = toneless_pinyin(q)
    if key:  # pinyin typed without tones or spaces: "chongwen" finds 崇文街 (Chóngwén Jiē)
        found |= Q(pinyin_key__contains=key)
    return qs.filter(found)


def gazetteer(
    *, actor: Any, q: str = "", category: str = "", region_code: str = "", status: str = NameStatus.STANDARD
) -> QuerySet[PlaceName]:
    qs = _matching(_read(actor, status), q)
    if category:
        qs = qs.filter(category=category)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    return qs


# One row of a gazetteer search: a standard name, or an administrative unit from the regions registry.
COLUMNS = (
    "unit",
    "ref",
    "n",
    "py",
    "cat",
    "rc",
    "mean",
    "hist",
    "former",
    "no",
    "on",
    "lat",
    "lon",
)
UNIT_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


def _place_rows(qs: QuerySet[PlaceName]) -> QuerySet[Any]:
    return (
        qs.order_by()
        .annotate(
            unit=Value(0, output_field=IntegerField()),
            ref=F("pk"),
            n=F("name"),
            py=F("pinyin"),
            cat=F("category"),
            rc=F("region_code"),
            mean=F("meaning"),
            hist=F("history"),
            former=F("former_names"),
            no=F("approval_no"),
            on=F("approved_on"),
            lat=F("latitude"),
            lon=F("longitude"),
        )
        .values(*COLUMNS)
    )


def _unit_rows(*, q: str, category: str, region_code: str) -> QuerySet[Any]:
    """The county, township and village names of the regions registry (one query, no loop), minus any
    entered in the gazetteer as a standard 行政区划 name of the same code (that row has the approval)."""
    if category and category != Category.ADMIN:
        return _place_rows(PlaceName.objects.none())
    entered = PlaceName.objects.filter(
        status=NameStatus.STANDARD,
        category=Category.ADMIN,
        name=OuterRef("name"),
        region_code=OuterRef("code"),
    )
    qs = Region.objects.filter(level__in=UNIT_LEVELS).exclude(Exists(entered))
    q = (q or "").strip()
    if q:
        found = Q(name__contains=q) | Q(full_name__contains=q)
        if key := toneless_pinyin(q):  # "rencheng" finds 任城区 (Rènchéngqū)
            found |= Q(pinyin_key__contains=key)
        qs = qs.filter(found)
    if region_code:
        qs = qs.filter(code__startswith=region_code)
    empty = Value("", output_field=CharField())
    return (
        qs.order_by()
        .annotate(
            unit=Value(1, output_field=IntegerField()),
            ref=F("pk"),
            n=F("name"),
            py=F("pinyin"),
            cat=Value(Category.ADMIN.value, output_field=CharField()),
            rc=F("code"),
            mean=empty,
            hist=empty,
            former=empty,
            no=empty,
            on=Value(None, output_field=DateField()),
            lat=Value(None, output_field=DecimalField(max_digits=9, decimal_places=6)),
            lon=Value(None, output_field=DecimalField(max_digits=9, decimal_places=6)),
        )
        .values(*COLUMNS)
    )


def _rows(places: QuerySet[PlaceName], *, q: str, category: str, region_code: str) -> QuerySet[Any]:
    places = _matching(places, q)
    if category:
        places = places.filter(category=category)
    if region_code:
        places = places.filter(region_code__startswith=region_code)
    units = _unit_rows(q=q, category=category, region_code=region_code)
    return _place_rows(places).union(units, all=True).order_by("rc", "cat", "n")


def gazetteer_rows(*, actor: Any, q: str = "", category: str = "", region_code: str = "") -> QuerySet[Any]:
    """The staff search: the city's standard names and its administrative units, as rows (`COLUMNS`)."""
    if not can(actor, READ):
        return _place_rows(PlaceName.objects.none())
    places = PlaceName.objects.filter(status=NameStatus.STANDARD)
    return _rows(places, q=q, category=category, region_code=region_code)


def public_gazetteer(*, q: str = "", category: str = "", region_code: str = "") -> QuerySet[Any]:
    """The public search (no login): approved standard names (with their 文号) and administrative units.
    Nothing else: no reserve, no pending or rejected application, no review or decision notes."""
    places = PlaceName.objects.filter(status=NameStatus.STANDARD).exclude(approval_no="")
    return _rows(places, q=q, category=category, region_code=region_code)


def described(rows: Any) -> list[dict[str, Any]]:
    """A page of rows as people read them: the category's name and the full name of where it lies
    (one query for the page), the coordinates without padding zeros."""
    rows = list(rows)
    codes = {r["rc"] for r in rows}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "full_name"))
    labels = dict(Category.choices)
    return [
        r
        | {
            "category": labels.get(r["cat"], ""),
            "location": names.get(r["rc"]) or region_name(r["rc"], full=True),
            "lat_text": coordinate(r["lat"]),
            "lon_text": coordinate(r["lon"]),
        }
        for r in rows
    ]


def counties() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "name"))


def coordinate(value: Decimal | None) -> str:
    """A stored coordinate as people read it: 35.397000 → "35.397" (the column keeps six decimals)."""
    return "" if value is None else format(value.normalize(), "f")


def place_facts(item: PlaceName | NamingApplication) -> dict[str, str]:
    """Where a name (or a proposed one) is, as people read it: the region's full name, never its code."""
    return {
        "region": region_name(item.region_code, full=True),
        "lat": coordinate(item.latitude),
        "lon": coordinate(item.longitude),
    }


def place_get(*, actor: Any, place_id: int) -> PlaceName:
    """A name's page: any standard name of the city; a reserve or retired one only in the actor's region."""
    found = (
        _read(actor, NameStatus.STANDARD).filter(pk=place_id).first()
        or scoped(READ, PlaceName.objects.filter(pk=place_id), actor).first()
    )
    if found is None:
        raise Http404("未找到该地名")
    return found


def place_for_edit(*, actor: Any, place_id: int) -> PlaceName:
    """The edit checkpoint (a renaming starts from it): the actor's region only, out of scope = 404."""
    found = scoped(MANAGE, PlaceName.objects.filter(pk=place_id), actor).first()
    if found is None:
        raise Http404("未找到该地名")
    return found


def reserve(*, actor: Any) -> QuerySet[PlaceName]:
    return scoped(MANAGE, PlaceName.objects.filter(status=NameStatus.RESERVE), actor)


def applications(*, actor: Any, status: str = "") -> QuerySet[NamingApplication]:
    qs = scoped(
        MANAGE if can(actor, MANAGE) else APPROVE, NamingApplication.objects.select_related("place"), actor
    )
    return qs.filter(status=status) if status else qs


def application_get(*, actor: Any, application_id: int) -> NamingApplication:
    found = applications(actor=actor).filter(pk=application_id).first()
    if found is None:
        raise Http404("未找到该申请")
    return found


def application_actions(*, actor: Any, application: NamingApplication) -> list[tuple[str, str]]:
    """The steps this actor may take now (the applicant does not review; the county officer approves, and
    neither the applicant nor the reviewer approves)."""
    region = application.region_code
    manage, approve = can(actor, MANAGE, region_code=region), can(actor, APPROVE, region_code=region)
    if not (manage or approve):
        return []
    if application.status == ApplicationStatus.APPLIED and application.applied_by_id != actor.pk:
        return [("review", "审核通过，报请批准")]
    if (
        approve
        and application.status == ApplicationStatus.REVIEWED
        and actor.pk
        not in (
            application.applied_by_id,
            application.reviewed_by_id,
        )
    ):
        return [("approve", "批准"), ("reject", "驳回")]
    return []


def actionable(*, actor: Any) -> QuerySet[NamingApplication]:
    """The applications whose next step this actor may take now, in one query: the same rules as
    `application_actions` (review: anyone handling applications in the region but the applicant;
    approve or reject: the county officer who neither applied nor reviewed)."""
    if not may_handle(actor):
        return NamingApplication.objects.none()
    mine = Q(applied_by=actor)
    steps = Q(status=ApplicationStatus.APPLIED) & ~mine
    if can(actor, APPROVE):
        steps |= Q(status=ApplicationStatus.REVIEWED) & ~mine & ~Q(reviewed_by=actor)
    return applications(actor=actor).filter(steps)


def todo_applications(actor: Any, on: dt.date) -> Todo:
    qs = actionable(actor=actor).order_by("applied_at", "pk")
    return Todo(
        key="placenames-pending",
        title="待办地名命名更名申请",
        count=qs.count(),
        url=reverse("placenames-applications"),
        items=[
            Item(
                label=a.proposed_name,
                url=reverse("placenames-application", args=[a.pk]),
                note=f"{a.get_kind_display()}·{a.get_status_display()}",
            )
            for a in qs[:5]
        ],
        empty="无待办申请",
    )
