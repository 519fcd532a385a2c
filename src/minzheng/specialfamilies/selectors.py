"""Reads of the special-difficulty families line; every read takes the actor and is region-scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from minzheng.accounts.makecheck import is_other_person
from minzheng.accounts.permissions import can, scoped
from minzheng.benefits.models import Enrolment
from minzheng.benefits.selectors import enrolments_for_person
from minzheng.core.labels import region_names
from minzheng.core.todos import Item, Todo
from minzheng.facilities.selectors import placed
from minzheng.people.models import Person
from minzheng.people.selectors import head_name
from minzheng.policy.selectors import PolicyMissing, policy_resolve

from . import categories as cat
from .models import CondolenceLine, CondolenceRun, CondolenceState, TekunInsurance, TekunWillingness

READ = "specialfamilies.read"
UNABLE = "none"  # 完全不能自理 (4–6 of the six daily activities): 生活不能自理
PROGRAMMES = ("sf_care", "sf_student", "sf_medical", "sf_festival")


def family_members(
    *, actor: Any, on: dt.date, category: int | None = None, county: str = ""
) -> QuerySet[Any]:
    """The members of special-difficulty families in the actor's region on `on`: one query (plus the
    count of the pager); `category` 1–5 narrows to one category, `county` to one county."""
    qs = scoped(READ, cat.annotated(on), actor).filter(cat.any_category())
    if category:
        qs = qs.filter(cat.category_filter(category))
    if county:
        qs = qs.filter(region_code__startswith=county)
    return qs.annotate(head=head_name("hid")).order_by("region_code", "hid", "pk")


@dataclass
class MemberRow:
    person: Person
    categories: list[str]
    severity: str
    county: str
    village: str
    head: str


def member_rows(people: Any) -> list[MemberRow]:
    """Rows people read: category names, severity and place names (one query for the places)."""
    people = list(people)
    names = region_names({p.region_code[:6] for p in people} | {p.region_code for p in people})
    return [
        MemberRow(
            person=p,
            categories=[cat.CATEGORIES[n] for n in cat.categories_of(p)],
            severity=cat.SEVERITY.get(p.severity or 0, ""),
            county=names.get(p.region_code[:6], "未知区划"),
            village=names.get(p.region_code, "未知区划"),
            head=p.head or "",
        )
        for p in people
    ]


def counts_by_county(*, actor: Any, on: dt.date) -> list[dict[str, Any]]:
    """Per county, the people of each category (one grouped query)."""
    from django.db.models.functions import Substr

    qs = (
        scoped(READ, cat.annotated(on), actor)
        .filter(cat.any_category())
        .annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(
            total=Count("pk"),
            **{f"n{n}": Count("pk", filter=cat.category_filter(n)) for n in cat.CATEGORIES},
        )
        .order_by("county")
    )
    rows = list(qs)
    names = region_names(r["county"] for r in rows)
    for r in rows:
        r["name"] = names.get(r["county"], "未知区划")
        r["by"] = [r[f"n{n}"] for n in cat.CATEGORIES]
    return rows


def person_categories(*, actor: Any, person: Person, on: dt.date) -> tuple[list[int], int | None]:
    if not cat.could_belong(person.pk, on):
        return [], None
    row = scoped(READ, cat.annotated(on), actor).filter(pk=person.pk).first()
    if row is None:
        return [], None
    return cat.categories_of(row), getattr(row, "severity", None)


def panel(*, actor: Any, person: Person, on: dt.date | None = None) -> dict[str, Any] | None:
    """The person page's panel: the categories the person is in and the four entitlements received;
    None when the person is in none and has received none (or the actor may not read the line)."""
    from django.utils import timezone

    if not can(actor, READ):
        return None
    on = on or timezone.localdate()
    numbers, severity = person_categories(actor=actor, person=person, on=on)
    received = [e for e in enrolments_for_person(actor=actor, person=person) if e.programme in PROGRAMMES]
    orders = care_orders(actor=actor, person=person)
    can_order = cared_for(numbers, severity) and can(actor, CARE_ORDER, region_code=person.region_code)
    if not numbers and not received and not orders:
        return None
    items: list[Any] = []
    if can_order:
        from minzheng.homecare.selectors import catalogue

        items = catalogue(on=on, region_code=person.region_code)
    return {
        "categories": [cat.CATEGORIES[n] for n in numbers],
        "severity": cat.SEVERITY.get(severity or 0, ""),
        "entitlements": entitlements(numbers, severity),
        "received": received,
        "can_grant": bool(numbers) and can(actor, "specialfamilies.grant", region_code=person.region_code),
        "orders": orders,
        "can_order": can_order,
        "items": items,
        "default_time": f"{on + dt.timedelta(days=1):%Y-%m-%d}T09:00",
    }


CARE_ORDER = "specialfamilies.care_order"
CARE = "基本生活照料（照护服务）"


def cared_for(numbers: list[int], severity: int | None) -> bool:
    """Entitled to care services: a member with a loss of capability in categories 1–4, or any tekun."""
    return bool(numbers) and bool(severity or 2 in numbers)


def care_orders(*, actor: Any, person: Person) -> list[Any]:
    """The care orders (homecare, basis special) of the person's current household, newest first."""
    from minzheng.homecare.models import OrderBasis
    from minzheng.homecare.selectors import person_orders
    from minzheng.people.models import Membership

    members = Membership.objects.filter(
        household__in=Membership.objects.filter(person=person, end_date__isnull=True).values("household"),
        end_date__isnull=True,
    ).values_list("person_id", flat=True)
    ids = sorted({person.pk, *members})
    return list(person_orders(actor=actor, person_ids=ids, basis=OrderBasis.SPECIAL)[:20])


