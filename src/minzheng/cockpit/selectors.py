"""Reads of the cockpit: the stored figures of a region and its sub-regions over twelve months (one query
for the figures, one for the places, whatever the number of regions), the lists behind a figure, and the
plan targets with their values and lights. Every read is region-scoped: a region out of the actor's reach
reads as missing (404)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils import timezone

from minzheng.accounts.permissions import can, require, scoped
from minzheng.regions.models import Region, RegionLevel

from .formats import figure
from .measures import MEASURE, MEASURES, RATES, month_bounds
from .models import CockpitFigure, ReportKind, ReportStatus, StatReport, TargetEntry
from .reports import period_label
from .snapshot import SNAPSHOT_MEASURES
from .targets import GREY, LIGHT_LABELS, YEARS, Target, light, targets

READ = "cockpit.read"
LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
RATE = {code: (name, num, den) for code, name, num, den in RATES}
# The measures a map or a breakdown table may colour by (a measure's total or a rate)
MAP_CHOICES: tuple[tuple[str, str], ...] = (
    ("enrolled", "保障人数"),
    ("paid", "发放金额"),
    ("alerts", "监测预警"),
    ("visit_rate", "特殊困难老年人月探访率"),
    ("alert_closure", "预警闭环率"),
    ("occupancy", "养老床位入住率"),
    ("orgs", "社会组织"),
    ("volunteers", "注册志愿者"),
)


def months_back(month: dt.date, n: int = 12) -> list[dt.date]:
    y, m = month.year, month.month
    out = []
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def cockpit_region(*, actor: Any, code: str) -> Region:
    """The region the actor asks for (their own when none): a city, county or township in their scope."""
    require(actor, READ, target="cockpit")
    code = (code or "").strip() or (getattr(getattr(actor, "region", None), "code", "") or "")
    region = Region.objects.filter(code=code, level__in=LEVELS).select_related("parent").first()
    if region is None or not can(actor, READ, region_code=region.code):
        raise Http404
    return region


def default_month(*, today: dt.date) -> dt.date:
    """The month the cockpit opens on: the latest month with a published screening (the office screens a
    month early the next one, so today's month has none yet), else today's month."""
    latest = (
        apps.get_model("monitoring.ScreeningRun")
        .objects.filter(status="published", month__lte=f"{today:%Y-%m}")
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if latest:
        year, month = str(latest).split("-")[:2]
        return dt.date(int(year), int(month), 1)
    return today.replace(day=1)


LIVE_MINUTES = 10  # the current month's figures are recomputed when older than this


def months_stored(*, months: list[dt.date]) -> set[dt.date]:
    return set(CockpitFigure.objects.filter(month__in=months).values_list("month", flat=True).distinct())


def is_open_month(month: dt.date, today: dt.date | None = None) -> bool:
    """The month still running (today's): its figures move; a closed month's are frozen."""
    return month >= (today or timezone.localdate()).replace(day=1)


def months_to_compute(*, months: list[dt.date], today: dt.date) -> list[dt.date]:
    """The months a page must compute before reading (two queries): closed months never stored, the open
    month when never stored or stored more than LIVE_MINUTES ago, and any month whose screening run was
    published after its figures were stored (its alerts are counted under the run's month)."""
    stamps = dict(
        CockpitFigure.objects.filter(month__in=months)
        .values("month")
        .annotate(at=Max("computed_at"))
        .values_list("month", "at")
    )
    runs = apps.get_model("monitoring.ScreeningRun").objects.filter(
        status="published", month__in=[f"{m:%Y-%m}" for m in months], finished_at__isnull=False
    )
    screened = dict(runs.values_list("month", "finished_at"))
    stale = timezone.now() - dt.timedelta(minutes=LIVE_MINUTES)

    def due(m: dt.date) -> bool:
        if m not in stamps:
            return True
        if is_open_month(m, today) and stamps[m] < stale:
            return True
        published = screened.get(f"{m:%Y-%m}")
        return published is not None and stamps[m] < published

    return [m for m in months if due(m)]


@dataclass
class Cell:
    totals: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    details: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def get(self, key: str) -> Decimal | None:
        if key in RATE:
            _, num, den = RATE[key]
            d = self.totals.get(den, Decimal(0))
            return (self.totals.get(num, Decimal(0)) / d) if d else None
        return self.totals.get(key, Decimal(0))


@dataclass
class Board:
    region: Region
    month: dt.date
    months: list[dt.date]
    subs: list[Region]
    cells: dict[tuple[str, dt.date], Cell]
    labels: dict[tuple[str, str], str]
    stored: bool
    computed_at: dt.datetime | None = None  # when the month's figures of the region were stored

    def cell(self, code: str, month: dt.date | None = None) -> Cell:
        return self.cells.get((code, month or self.month), Cell())

    @property
    def here(self) -> Cell:
        return self.cell(self.region.code)


def board(*, actor: Any, region: Region, month: dt.date) -> Board:
    """One query for the twelve months of the region and its sub-regions, one for the sub-regions."""
    months = months_back(month)
    subs = list(Region.objects.filter(parent=region, level__in=LEVELS).order_by("code"))
    codes = [region.code, *(s.code for s in subs)]
    cells: dict[tuple[str, dt.date], Cell] = defaultdict(Cell)
    labels: dict[tuple[str, str], str] = {}
    rows = CockpitFigure.objects.filter(month__in=months, region_code__in=codes).values_list(
        "region_code", "month", "measure", "detail", "label", "value", "computed_at"
    )
    computed_at = None
    for code, m, measure, detail, label, value, at in rows:
        if code == region.code and m == month:
            computed_at = at if computed_at is None else max(computed_at, at)
        cell = cells[(code, m)]
        cell.totals[measure] += value
        if detail:
            cell.details[(measure, detail)] += value
            labels[(measure, detail)] = label
    return Board(
        region=region,
        month=month,
        months=months,
        subs=subs,
        cells=cells,
        labels=labels,
        stored=(region.code, month) in cells,
        computed_at=computed_at,
    )


SNAPSHOT = {code: (name, unit) for code, name, unit in SNAPSHOT_MEASURES}


def unit_of(key: str) -> str:
    if key in SNAPSHOT:
        return SNAPSHOT[key][1]
    return "%" if key in RATE else MEASURE[key].unit


def fmt(value: Decimal | None, key: str) -> str:
    """A figure as the page shows it everywhere (cards, tables): the one formatter, by the measure's unit."""
    return figure(value, unit_of(key))


KPIS = ("enrolled", "households", "paid", "alerts", "verifications", "orgs", "volunteers")


def kpis(b: Board) -> list[dict[str, Any]]:
    """The cards at the top: name (with unit) and the figure as the tables write it; each opens its list."""
    return [
        {
            "code": k,
            "name": f"{measure_name(k)}（{unit_of(k)}）",
            "shown": fmt(b.here.get(k), k),
        }
        for k in KPIS
    ]


def measure_name(key: str) -> str:
    if key in RATE:
        return RATE[key][0]
    if key in SNAPSHOT:
        return SNAPSHOT[key][0]
    return MEASURE[key].name


def sections(b: Board) -> list[dict[str, Any]]:
    """The cockpit's panels: each a chart spec (for ECharts) and the table behind it."""
    here = b.here
    by_programme = sorted(
        {d for (m, d) in here.details if m in ("enrolled", "paid")}
        | {
            d
            for (code, mo), c in b.cells.items()
            if code == b.region.code
            for (m, d) in c.details
            if m == "enrolled"
        }
    )
    trend_rows = []
    trend_shown = []
    for mo in b.months:
        c = b.cell(b.region.code, mo)
        people = [c.details.get(("enrolled", p), Decimal(0)) for p in by_programme]
        money = [c.get("due") or Decimal(0), c.get("paid") or Decimal(0)]
        trend_rows.append([f"{mo:%Y-%m}", *[int(v) for v in people], *[float(v) for v in money]])
        trend_shown.append(
            [f"{mo:%Y-%m}", *[fmt(v, "enrolled") for v in people], *[fmt(v, "paid") for v in money]]
        )
    prog_names = [b.labels.get(("enrolled", p)) or b.labels.get(("paid", p)) or p for p in by_programme]
    rules = sorted({d for (m, d) in here.details if m == "alerts"})
    alert_rows = [
        [
            b.labels.get(("alerts", r), r),
            fmt(here.details.get(("alerts", r), Decimal(0)), "alerts"),
            fmt(here.details.get(("alerts_closed", r), Decimal(0)), "alerts_closed"),
            fmt(
                (here.details.get(("alerts_closed", r), Decimal(0)) / here.details[("alerts", r)])
                if here.details.get(("alerts", r))
                else None,
                "alert_closure",
            ),
        ]
        for r in rules
    ]
    verif_rows = [
        [f"{mo:%Y-%m}", fmt(b.cell(b.region.code, mo).get("verifications"), "verifications")]
        for mo in b.months
    ]
    service = (
        "elders_special",
        "elders_visited",
        "visit_rate",
        "children_covered",
        "children_checked",
        "child_check_rate",
        "beds_total",
        "beds_occupied",
        "occupancy",
    )
    social = ("orgs", "volunteers", "social_workers", "sw_stations", "burials", "burials_eco", "eco_burial")
    bands = sorted((d, b.labels.get(("elders", d), d)) for (m, d) in here.details if m == "elders")
    population = [
        [measure_name("population"), fmt(here.get("population"), "population")],
        [measure_name("elders"), fmt(here.get("elders"), "elders")],
        *[[label, fmt(here.details.get(("elders", d)), "elders")] for d, label in bands],
    ]
    return [
        {
            "id": "population",
            "title": "户籍人口与老年人（数据交换快照）",
            "kind": "table",
            "header": ["指标", "数值"],
            "rows": population,
            "measure": "population",
        },
        {
            "id": "beneficiaries",
            "title": "保障对象与资金（近12个月）",
            "kind": "trend",
            "header": ["月份", *prog_names, "应发金额（元）", "发放金额（元）"],
            "rows": trend_shown,
            "data": trend_rows,
            "right": [len(prog_names) + 1, len(prog_names) + 2],
            "measure": "enrolled",
        },
        {
            "id": "alerts",
            "title": "监测预警与闭环（本月筛查批次，按规则）",
            "kind": "bars",
            "header": ["规则", "预警数", "已闭环", "闭环率"],
            "rows": alert_rows,
            "data": [
                [
                    b.labels.get(("alerts", r), r),
                    float(here.details.get(("alerts", r), 0)),
                    float(here.details.get(("alerts_closed", r), 0)),
                ]
                for r in rules
            ],
            "measure": "alerts",
        },
        {
            "id": "verifications",
            "title": "核对量（近12个月）",
            "kind": "trend",
            "header": ["月份", "核对报告（份）"],
            "rows": verif_rows,
            "data": [
                [f"{mo:%Y-%m}", float(b.cell(b.region.code, mo).get("verifications") or 0)] for mo in b.months
            ],
            "measure": "verifications",
        },
        {
            "id": "services",
            "title": "探访、儿童核查与养老床位（本月）",
            "kind": "table",
            "header": ["指标", "数值"],
            "rows": [[measure_name(k), fmt(here.get(k), k)] for k in service],
            "measure": "visit_rate",
        },
        {
            "id": "social",
            "title": "社会组织、志愿者、社工与殡葬（本月）",
            "kind": "table",
            "header": ["指标", "数值"],
            "rows": [[measure_name(k), fmt(here.get(k), k)] for k in social],
            "measure": "orgs",
        },
    ]


BREAKDOWN = (
    "enrolled",
    "paid",
    "alerts",
    "alert_closure",
    "verifications",
    "visit_rate",
    "occupancy",
    "orgs",
    "volunteers",
)


def breakdown(b: Board) -> dict[str, Any]:
    """The sub-regions side by side (the drill-down table; the map colours the counties by one column)."""
    return {
        "header": ["区划", *(measure_name(k) for k in BREAKDOWN)],
        "keys": BREAKDOWN,
        "rows": [
            {
                "region": s,
                "values": [(k, b.cell(s.code).get(k), fmt(b.cell(s.code).get(k), k)) for k in BREAKDOWN],
            }
            for s in b.subs
        ],
    }


def export_rows(b: Board) -> list[list[Any]]:
    """Every stored figure of the region and its sub-regions over the twelve months (Excel)."""
    out: list[list[Any]] = []
    names = {b.region.code: b.region.name, **{s.code: s.name for s in b.subs}}
    every = [(m.code, m.name, m.unit) for m in MEASURES] + list(SNAPSHOT_MEASURES)
    for (code, mo), cell in sorted(b.cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for mcode, mname, munit in every:
            if mcode in cell.totals:
                out.append(
                    [f"{mo:%Y-%m}", names.get(code, code), mname, "合计", float(cell.totals[mcode]), munit]
                )
            for (mc, d), v in sorted(cell.details.items()):
                if mc == mcode:
                    out.append(
                        [
                            f"{mo:%Y-%m}",
                            names.get(code, code),
                            mname,
                            b.labels.get((mc, d), d),
                            float(v),
                            munit,
                        ]
                    )
    return out


# --- the lists behind a figure (the last step of the drill-down)
def list_links(b: Board) -> list[dict[str, Any]]:
    """Every measure's list behind its figure, with the figure (and per programme or rule, if broken down)."""
    out = []
    for m in MEASURES:
        details = sorted(
            (
                (d, b.labels.get((mc, d), d), fmt(v, m.code))
                for (mc, d), v in b.here.details.items()
                if mc == m.code
            ),
            key=lambda x: x[1],
        )
        out.append(
            {
                "code": m.code,
                "name": list_title(m.code),
                "shown": fmt(b.here.get(m.code), m.code),
                "unit": m.unit,
                "details": details,
            }
        )
    return out


def list_title(measure: str) -> str:
    return f"{MEASURE[measure].name}名单"


def figure_list(
    *, actor: Any, region: Region, month: dt.date, measure: str, detail: str = ""
) -> QuerySet[Any]:
    """The records behind a stored figure: the measure's own rows (the very queryset the figure groups),
    narrowed to the region and detail and scoped to the reader. An unknown measure is a 404."""
    m = MEASURE.get(measure)
    if m is None:
        raise Http404
    start, end = month_bounds(month)
    prefix = region.code if region.level != RegionLevel.CITY else ""
    qs = scoped(m.permission, m.rows(start, end), actor, field=m.region_field)
    if any(f.name == "person" for f in qs.model._meta.fields):
        qs = qs.select_related("person")
    return m.in_region(qs, prefix, detail).order_by(m.region_field, "pk")


def list_row(measure: str, obj: Any) -> dict[str, Any]:
    """How a list shows one record: the person (by name, masked ID) or the place, where, and its value."""
    m = MEASURE[measure]
    person = obj if obj._meta.label == "people.Person" else getattr(obj, "person", None)
    name = person.name if person is not None else (getattr(obj, "name", "") or str(obj))
    masked = person.id_masked if person is not None else getattr(obj, "id_masked", "")
    kind = ""
    if m.detail:
        kind = getattr(obj, m.label) if m.label else _programme_name(getattr(obj, m.detail))
    return {
        "person_id": person.pk if person is not None else None,
        "name": name,
        "id_masked": masked,
        "region_code": getattr(obj, m.region_field),
        "kind": kind,
        "value": fmt(Decimal(getattr(obj, m.total) or 0), measure) if m.total else "",
    }


def place_name(code: str, names: dict[str, str]) -> str:
    """Where a record is, as people read it: the township and the village (a township's own record reads
    as the township)."""
    town = names.get(code[:9], "") if len(code) > 9 else ""
    here = names.get(code, "")
    return " ".join(p for p in (town, here) if p)


def _programme_name(code: str) -> str:
    from minzheng.programmes.registry import is_programme, programme_name

    return programme_name(code) if is_programme(code) else code


# --- plan targets
@dataclass
class TargetRow:
    target: Target
    years: list[dict[str, Any]]
    entries: list[TargetEntry]


def target_rows(*, actor: Any) -> list[TargetRow]:
    """Each target with its value, its course and its light for every plan year: one query for the city's
    stored figures, one for the entered values."""
    require(actor, READ, target="cockpit:targets")
    city = Region.objects.filter(level=RegionLevel.CITY).values_list("code", flat=True).first() or ""
    needed: set[str] = set()
    for t in targets():
        needed |= {RATE[t.measure][1], RATE[t.measure][2]} if t.measure in RATE else {t.measure} - {""}
    latest: dict[int, dt.date] = {}
    values: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    rows = CockpitFigure.objects.filter(
        region_code=city, measure__in=needed, month__year__in=YEARS
    ).values_list("month", "measure", "value")
    per_month: dict[dt.date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for m, measure, amount in rows:
        per_month[m][measure] += amount
        latest[m.year] = max(latest.get(m.year, m), m)
    for year, m in latest.items():
        for measure, v in per_month[m].items():
            values[(year, measure)] = v
    entries: dict[str, list[TargetEntry]] = defaultdict(list)
    for e in TargetEntry.objects.select_related("entered_by"):
        entries[e.target].append(e)
    out = []
    for t in targets():
        years = []
        for y in YEARS:
            value: Decimal | None
            if t.measure in RATE:
                _, num, den = RATE[t.measure]
                d = values.get((y, den))
                value = values.get((y, num), Decimal(0)) / d if d else None
            elif t.measure:
                value = values.get((y, t.measure)) if y in latest else None
            else:
                value = None
            # no computed value for the year: the latest entered value (填报, with its evidence) stands
            given = [e for e in entries[t.code] if e.year == y] if value is None else []
            if given:
                value = given[-1].value
            expected = t.expected(y)
            colour = light(value, expected)
            if colour == GREY and value is not None:  # a value but no yearly course: its source, not 无数据
                label = "填报" if given else "系统计算"
            else:
                label = LIGHT_LABELS[colour]
            years.append(
                {
                    "year": y,
                    "value": value,
                    "shown": _tfmt(value, t),
                    "expected": _tfmt(expected, t),
                    "light": colour,
                    "light_label": label,
                    "as_of": latest.get(y) if t.measure and not given else None,
                    "entered": bool(given),
                    "evidence": given[-1].evidence if given else "",
                }
            )
        out.append(TargetRow(target=t, years=years, entries=entries[t.code]))
    return out


def _tfmt(value: Decimal | None, t: Target) -> str:
    if value is None:
        return "—"
    if t.unit == "%":
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}{t.unit}"


# --- 统计报表
def reports(*, actor: Any, kind: str = "", year: int | None = None) -> QuerySet[StatReport]:
    """The reports of the actor's regions, every version, newest period first."""
    qs = scoped("statistics.read", StatReport.objects.all(), actor).select_related("generated_by", "filed_by")
    if kind in ReportKind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(period_start__year=year)
    return qs.order_by("-period_start", "region_code", "kind", "-version")


def report_get(*, actor: Any, pk: int) -> StatReport:
    report = reports(actor=actor).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def report_actions(*, actor: Any, report: StatReport) -> dict[str, bool]:
    """What the report page offers this reader: file a draft, correct a filed latest version."""
    latest = (
        StatReport.objects.filter(
            kind=report.kind, period_start=report.period_start, region_code=report.region_code
        )
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    is_latest = latest == report.pk
    draft = report.status == ReportStatus.DRAFT
    return {
        "file": is_latest and draft and can(actor, "statistics.file", region_code=report.region_code),
        "regenerate": is_latest
        and draft
        and can(actor, "statistics.generate", region_code=report.region_code),
        "correct": is_latest
        and not draft
        and can(actor, "statistics.generate", region_code=report.region_code),
    }


# The form's number and the authority that designed it, printed on each report's header (data, per kind).
REPORT_NUMBERS = {"monthly": "民统1表", "quarterly": "民统2表"}
REPORT_AUTHORITY = "济宁市民政局"


def report_header(report: StatReport) -> list[tuple[str, str]]:
    """The bureau's header of a report: 表号, 制表机关, 填报单位, 统计期, 单位负责人, 填表人, 报出日期 (and
    its version)."""
    region = Region.objects.filter(code=report.region_code).values_list("name", flat=True).first() or ""
    return [
        ("表号", REPORT_NUMBERS.get(report.kind, "")),
        ("制表机关", REPORT_AUTHORITY),
        ("填报单位", f"{region}民政局"),
        (
            "统计期",
            f"{period_label(report.kind, report.period_start)}"
            f"（{report.period_start:%Y-%m-%d}至{report.period_end:%Y-%m-%d}）",
        ),
        ("单位负责人", report.unit_head or "（未报出）"),
        ("填表人", str(report.generated_by) if report.generated_by_id else ""),
        ("报出日期", f"{timezone.localtime(report.filed_at):%Y-%m-%d}" if report.filed_at else "（未报出）"),
        (
            "版本",
            f"第{report.version}版"
            + (f"（更正：{report.correction_reason}）" if report.correction_reason else ""),
        ),
    ]


def report_tables(report: StatReport) -> list[dict[str, Any]]:
    """The stored tables with every figure written by the one formatter."""
    out = []
    for t in report.tables:
        units = t["units"]
        rows = [[r[0], *(figure(Decimal(v), units[i + 1]) for i, v in enumerate(r[1:]))] for r in t["rows"]]
        services = [[name, figure(Decimal(v), unit)] for name, v, unit in t["services"]]
        out.append({"title": t["title"], "header": t["header"], "rows": rows, "services": services})
    return out


def report_title(report: StatReport) -> str:
    return f"民政统计{report.get_kind_display()}"


def report_sheet(report: StatReport) -> list[list[Any]]:
    """The Excel sheet: the title, the bureau's header, then each table (numbers as numbers)."""
    lines: list[list[Any]] = [[f"{k}：{v}"] for k, v in report_header(report)]
    for t in report.tables:
        lines += [[], [t["title"]], list(t["header"])]
        lines += [[r[0], *(float(Decimal(v)) for v in r[1:])] for r in t["rows"]]
        lines += [[name, float(Decimal(v)), unit] for name, v, unit in t["services"]]
    return lines
