"""What the cockpit measures. Each measure is ONE definition: `rows(start, end)` is the queryset of the
records behind the figure (enrolments, payroll lines, alerts, visits …) and `total` the field summed over
them ("" counts the rows). The stored figure is that queryset grouped by township; the drill-down list is
the same queryset narrowed to a region, so a figure and its list cannot disagree. Nothing here loops over
people; the roll-up to county and city is a sum over at most a few hundred township rows. Other apps'
models are read through the app registry, so the cockpit imports no line above it."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import BigIntegerField, Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr

Row = tuple[str, str, str, Decimal]  # township code, detail, label, value


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _m(label: str) -> Any:
    return apps.get_model(label)


def _programme_label(code: str) -> str:
    from minzheng.programmes.registry import is_programme, programme_name

    return programme_name(code) if is_programme(code) else code


@dataclass(frozen=True)
class Measure:
    code: str
    name: str  # Chinese msgid
    unit: str
    rows: Callable[[dt.date, dt.date], QuerySet[Any]]
    total: str = ""  # the field summed; "" counts the rows
    detail: str = ""  # the field a figure is broken down by (programme, rule)
    label: str = ""  # the field naming a detail ("" = the programme's name)
    region_field: str = "region_code"
    permission: str = "cockpit.read"  # what a reader needs to see the list behind the figure

    def aggregate(self) -> Any:
        return Sum(self.total) if self.total else Count("pk")

    def compute(self, start: dt.date, end: dt.date) -> Iterable[Row]:
        """The figure by township (and detail): the measure's rows grouped, one query."""
        fields = ["town", *([self.detail] if self.detail else []), *([self.label] if self.label else [])]
        qs = (
            self.rows(start, end)
            .annotate(town=Substr(self.region_field, 1, 9))
            .values(*fields)
            .annotate(n=self.aggregate())
            .order_by()
        )
        out: list[Row] = []
        for r in qs:
            detail = str(r[self.detail]) if self.detail else ""
            name = str(r[self.label]) if self.label else (_programme_label(detail) if detail else "")
            out.append((r["town"], detail, name, Decimal(r["n"] or 0)))
        return out

    def in_region(self, qs: QuerySet[Any], prefix: str, detail: str = "") -> QuerySet[Any]:
        if prefix:
            qs = qs.filter(**{f"{self.region_field}__startswith": prefix})
        if detail and self.detail:
            qs = qs.filter(**{self.detail: detail})
        return qs

    def value_of(self, qs: QuerySet[Any]) -> Decimal:
        """The figure of a (narrowed) list of the measure's rows: the same aggregate as the stored one."""
        return Decimal(qs.order_by().aggregate(n=self.aggregate())["n"] or 0)


def _active(qs: Any, start: dt.date) -> Any:
    return qs.filter(first_month__lte=start).filter(Q(last_month__isnull=True) | Q(last_month__gte=start))


def enrolments(start: dt.date, end: dt.date) -> QuerySet[Any]:
    """Enrolments in payment in the month (started by it, not ended before it)."""
    return _active(_m("benefits.Enrolment").objects.all(), start)


def with_household_unit(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate each enrolment with `unit_household`: its own household, or, for a person-level enrolment
    (特困 with no household), the person's current household (the open membership). Null only for a person
    with no membership at all, who then counts alone. One correlated subquery, no loop."""
    current = _m("people.Membership").objects.filter(person_id=OuterRef("person_id"), end_date__isnull=True)
    return qs.annotate(
        unit_household=Coalesce(
            "household_id", Subquery(current.values("household_id")[:1]), output_field=BigIntegerField()
        )
    )


def households(start: dt.date, end: dt.date) -> QuerySet[Any]:
    """保障户数 counts households, not enrolments: one row per household in payment in the month (its first
    enrolment stands for it), so a household in dibao and a subsidy is one household at every level and in
    its list. An enrolment without a household stands for the person's current household (two spouses on
    person-level 特困 are one household); only a person with no household at all stands alone. Two grouped
    subqueries, no loop."""
    active = with_household_unit(enrolments(start, end))
    by_household = (
        active.filter(unit_household__isnull=False)
        .values("unit_household")
        .annotate(first=Min("pk"))
        .values("first")
    )
    by_person = (
        active.filter(unit_household__isnull=True)
        .values("person_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return enrolments(start, end).filter(Q(pk__in=by_household) | Q(pk__in=by_person))


def payroll(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("benefits.PayrollLine").objects.filter(month=start)


def alerts(start: dt.date, end: dt.date) -> QuerySet[Any]:
    """The alerts of the month's own published screening run, so the cockpit names them by the same month
    as /monitoring/ (the run's month; a superseded run's alerts are not counted). The office screens a
    month's snapshot early the next month: the month's figures are recomputed when that run is published
    (selectors.months_to_compute)."""
    return _m("monitoring.Alert").objects.filter(run__status="published", month=f"{start:%Y-%m}")


def alerts_closed(start: dt.date, end: dt.date) -> QuerySet[Any]:
    # 闭环: settled by an officer (办结) or ruled out after checking (排除)
    return alerts(start, end).filter(work_status__in=("closed", "dismissed"))


def verifications(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("verification.VerificationReport").objects.filter(
        created_at__date__gte=start, created_at__date__lte=end
    )


def elders_special(start: dt.date, end: dt.date) -> QuerySet[Any]:
    from minzheng.visits.selectors import special_elders

    return special_elders(on=end)


def elders_visited(start: dt.date, end: dt.date) -> QuerySet[Any]:
    visited = _m("visits.Visit").objects.filter(visited_on__gte=start, visited_on__lte=end).values("elder_id")
    return elders_special(start, end).filter(person_id__in=visited)


def _child_programmes() -> list[str]:
    from minzheng.programmes.registry import programmes

    return [p.code for p in programmes() if p.app_label == "children"]


def children_covered(start: dt.date, end: dt.date) -> QuerySet[Any]:
    """Children with a children's programme in payment (a child counted once whatever its programmes)."""
    covered = enrolments(start, end).filter(programme__in=_child_programmes()).values("person_id")
    return _m("people.Person").objects.filter(pk__in=covered)