def entitlements(numbers: list[int], severity: int | None) -> list[str]:
    """The four entitlements (seed 001) the categories open: care for the disabled (categories 1–4 with a
    loss of capability; all tekun), school aid for students, hospital out-of-pocket costs for everyone in
    a category, festival condolence money for the severely disabled."""
    if not numbers:
        return []
    out = []
    if cared_for(numbers, severity):
        out.append(CARE)
    if 5 in numbers:
        out.append("在校生教育免补")
    out.append("合规个人自负住院医疗费用财政全额承担")
    if severity == 3:
        out.append("节日慰问金")
    return out


# ------------------------------------------------------------------ festival condolence
def condolence_runs(*, actor: Any) -> QuerySet[Any]:
    return (
        scoped(READ, CondolenceRun.objects.all(), actor)
        # a pending (draft) list counts its living persons only; a decided one is history as paid
        .annotate(n=Count("lines", filter=~Q(state=CondolenceState.DRAFT) | Q(lines__person__is_alive=True)))
        .order_by("-year", "-month", "county_code", "pk")
    )


def condolence_run_get(*, actor: Any, run_id: int) -> CondolenceRun:
    run = scoped(READ, CondolenceRun.objects.all(), actor).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def condolence_lines(*, run: CondolenceRun) -> QuerySet[CondolenceLine]:
    """The list's persons; while it is pending (draft) a person who has died since it was prepared is
    left out (one filter, set-based), and the decision drops that line."""
    qs = run.lines.select_related("person").annotate(head=head_name("household_id"))
    if run.state == CondolenceState.DRAFT:
        qs = qs.filter(person__is_alive=True)
    return qs


def condolence_actions(*, actor: Any, run: CondolenceRun) -> list[tuple[str, str]]:
    """(action, label) the actor may take on the run now: decide only by someone other than its maker."""
    if (
        run.state == CondolenceState.DRAFT
        and can(actor, "specialfamilies.condolence_decide", region_code=run.region_code)
        and is_other_person(actor, run.prepared_by_id)
    ):
        return [("decide", "审定并纳入当月发放名册")]
    return []


def condolence_todo(actor: Any, on: dt.date) -> Todo:
    """Lists waiting for a second officer's decision (two queries)."""
    qs = condolence_runs(actor=actor).filter(state=CondolenceState.DRAFT).exclude(prepared_by=actor)
    items = [
        Item(str(r), reverse("specialfamilies-condolence", args=[r.pk]), f"{r.n}人")
        for r in qs.order_by("month", "pk")[:5]
    ]
    return Todo(
        "specialfamilies_condolence",
        "待审定的节日慰问金名单",
        qs.count(),
        reverse("specialfamilies-condolences"),
        items,
    )


# ------------------------------------------------------------------ tekun file: targets and insurance
def _active_tekun(actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """Tekun support not ended before `month`: a grant counts from its decision even while its first
    paid month (the month after approval) is still ahead, as the tekun file's records read it."""
    return scoped(READ, Enrolment.objects.filter(programme=cat.TEKUN), actor).filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month)
    )


