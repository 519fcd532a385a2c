"""民政驾驶舱 pages (thin): the cockpit of a city, county or township for a month, its Excel, the list
behind a figure, and the plan targets. The figures are read as stored; a month not yet stored is computed
once (by the system, audited) the first time anyone opens it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can
from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_int
from minzheng.core.posts import posted
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.regions.models import Region

from . import selectors as sel
from . import services as svc
from .formats import form_month
from .models import ReportKind
from .targets import targets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(request: HttpRequest) -> tuple[dt.date, str]:
    """The month asked for (?month=年-月), or the latest month with data when none is asked; a bad month is
    the latest month with data and the message saying why (shown on the page, not a redirect)."""
    today = timezone.localdate()
    raw = (request.GET.get("month") or "").strip()
    if raw:
        try:
            return form_month(raw, _("月份"), today=today), ""
        except ValidationError as e:
            return sel.default_month(today=today), e.messages[0]
    return sel.default_month(today=today), ""


def _ensure(months: list[dt.date]) -> None:
    """Store the closed months nobody has stored yet (then frozen, except when the month's screening run is
    published after them: its alerts are counted under the run's month) and keep the current month live:
    recomputed when its figures are older than LIVE_MINUTES."""
    actor = system_actor(purpose="民政驾驶舱按月汇总")
    for m in sel.months_to_compute(months=months, today=timezone.localdate()):
        try:
            svc.cockpit_month_compute(actor=actor, month=m, force=True)  # due: see months_to_compute
        except IntegrityError:  # another reader stored the same month a moment earlier: read theirs
            continue


def _context(request: HttpRequest) -> tuple[Region, dt.date, str] | HttpResponse:
    """The region and month a cockpit page asks for (and why a bad month was replaced), or the answer to a
    refused one: another region is a 403."""
    try:
        region = sel.cockpit_region(actor=request.user, code=request.GET.get("region", ""))
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    month, error = _month(request)
    return region, month, error


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    if isinstance(ctx, HttpResponse):
        return ctx
    region, month, month_error = ctx
    _ensure(sel.months_back(month))
    b = sel.board(actor=request.user, region=region, month=month)
    chosen = request.GET.get("map", "enrolled")
    if chosen not in dict(sel.MAP_CHOICES):
        chosen = "enrolled"
    sections = sel.sections(b)
    breakdown = sel.breakdown(b)
    base = reverse("cockpit-home")
    charts = {
        "sections": [
            {
                "id": s["id"],
                "kind": s["kind"],
                "header": s["header"],
                "rows": s.get("data", s["rows"]),
                "right": s.get("right", []),
            }
            for s in sections
        ],
        "map": {
            "measure": sel.measure_name(chosen),
            "geojson": "",
            "data": [
                {
                    "name": s.name,
                    "value": float(b.cell(s.code).get(chosen) or 0),
                    "url": f"{base}?region={s.code}&month={month:%Y-%m}",
                }
                for s in b.subs
            ],
        },
    }
    return render(
        request,
        "cockpit/home.html",
        {
            "region": region,
            "month": month,
            "board": b,
            "sections": sections,
            "breakdown": breakdown,
            "charts": charts,
            "map_choices": sel.MAP_CHOICES,
            "chosen": chosen,
            "is_city": region.level == "city",
            "is_township": region.level == "township",
            "computed_at": b.computed_at,
            "kpis": sel.kpis(b),
            "lists": sel.list_links(b),
            "programmes": sorted(
                {(d, b.labels.get(("enrolled", d), d)) for (m, d) in b.here.details if m == "enrolled"}
            ),
            "may_compute": can(request.user, "cockpit.compute"),
            "month_error": month_error,
        },
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    if isinstance(ctx, HttpResponse):
        return ctx
    region, month, month_error = ctx
    if month_error:
        return HttpResponseBadRequest(month_error, content_type="text/plain; charset=utf-8")
    b = sel.board(actor=request.user, region=region, month=month)
    rows = sel.export_rows(b)
    audit_record(
        actor=request.user,
        event_type=AuditEvent.EXPORT,
        target_type="cockpit.figures",
        region_code=region.code,
        new={"month": f"{month:%Y-%m}", "rows": len(rows)},
    )
    content = xlsx_bytes(["月份", "区划", "指标", "细分", "数值", "单位"], rows, title="民政驾驶舱")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cockpit-{region.code}-{month:%Y%m}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def figure_list(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    if isinstance(ctx, HttpResponse):
        return ctx
    region, month, month_error = ctx
    measure = request.GET.get("measure", "")
    detail = request.GET.get("detail", "").strip()[:40]
    qs = sel.figure_list(actor=request.user, region=region, month=month, measure=measure, detail=detail)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [sel.list_row(measure, r) for r in page]
    codes = {r["region_code"] for r in rows}
    places = dict(  # the villages and their townships, one query for the page
        Region.objects.filter(code__in=codes | {c[:9] for c in codes}).values_list("code", "name")
    )
    for r in rows:  # people read where by names (township and village), not codes
        r["place"] = sel.place_name(r["region_code"], places)
    m = sel.MEASURE[measure]
    return render(
        request,
        "cockpit/list.html",
        {
            "region": region,
            "month": month,
            "measure": m,
            "title": sel.list_title(measure),
            "page": page,
            "rows": rows,
            "detail": detail,
            "total": sel.fmt(m.value_of(qs), measure) if m.total else "",
            "month_error": month_error,
        },
    )


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    """Recompute a stored month (after late corrections): the city officer's deliberate act, audited."""
    try:
        month = form_month(request.POST.get("month", ""), _("月份"), today=timezone.localdate())
        n = svc.cockpit_month_compute(actor=request.user, month=month, force=True)
        messages.success(request, f"已重新汇总{month:%Y年%m月}，共{n}项指标")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect("cockpit-home")


@login_required
@require_http_methods(["GET", "POST"])
def plan_targets(request: HttpRequest) -> HttpResponse:
    """The plan targets and the form entering a value. A refused entry re-renders the page with the
    officer's input kept and the Chinese message (no redirect that would drop what was typed)."""
    form = {"target": "", "year": "", "value": "", "evidence": ""}
    if request.method == "POST":
        form = {k: str(request.POST.get(k, "")).strip()[:300] for k in form}
        try:
            svc.target_value_enter(
                actor=request.user,
                target_code=form["target"],
                year=form_int(form["year"], "年度", lo=2021, hi=2100),
                value=form["value"],
                evidence=form["evidence"],
            )
            messages.success(request, "已登记规划目标数值")
            return redirect("cockpit-targets")
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            messages.error(request, e.messages[0])
    try:
        rows = sel.target_rows(actor=request.user)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    entered = [t for t in targets() if not t.computed]
    return render(
        request,
        "cockpit/targets.html",
        {
            "rows": rows,
            "years": [y["year"] for y in rows[0].years] if rows else [],
            "entered": entered,
            "may_enter": can(request.user, "cockpit.target_enter"),
            "form": form,
        },
    )


# --- 统计报表
@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "statistics.read"):
        return HttpResponseForbidden("只有市级、县级民政部门和审计人员可以查看统计报表")
    if request.method == "POST" and (
        done := posted(
            request,
            lambda: svc.stat_report_generate(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                period=form_month(request.POST.get("period", ""), _("统计期"), today=timezone.localdate()),
                region_code=request.POST.get("region", ""),
            ),
            ok=lambda r: f"已生成{sel.report_title(r)}（第{r.version}版）",
            then=lambda r: redirect("cockpit-report", pk=r.pk),
        )
    ):
        return done
    try:
        year = form_int(request.GET.get("year"), "年度", required=False, lo=2000, hi=2100)
    except ValidationError as e:
        messages.error(request, e.messages[0])
        year = None
    kind = request.GET.get("kind", "")
    page = Paginator(sel.reports(actor=request.user, kind=kind, year=year), 30).get_page(
        request.GET.get("page")
    )
    names = dict(Region.objects.filter(code__in={r.region_code for r in page}).values_list("code", "name"))
    rows = [
        {
            "report": r,
            "place": names.get(r.region_code, ""),
            "period": sel.period_label(r.kind, r.period_start),
        }
        for r in page
    ]
    own = getattr(getattr(request.user, "region", None), "code", "")
    places = Region.objects.filter(Q(code=own) | Q(parent__code=own, level="county")).order_by("code")
    return render(
        request,
        "cockpit/reports.html",
        {
            "page": page,
            "rows": rows,
            "kind": kind,
            "year": year or "",
            "kinds": ReportKind.choices,
            "places": places,
            "may_generate": can(request.user, "statistics.generate"),
            "last_month": (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = sel.report_get(actor=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "file":
            do: Any = lambda: svc.stat_report_file(  # noqa: E731
                actor=request.user, report=report, unit_head=request.POST.get("unit_head", "")
            )
            ok = "已报出，报表已锁定"
        elif action == "correct":
            do = lambda: svc.stat_report_correct(  # noqa: E731
                actor=request.user, report=report, reason=request.POST.get("reason", "")
            )
            ok = "已生成更正版本，原版本保留"
        else:
            do = lambda: svc.stat_report_generate(  # noqa: E731
                actor=request.user,
                kind=report.kind,
                period=report.period_start,
                region_code=report.region_code,
            )
            ok = "已按最新数据重新生成"
        if done := posted(request, do, ok=ok, then=lambda r: redirect("cockpit-report", pk=r.pk)):
            return done
        report = sel.report_get(actor=request.user, pk=pk)
    versions = sel.reports(actor=request.user).filter(
        kind=report.kind, period_start=report.period_start, region_code=report.region_code
    )
    return render(
        request,
        "cockpit/report.html",
        {
            "report": report,
            "title": sel.report_title(report),
            "header": sel.report_header(report),
            "tables": sel.report_tables(report),
            "actions": sel.report_actions(actor=request.user, report=report),
            "versions": versions,
        },
    )


@login_required
@require_GET
def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    report = sel.report_get(actor=request.user, pk=pk)
    audit_record(
        actor=request.user,
        event_type=AuditEvent.EXPORT,
        target_type="statistics.report",
        target_id=report.pk,
        region_code=report.region_code,
        new={"version": report.version},
    )
    content = xlsx_bytes([sel.report_title(report)], sel.report_sheet(report), title=sel.report_title(report))
    response = HttpResponse(content, content_type=XLSX)
    name = f"statistics-{report.kind}-{report.region_code}-{report.period_start:%Y%m}-v{report.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