def children_checked(start: dt.date, end: dt.date) -> QuerySet[Any]:
    checked = _m("children.MonthlyCheck").objects.filter(month=start).values("person_id")
    return _m("people.Person").objects.filter(pk__in=checked)


def facilities(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("facilities.Facility").objects.filter(status__in=("filed", "licensed"))


def residents(start: dt.date, end: dt.date) -> QuerySet[Any]:
    """Residents on the month's last day (admitted by then, not yet discharged)."""
    return (
        _m("facilities.Residency")
        .objects.filter(admitted_on__lte=end)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=end))
    )


def orgs(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return (
        _m("orgs.Organisation")
        .objects.filter(registered_on__lte=end)
        .exclude(status="pending")
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
    )


def volunteers(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("volunteers.Volunteer").objects.filter(registered_on__lte=end)


def social_workers(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("volunteers.SocialWorker").objects.filter(certified_on__lte=end, active=True)


def burials(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("funeral.Burial").objects.filter(buried_on__gte=start.replace(month=1), buried_on__lte=end)


def burials_eco(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return burials(start, end).filter(eco=True)


def sw_stations(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("volunteers.Station").objects.all()


def townships(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return _m("regions.Region").objects.filter(level="township")


def cemeteries_new(start: dt.date, end: dt.date) -> QuerySet[Any]:
    """乡(村)级公益性公墓 built in the plan period (from 2021) and in use by the month's end."""
    return _m("funeral.Facility").objects.filter(
        kind="public_cemetery",
        level__in=("township", "village"),
        opened_on__gte=dt.date(2021, 1, 1),
        opened_on__lte=end,
    )


PEOPLE, ALERTS = "people.read", "alert.read"
MEASURES: tuple[Measure, ...] = (
    Measure("enrolled", "保障人数", "人", enrolments, "members_covered", "programme", permission=PEOPLE),
    # distinct households (COUNT DISTINCT as one row per household): a household in two programmes is one
    Measure("households", "保障户数", "户", households, permission=PEOPLE),
    # 应发: what the enrolments in payment were due that month — the history a trend reads for the months
    # before the system ran payrolls; 实发 (paid) is the month's payroll
    Measure("due", "应发金额", "元", enrolments, "monthly_amount", "programme", permission=PEOPLE),
    Measure("paid", "发放金额", "元", payroll, "amount", "programme", permission=PEOPLE),
    Measure("alerts", "监测预警", "条", alerts, detail="rule", label="rule_name", permission=ALERTS),
    Measure(
        "alerts_closed",
        "已闭环预警",
        "条",
        alerts_closed,
        detail="rule",
        label="rule_name",
        permission=ALERTS,
    ),
    Measure("verifications", "核对报告", "份", verifications, permission="verification.read"),
    Measure("elders_special", "特殊困难老年人", "人", elders_special, permission="elderly.read"),
    Measure("elders_visited", "当月已探访老年人", "人", elders_visited, permission="elderly.read"),
    Measure("children_covered", "保障儿童", "人", children_covered, permission="children.read"),
    Measure("children_checked", "当月已核查儿童", "人", children_checked, permission="children.read"),
    Measure("beds_total", "养老机构床位", "张", facilities, "beds_total", permission="facilities.read"),
    Measure("beds_occupied", "在住老年人", "人", residents, permission="facilities.read"),
    Measure("orgs", "社会组织", "家", orgs),
    Measure("volunteers", "注册志愿者", "人", volunteers, permission="volunteer.read"),
    Measure("social_workers", "持证社工", "人", social_workers, permission="socialwork.read"),
    Measure("burials", "年内安葬", "例", burials, permission=PEOPLE),
    Measure("burials_eco", "年内节地生态安葬", "例", burials_eco, permission=PEOPLE),
    Measure("sw_stations", "乡镇（街道）社工站", "个", sw_stations),
    Measure("townships", "乡镇（街道）", "个", townships, region_field="code"),
    Measure("cemeteries_new", "“十四五”新建乡村公益性公墓", "处", cemeteries_new),
)
MEASURE = {m.code: m for m in MEASURES}

# Rates a leader reads: numerator / denominator measures (both stored, so the rate is reproducible too)
RATES: tuple[tuple[str, str, str, str], ...] = (
    ("visit_rate", "特殊困难老年人月探访率", "elders_visited", "elders_special"),
    ("child_check_rate", "保障儿童月核查率", "children_checked", "children_covered"),
    ("alert_closure", "预警闭环率", "alerts_closed", "alerts"),
    ("occupancy", "养老床位入住率", "beds_occupied", "beds_total"),
    ("eco_burial", "节地生态安葬率", "burials_eco", "burials"),
    ("station_cover", "乡镇（街道）社工站覆盖率", "sw_stations", "townships"),
)