def tekun_roll(*, actor: Any, on: dt.date) -> QuerySet[Any]:
    """The tekun in support this month — granted at the desk or taken over from the stock roll (import) —
    with the facts the targets read: the latest recorded willingness; the self-care level the decision
    found (six daily activities) or, without a decision, the latest recorded capability assessment
    (重度/完全失能 = 生活不能自理); placed = in an institution now."""
    from django.db.models import Case, CharField, IntegerField, Value, When
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast, Coalesce

    from minzheng.assistance.models import Decision
    from minzheng.elderly.levels import level_subquery

    latest = TekunWillingness.objects.filter(person_id=OuterRef("person_id"), asked_on__lte=on).order_by(
        "-asked_on", "-pk"
    )
    # only a decision's enrolment carries a decision id; the CASE keeps the cast off other sources
    decision_id = Case(
        When(source_type="decision", then=Cast("source_id", IntegerField())),
        default=None,
        output_field=IntegerField(),
    )
    decision = Decision.objects.filter(pk=OuterRef("decision_id"))
    assessed = Case(
        When(level__gte=3, then=Value(UNABLE)),
        When(level=2, then=Value("partial")),
        When(level__isnull=False, then=Value("full")),
        default=None,
        output_field=CharField(),
    )
    return (
        _active_tekun(actor, cat.month_of(on))
        .annotate(decision_id=decision_id, level=level_subquery(on, "person_id"))
        .annotate(
            willing=Subquery(latest.values("willing")[:1]),
            self_care=Coalesce(
                Subquery(decision.annotate(sc=KT("result__self_care")).values("sc")[:1]),
                assessed,
                output_field=CharField(),
            ),
            placed=placed(OuterRef("person_id")),
        )
        .select_related("person")
    )


@dataclass
class CountyTarget:
    code: str
    name: str
    willing: int
    willing_placed: int
    unable: int
    unable_placed: int

    @staticmethod
    def rate(placed: int, total: int) -> float | None:
        return placed / total if total else None

    @property
    def willing_rate(self) -> float | None:
        return self.rate(self.willing_placed, self.willing)

    @property
    def unable_rate(self) -> float | None:
        return self.rate(self.unable_placed, self.unable)


def tekun_targets(*, actor: Any, on: dt.date) -> tuple[list[CountyTarget], dict[str, Any]]:
    """Centralisation by county (one grouped query): of the willing, how many are placed (target 100 %);
    of those unable to care for themselves, how many are placed (target ≥ 60 %); the targets are the
    facilities line's policy figures."""
    from django.db.models.functions import Substr

    grouped = (
        tekun_roll(actor=actor, on=on)
        .annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(
            w=Count("pk", filter=Q(willing=True)),
            wp=Count("pk", filter=Q(willing=True, placed=True)),
            u=Count("pk", filter=Q(self_care=UNABLE)),
            up=Count("pk", filter=Q(self_care=UNABLE, placed=True)),
        )
        .order_by("county")
    )
    rows = list(grouped)
    names = region_names(r["county"] for r in rows)
    out = [
        CountyTarget(r["county"], names.get(r["county"], "未知区划"), r["w"], r["wp"], r["u"], r["up"])
        for r in rows
    ]
    region = getattr(getattr(actor, "region", None), "code", "")
    try:
        ps = policy_resolve(on=on, region_code=region, hukou_type="")
        targets: dict[str, Any] = {
            "willing": ps.get("facilities.tekun_willing_target"),
            "unable": ps.get("facilities.tekun_unable_target"),
        }
    except PolicyMissing:
        targets = {"willing": None, "unable": None}
    return out, targets


def tekun_not_placed(*, actor: Any, on: dt.date, county: str = "") -> QuerySet[Any]:
    """Those who count towards a target and are not yet in an institution: willing, or unable to care
    for themselves."""
    qs = tekun_roll(actor=actor, on=on).filter(placed=False).filter(Q(willing=True) | Q(self_care=UNABLE))
    if county:
        qs = qs.filter(region_code__startswith=county)
    return qs.order_by("region_code", "pk")


def tekun_uninsured(*, actor: Any, on: dt.date, year: int, county: str = "") -> QuerySet[Any]:
    """Dispersed tekun (not in an institution) with no insurance recorded for `year`."""
    insured = TekunInsurance.objects.filter(person_id=OuterRef("person_id"), year=year)
    qs = tekun_roll(actor=actor, on=on).filter(placed=False).exclude(Exists(insured))
    if county:
        qs = qs.filter(region_code__startswith=county)
    return qs.order_by("region_code", "pk")


def tekun_file(*, actor: Any, person: Person) -> dict[str, Any]:
    return {
        "willingness": list(scoped(READ, TekunWillingness.objects.filter(person=person), actor)[:10]),
        "insurance": list(scoped(READ, TekunInsurance.objects.filter(person=person), actor)[:10]),
    }


def counties_for_actor(*, actor: Any) -> list[Any]:
    """The counties the actor's region covers or lies in (the filter's select)."""
    from minzheng.accounts.scoping import actor_prefix
    from minzheng.regions.models import Region, RegionLevel

    prefix = actor_prefix(actor)
    if prefix is None:
        return []
    counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    return [r for r in counties if r.code.startswith(prefix) or prefix.startswith(r.code)]


def hardship_rows(*, actor: Any) -> list[Any]:
    from .models import HardshipHousehold

    rows: list[Any] = list(
        scoped(READ, HardshipHousehold.objects.all(), actor).annotate(head=head_name("household_id"))[:50]
    )
    names = region_names(r.region_code for r in rows)
    for r in rows:
        r.village = names.get(r.region_code, "未知区划")
    return rows
