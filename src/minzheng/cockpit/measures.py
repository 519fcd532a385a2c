"""What the cockpit measures, each as one grouped query per month over the web database: rows of
(township code, detail, label, value). Nothing here loops over people; the roll-up to county and city is a
sum over at most a few hundred township rows. Other apps' models are read through the app registry, so the
cockpit imports no line above it."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

Row = tuple[str, str, str, Decimal]  # township code, detail, label, value


@dataclass(frozen=True)
class Measure:
    code: str
    name: str  # Chinese msgid
    unit: str
    compute: Callable[[dt.date, dt.date], Iterable[Row]]


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _m(label: str) -> Any:
    return apps.get_model(label)


def _town() -> Substr:
    return Substr("region_code", 1, 9)


def _rows(qs: Any, value: str, detail: str = "", label: str = "") -> list[Row]:
    out: list[Row] = []
    for r in qs:
        out.append(
            (
                r["town"],
                str(r[detail]) if detail else "",
                str(r[label]) if label else "",
                Decimal(r[value] or 0),
            )
        )
    return out


def _programme_label(code: str) -> str:
    from minzheng.programmes.registry import is_programme, programme_name

    return programme_name(code) if is_programme(code) else code


def enrolled(start: dt.date, end: dt.date) -> list[Row]:
    qs = (
        _m("benefits.Enrolment")
        .objects.filter(first_month__lte=start)
        .filter(Q(last_month__isnull=True) | Q(last_month__gte=start))
        .annotate(town=_town())
        .values("town", "programme")
        .annotate(n=Sum("members_covered"))
        .order_by()
    )
    return [(t, d, _programme_label(d), v) for t, d, _, v in _rows(qs, "n", "programme")]


def paid(start: dt.date, end: dt.date) -> list[Row]:
    qs = (
        _m("benefits.PayrollLine")
        .objects.filter(month=start)
        .annotate(town=_town())
        .values("town", "programme")
        .annotate(n=Sum("amount"))
        .order_by()
    )
    return [(t, d, _programme_label(d), v) for t, d, _, v in _rows(qs, "n", "programme")]


def _alerts(start: dt.date, closed: bool) -> list[Row]:
    qs = _m("monitoring.Alert").objects.filter(month=f"{start:%Y-%m}")
    if closed:  # 闭环: settled by an officer (办结) or ruled out after checking (排除)
        qs = qs.filter(work_status__in=("closed", "dismissed"))
    qs = qs.annotate(town=_town()).values("town", "rule", "rule_name").annotate(n=Count("pk")).order_by()
    return _rows(qs, "n", "rule", "rule_name")


def alerts(start: dt.date, end: dt.date) -> list[Row]:
    return _alerts(start, closed=False)


def alerts_closed(start: dt.date, end: dt.date) -> list[Row]:
    return _alerts(start, closed=True)


def _count(model: str, **filters: Any) -> list[Row]:
    qs = _m(model).objects.filter(**filters).annotate(town=_town()).values("town").annotate(n=Count("pk"))
    return _rows(qs.order_by(), "n")


def verifications(start: dt.date, end: dt.date) -> list[Row]:
    return _count("verification.VerificationReport", created_at__date__gte=start, created_at__date__lte=end)


def elders_special(start: dt.date, end: dt.date) -> list[Row]:
    from minzheng.visits.selectors import special_elders

    qs = special_elders(on=end).annotate(town=_town()).values("town").annotate(n=Count("pk")).order_by()
    return _rows(qs, "n")


def elders_visited(start: dt.date, end: dt.date) -> list[Row]:
    from minzheng.visits.selectors import special_elders

    visited = _m("visits.Visit").objects.filter(visited_on__gte=start, visited_on__lte=end).values("elder_id")
    qs = (
        special_elders(on=end)
        .filter(person_id__in=visited)
        .annotate(town=_town())
        .values("town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _rows(qs, "n")


def _child_programmes() -> list[str]:
    from minzheng.programmes.registry import programmes

    return [p.code for p in programmes() if p.app_label == "children"]


def children_covered(start: dt.date, end: dt.date) -> list[Row]:
    qs = (
        _m("benefits.Enrolment")
        .objects.filter(programme__in=_child_programmes(), first_month__lte=start)
        .filter(Q(last_month__isnull=True) | Q(last_month__gte=start))
        .annotate(town=_town())
        .values("town")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    return _rows(qs, "n")


def children_checked(start: dt.date, end: dt.date) -> list[Row]:
    qs = (
        _m("children.MonthlyCheck")
        .objects.filter(month=start)
        .annotate(town=_town())
        .values("town")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    return _rows(qs, "n")


def beds_total(start: dt.date, end: dt.date) -> list[Row]:
    qs = (
        _m("facilities.Facility")
        .objects.filter(status__in=("filed", "licensed"))
        .annotate(town=_town())
        .values("town")
        .annotate(n=Sum("beds_total"))
        .order_by()
    )
    return _rows(qs, "n")


def beds_occupied(start: dt.date, end: dt.date) -> list[Row]:
    """Residents on the month's last day (admitted by then, not yet discharged)."""
    qs = (
        _m("facilities.Residency")
        .objects.filter(admitted_on__lte=end)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=end))
        .annotate(town=_town())
        .values("town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _rows(qs, "n")


def orgs(start: dt.date, end: dt.date) -> list[Row]:
    qs = (
        _m("orgs.Organisation")
        .objects.filter(registered_on__lte=end)
        .exclude(status="pending")
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .annotate(town=_town())
        .values("town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _rows(qs, "n")


def volunteers(start: dt.date, end: dt.date) -> list[Row]:
    return _count("volunteers.Volunteer", registered_on__lte=end)


def social_workers(start: dt.date, end: dt.date) -> list[Row]:
    return _count("volunteers.SocialWorker", certified_on__lte=end, active=True)


def burials(start: dt.date, end: dt.date) -> list[Row]:
    return _count("funeral.Burial", buried_on__gte=start.replace(month=1), buried_on__lte=end)


def burials_eco(start: dt.date, end: dt.date) -> list[Row]:
    return _count("funeral.Burial", buried_on__gte=start.replace(month=1), buried_on__lte=end, eco=True)


def sw_stations(start: dt.date, end: dt.date) -> list[Row]:
    return _count("volunteers.Station")


def townships(start: dt.date, end: dt.date) -> list[Row]:
    qs = (
        _m("regions.Region")
        .objects.filter(level="township")
        .annotate(town=Substr("code", 1, 9))
        .values("town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _rows(qs, "n")


def cemeteries_new(start: dt.date, end: dt.date) -> list[Row]:
    """乡(村)级公益性公墓 built in the plan period (from 2021) and in use by the month's end."""
    return _count(
        "funeral.Facility",
        kind="public_cemetery",
        level__in=("township", "village"),
        opened_on__gte=dt.date(2021, 1, 1),
        opened_on__lte=end,
    )


MEASURES: tuple[Measure, ...] = (
    Measure("enrolled", "保障人数", "人", enrolled),
    Measure("paid", "发放金额", "元", paid),
    Measure("alerts", "监测预警", "条", alerts),
    Measure("alerts_closed", "已闭环预警", "条", alerts_closed),
    Measure("verifications", "核对报告", "份", verifications),
    Measure("elders_special", "特殊困难老年人", "人", elders_special),
    Measure("elders_visited", "当月已探访老年人", "人", elders_visited),
    Measure("children_covered", "保障儿童", "人", children_covered),
    Measure("children_checked", "当月已核查儿童", "人", children_checked),
    Measure("beds_total", "养老机构床位", "张", beds_total),
    Measure("beds_occupied", "在住老年人", "人", beds_occupied),
    Measure("orgs", "社会组织", "家", orgs),
    Measure("volunteers", "注册志愿者", "人", volunteers),
    Measure("social_workers", "持证社工", "人", social_workers),
    Measure("burials", "年内安葬", "例", burials),
    Measure("burials_eco", "年内节地生态安葬", "例", burials_eco),
    Measure("sw_stations", "乡镇（街道）社工站", "个", sw_stations),
    Measure("townships", "乡镇（街道）", "个", townships),
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
