"""统计报表 tables: the layouts a civil-affairs bureau files upward, built set-based from the cockpit's own
measure definitions (one grouped query for the enrolments, one for the payroll, one per service figure),
so a report and the cockpit never count the same thing two ways. Money is what the payrolls paid in the
period; households and persons are those in payment in the period's last month, split 城镇/农村 by hukou."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum

from .measures import MEASURE, enrolments, month_bounds, with_household_unit

# the sections of the report: (title, the programmes' app, the service figures of the section)
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("一、社会救助", "assistance", ()),
    (
        "二、老年人福利与养老服务",
        "elderly",
        ("elders_special", "elders_visited", "beds_total", "beds_occupied"),
    ),
    ("三、儿童福利", "children", ("children_covered", "children_checked")),
    ("四、残疾人福利", "disability", ()),
)
HEADER = ["项目", "城镇户数", "城镇人数", "农村户数", "农村人数", "合计户数", "合计人数", "支出金额（元）"]
UNITS = ["", "户", "人", "户", "人", "户", "人", "元"]


def period_bounds(kind: str, period: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month, or of the quarter holding `period`."""
    if kind == "quarterly":
        first = dt.date(period.year, 3 * ((period.month - 1) // 3) + 1, 1)
        return first, month_bounds(dt.date(first.year, first.month + 2, 1))[1]
    return month_bounds(period)


def period_label(kind: str, start: dt.date) -> str:
    if kind == "quarterly":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


def build(*, region_code: str, start: dt.date, end: dt.date, prefix: str) -> list[dict[str, Any]]:
    """The report's tables for a region (`prefix` "" = the whole city) and period."""
    from minzheng.programmes.registry import programmes

    last_month = end.replace(day=1)
    # 户数: distinct households (a person-level enrolment, e.g. 特困, stands for the person's current
    # household, so spouses on 特困 are one household); a person with no household counts alone
    people = (
        with_household_unit(enrolments(last_month, end).filter(region_code__startswith=prefix))
        .values("programme", "person__hukou_type")
        .annotate(
            hh=Count("unit_household", distinct=True),
            alone=Count("person_id", distinct=True, filter=Q(unit_household__isnull=True)),
            p=Sum("members_covered"),
        )
        .order_by()
    )
    counts: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [Decimal(0)] * 2))
    for r in people:
        side = "urban" if r["person__hukou_type"] == "urban" else "rural"
        counts[r["programme"]][side] = [Decimal(r["hh"] + r["alone"]), Decimal(r["p"] or 0)]
    paid = dict(
        apps.get_model("benefits.PayrollLine")
        .objects.filter(month__gte=start, month__lte=end, region_code__startswith=prefix)
        .values("programme")
        .annotate(n=Sum("amount"))
        .order_by()
        .values_list("programme", "n")
    )
    tables = []
    for title, app_label, services in SECTIONS:
        rows: list[list[str]] = []
        total = [Decimal(0)] * 7
        for p in programmes():
            if p.app_label != app_label:
                continue
            u, r = counts[p.code]["urban"], counts[p.code]["rural"]
            values = [u[0], u[1], r[0], r[1], u[0] + r[0], u[1] + r[1], Decimal(paid.get(p.code) or 0)]
            total = [a + b for a, b in zip(total, values, strict=True)]
            rows.append([p.name, *map(str, values)])
        if len(rows) > 1:
            rows.append(["合计", *map(str, total)])
        services_rows = []
        for code in services:
            m = MEASURE[code]
            value = m.value_of(m.in_region(m.rows(last_month, end), prefix))
            services_rows.append([f"{m.name}（{m.unit}，期末）", str(value), m.unit])
        tables.append(
            {"title": title, "header": HEADER, "units": UNITS, "rows": rows, "services": services_rows}
        )
    return tables
