"""The facilities desk: thin views over selectors and services. Bad input → a Chinese message, nothing
saved; out of scope → 404."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.accounts.signals import client_ip
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.elderly.shares import IDENTITIES, LEVEL_NAMES
from minzheng.policy.selectors import PolicyMissing

from . import selectors as sel
from . import services as svc
from .models import CareKind, GrantKind, Kind, Status

EXPORT_HEADER = [
    "名称",
    "类型",
    "运营方",
    "所在区划",
    "地址",
    "床位总数",
    "护理型床位",
    "在院人数",
    "星级",
    "备案状态",
    "备案/许可日期",
    "有效期至",
]


# Dates are read for their format here; each service checks its own window (a licence valid for years, an
# outing or a rectification ahead, an admission not in the future), so the form allows a century ahead.
_AHEAD = 36_500


def _date(value: Any, label: str) -> dt.date | None:
    return form_date(value, label, required=False, future_days=_AHEAD)


def _day(value: Any, label: str) -> dt.date:
    return form_date(value, label, future_days=_AHEAD)


def _coordinate(value: Any, label: str) -> Decimal | None:
    return form_decimal(value, label, required=False, places=8, lo=Decimal(-180), hi=Decimal(180))


def _guard(request: HttpRequest, permission: str, target: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _post(request: HttpRequest, fn: Callable[[], Any], ok: str, back: str) -> HttpResponse:
    """Run a service; its refusal or bad input becomes a message and nothing is saved."""
    try:
        fn()
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, ok)
    return redirect(back)


# ------------------------------------------------------------------------------------------ registry
@login_required
@require_http_methods(["GET"])
def facility_list(request: HttpRequest) -> HttpResponse:
    if denied := _guard(request, "facilities.read", "facilities:list"):
        return denied
    g = request.GET
    region = cascade_value(g)
    qs = sel.facilities_for_actor(
        actor=request.user,
        region=region,
        kind=g.get("kind", ""),
        status=g.get("status", ""),
        q=g.get("q", ""),
        licence=g.get("licence", ""),
    )
    if g.get("export") == "xlsx":
        rows_qs = list(qs[:5000])
        names = sel.region_names({f.region_code for f in rows_qs})
        rows = [
            [
                f.name,
                f.get_kind_display(),
                f.operator,
                names.get(f.region_code, ""),
                f.address,
                f.beds_total,
                f.beds_nursing,
                f.residents,  # type: ignore[attr-defined]
                f.star_rating,
                f.get_status_display(),
                str(f.filed_on or ""),
                str(f.valid_to or ""),
            ]
            for f in rows_qs
        ]
        audit_record(
            actor=request.user,
            event_type=AuditEvent.EXPORT,
            target_type="facilities.export",
            region_code=request.user.region.code if request.user.region else "",  # type: ignore[union-attr]
            detail=f"导出养老设施{len(rows)}条",
            ip=client_ip(request),
        )
        response = HttpResponse(
            xlsx_bytes(EXPORT_HEADER, rows, title="养老设施"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="facilities.xlsx"'
        return response
    page = Paginator(qs, 50).get_page(g.get("page"))
    names = sel.region_names({f.region_code for f in page})
    for f in page:
        f.region_name = names.get(f.region_code, "")  # type: ignore[attr-defined]
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "facilities/list.html",
        {
            "page": page,
            "names": names,
            "cascade": region_cascade(actor=request.user, selected=region),
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "licences": sel.LICENCE.items(),
            "f": g,
            "query": query.urlencode(),
            "can_manage": can(request.user, "elderly.facility_manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_new(request: HttpRequest) -> HttpResponse:
    if denied := _guard(request, "elderly.facility_manage", "facilities:new"):
        return denied
    p = request.POST
    if request.method == "POST":
        try:
            f = svc.facility_create(actor=request.user, **_facility_form(p))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"已登记{f.name}")
            return redirect("facilities-detail", f.pk)
    return _facility_page(request, p, cascade_value(p))


def _facility_form(p: Any) -> dict[str, Any]:
    """The facility form's fields, typed (register and edit: one form)."""
    return {
        "name": p.get("name", ""),
        "kind": p.get("kind", ""),
        "operator": p.get("operator", ""),
        "address": p.get("address", ""),
        "region_code": cascade_value(p),
        "beds_total": form_int(p.get("beds_total"), "床位总数") or 0,
        "beds_nursing": form_int(p.get("beds_nursing"), "护理型床位") or 0,
        "status": p.get("status", ""),
        "star_rating": form_int(p.get("star_rating"), "星级", required=False) or 0,
        "filed_on": _date(p.get("filed_on"), "备案/许可日期"),
        "valid_to": _date(p.get("valid_to"), "有效期至"),
        "area_m2": form_int(p.get("area_m2"), "面积", required=False),
        "latitude": _coordinate(p.get("latitude"), "纬度"),
        "longitude": _coordinate(p.get("longitude"), "经度"),
    }


def _facility_page(request: HttpRequest, values: Any, region: str, facility: Any = None) -> HttpResponse:
    return render(
        request,
        "facilities/new.html",
        {
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "f": values,
            "facility": facility,
            "cascade": region_cascade(actor=request.user, selected=region),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, facility_id: int) -> HttpResponse:
    """Edit a facility (a renewed licence, beds, rating); out of scope reads as missing."""
    f = sel.facility_get(actor=request.user, facility_id=facility_id)
    if not can(request.user, "elderly.facility_manage", region_code=f.region_code):
        raise Http404
    if request.method == "POST":
        try:
            f = svc.facility_update(actor=request.user, facility=f, **_facility_form(request.POST))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return _facility_page(request, request.POST, cascade_value(request.POST), f)
        messages.success(request, f"已保存{f.name}")
        return redirect("facilities-detail", f.pk)
    values = {
        k: getattr(f, k)
        for k in (
            "name",
            "kind",
            "operator",
            "address",
            "latitude",
            "longitude",
            "beds_total",
            "beds_nursing",
            "area_m2",
            "star_rating",
            "status",
        )
    }
    values |= {
        "filed_on": f.filed_on.isoformat() if f.filed_on else "",
        "valid_to": f.valid_to.isoformat() if f.valid_to else "",
    }
    return _facility_page(request, values, f.region_code, f)


@login_required
@require_http_methods(["GET"])
def facility_detail(request: HttpRequest, facility_id: int) -> HttpResponse:
    if denied := _guard(request, "facilities.read", f"facilities:{facility_id}"):
        return denied
    f = sel.facility_get(actor=request.user, facility_id=facility_id)
    month = timezone.localdate().replace(day=1)
    with contextlib.suppress(ValueError):  # ?month=YYYY-MM: another month's fee shares; else this month's
        month = dt.date.fromisoformat(f"{request.GET.get('month', '')}-01")
    return render(
        request,
        "facilities/detail.html",
        {
            "f": f,
            "region_name": sel.region_names({f.region_code}).get(f.region_code, ""),
            "residents": sel.residents_of(actor=request.user, facility=f),
            "fees": sel.fee_shares(actor=request.user, facility=f, month=month),
            "month": month,
            "can_admit": can(request.user, "elderly.facility_manage", region_code=f.region_code),
            "identities": IDENTITIES.items(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def admit(request: HttpRequest, facility_id: int) -> HttpResponse:
    f = sel.facility_get(actor=request.user, facility_id=facility_id)
    p = request.POST

    def run() -> None:
        person = sel.elder_by_id_number(actor=request.user, id_number=p.get("id_number", ""))
        if person is None:
            raise ValidationError("未找到该身份证号的人员（须为本辖区已登记人员）")
        svc.residency_admit(
            actor=request.user,
            facility=f,
            person=person,
            identity=p.get("identity", ""),
            monthly_fee=form_int(p.get("monthly_fee"), "月照护费") or 0,
            admitted_on=_day(p.get("admitted_on"), "入住日期") or timezone.localdate(),
            room=p.get("room", ""),
        )

    return _post(request, run, "已办理入住", f"/facilities/{f.pk}/")


# ------------------------------------------------------------------------------------------ residents
@login_required
@require_http_methods(["GET"])
def resident(request: HttpRequest, residency_id: int) -> HttpResponse:
    if denied := _guard(request, "facilities.read", f"facilities:residency:{residency_id}"):
        return denied
    r = sel.residency_get(actor=request.user, residency_id=residency_id)
    records = None
    if request.GET.get("show") == "records":
        try:
            records = svc.care_records_reveal(actor=request.user, residency=r)
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
    return render(
        request,
        "facilities/resident.html",
        {
            "r": r,
            "records": records,
            "actions": sel.residency_actions(actor=request.user, residency=r),
            "kinds": CareKind.choices,
            "outings": r.outings.all()[:20],
            "level_name": LEVEL_NAMES.get(r.care_level, ""),
            "identity_name": IDENTITIES.get(r.identity, ""),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def resident_action(request: HttpRequest, residency_id: int, action: str) -> HttpResponse:
    r = sel.residency_get(actor=request.user, residency_id=residency_id)
    p = request.POST
    back = f"/facilities/resident/{r.pk}/"
    if action == "record":
        return _post(
            request,
            lambda: svc.care_record_add(
                actor=request.user, residency=r, kind=p.get("kind", ""), content=p.get("content", "")
            ),
            "已登记",
            back + "?show=records",
        )
    if action == "outing":
        return _post(
            request,
            lambda: svc.outing_request(
                actor=request.user,
                residency=r,
                reason=p.get("reason", ""),
                companion=p.get("companion", ""),
                leave_on=_day(p.get("leave_on"), "外出日期"),
                return_by=_day(p.get("return_by"), "预计返院日期"),
            ),
            "已提交外出申请",
            back,
        )
    if action == "discharge":
        return _post(
            request,
            lambda: svc.residency_discharge(
                actor=request.user,
                residency=r,
                on=_day(p.get("on"), "出院日期"),
                reason=p.get("reason", ""),
            ),
            "已办理出院",
            back,
        )
    raise Http404


@login_required
@require_POST
def outing_action(request: HttpRequest, outing_id: int, action: str) -> HttpResponse:
    o = sel.outing_get(actor=request.user, outing_id=outing_id)
    back = f"/facilities/resident/{o.residency_id}/"
    if action in ("approve", "refuse"):
        return _post(
            request,
            lambda: svc.outing_decide(actor=request.user, outing=o, approve=action == "approve"),
            "已审批",
            back,
        )
    if action == "return":
        return _post(
            request,
            lambda: svc.outing_return(
                actor=request.user, outing=o, on=_day(request.POST.get("on"), "返院日期")
            ),
            "已登记返院",
            back,
        )
    raise Http404


# ------------------------------------------------------------------------------------------ figures
@login_required
@require_http_methods(["GET"])
def figures(request: HttpRequest) -> HttpResponse:
    if denied := _guard(request, "facilities.read", "facilities:figures"):
        return denied
    on = timezone.localdate()
    try:
        rows, total, targets = sel.city_figures(actor=request.user, on=on)
    except PolicyMissing as e:
        messages.error(request, str(e))
        rows, total, targets = [], None, {}
    shown = [(c, c.shown(targets)) for c in [*rows, *([total] if total else [])]]
    return render(
        request,
        "facilities/figures.html",
        {"shown": shown, "targets": {k: sel.pct(v) for k, v in targets.items()}, "on": on},
    )


# ------------------------------------------------------------------------------------------ grants
def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest) -> HttpResponse:
    if denied := _guard(request, "facilities.read", "facilities:grants"):
        return denied
    year = _year(request)
    if request.method == "POST":
        p = request.POST

        def run() -> None:
            fid = form_int(p.get("facility"), "设施")
            f = sel.facility_get(actor=request.user, facility_id=fid or 0)
            svc.grant_apply(
                actor=request.user,
                facility=f,
                kind=p.get("kind", ""),
                year=form_int(p.get("year"), "年度") or 0,
                area_m2=form_int(p.get("area_m2"), "面积") or 0,
                rural=p.get("rural") == "1",
                amount=form_int(p.get("amount"), "申请金额", required=False) or 0,
            )

        return _post(request, run, "已提交补助申请", f"/facilities/grants/?year={year}")
    return _yearly_list(
        request,
        "facilities/grants.html",
        year=year,
        progress=sel.canteen_progress(actor=request.user, year=year),
        items=sel.grants_for_actor(actor=request.user, year=year),
        next_step=lambda g: sel.grant_next_step(actor=request.user, grant=g),
        kinds=GrantKind.choices,
        facilities=sel.facilities_for_actor(actor=request.user)[:500],
    )


def _yearly_list(
    request: HttpRequest,
    template: str,
    *,
    year: int,
    progress: tuple[Any, Any],
    items: Any,
    next_step: Callable[[Any], Any],
    **extra: Any,
) -> HttpResponse:
    """The year's list of a staged flow (grants, home adaptations): progress against the target, a page
    of items each with the next step the actor may take (from the selector)."""
    done, target = progress
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "rows": [(x, next_step(x)) for x in page],
            "year": year,
            "done": done,
            "target": target,
            "can_manage": can(request.user, "elderly.facility_manage"),
            **extra,
        },
    )


@login_required
@require_POST
def grant_advance_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    g = sel.grant_get(actor=request.user, grant_id=grant_id)
    p = request.POST
    return _post(
        request,
        lambda: svc.grant_advance(
            actor=request.user, grant=g, passed=p.get("passed", "1") == "1", note=p.get("note", "")
        ),
        "已办理",
        f"/facilities/grants/?year={g.year}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def adaptations(request: HttpRequest) -> HttpResponse:
    if denied := _guard(request, "facilities.read", "facilities:adaptations"):
        return denied
    year = _year(request)
    if request.method == "POST":
        p = request.POST

        def run() -> None:
            person = sel.elder_by_id_number(actor=request.user, id_number=p.get("id_number", ""))
            if person is None:
                raise ValidationError("未找到该身份证号的人员（须为本辖区已登记人员）")
            svc.adaptation_apply(
                actor=request.user,
                person=person,
                year=form_int(p.get("year"), "年度") or 0,
                items=p.get("items", ""),
            )

        return _post(request, run, "已受理适老化改造申请", f"/facilities/adaptations/?year={year}")
    return _yearly_list(
        request,
        "facilities/adaptations.html",
        year=year,
        progress=sel.adaptation_progress(actor=request.user, year=year),
        items=sel.adaptations_for_actor(actor=request.user, year=year),
        next_step=lambda a: sel.adaptation_next_step(actor=request.user, adaptation=a),
    )


@login_required
@require_POST
def adaptation_advance_view(request: HttpRequest, adaptation_id: int) -> HttpResponse:
    a = sel.adaptation_get(actor=request.user, adaptation_id=adaptation_id)
    return _post(
        request,
        lambda: svc.adaptation_advance(
            actor=request.user,
            adaptation=a,
            amount=form_int(request.POST.get("amount"), "改造费用", required=False),
        ),
        "已办理",
        f"/facilities/adaptations/?year={a.year}",
    )


# ------------------------------------------------------------------------------------------ supervision
@login_required
@require_http_methods(["GET", "POST"])
def draws(request: HttpRequest) -> HttpResponse:
    if denied := _guard(request, "facilities.read", "facilities:draws"):
        return denied
    if request.method == "POST":
        holder: dict[str, Any] = {}

        def run() -> None:
            region = request.user.region.code if request.user.region else ""  # type: ignore[union-attr]
            holder["d"] = svc.draw_make(
                actor=request.user,
                region_code=region,
                count=form_int(request.POST.get("count"), "抽取机构数") or 0,
            )

        resp = _post(request, run, "已完成双随机抽取", "/facilities/supervision/")
        return redirect("facilities-draw", holder["d"].pk) if "d" in holder else resp
    page = Paginator(sel.draws_for_actor(actor=request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "facilities/draws.html",
        {
            "page": page,
            "overdue": sel.rectifications_overdue(actor=request.user, on=timezone.localdate())[:100],
            "can_manage": can(request.user, "elderly.facility_manage"),
        },
    )


@login_required
@require_http_methods(["GET"])
def draw_detail(request: HttpRequest, draw_id: int) -> HttpResponse:
    if denied := _guard(request, "facilities.read", f"facilities:draw:{draw_id}"):
        return denied
    d = sel.draw_get(actor=request.user, draw_id=draw_id)
    return render(
        request,
        "facilities/draw.html",
        {"d": d, "inspections": sel.inspections_of(actor=request.user, draw=d)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    if denied := _guard(request, "facilities.read", f"facilities:inspection:{inspection_id}"):
        return denied
    i = sel.inspection_get(actor=request.user, inspection_id=inspection_id)
    if request.method == "POST":
        p = request.POST
        back = f"/facilities/inspection/{i.pk}/"
        if p.get("action") == "rectified":
            return _post(
                request,
                lambda: svc.inspection_rectified(
                    actor=request.user, inspection=i, on=_day(p.get("on"), "整改完成日期")
                ),
                "已登记整改完成",
                back,
            )
        return _post(
            request,
            lambda: svc.inspection_record(
                actor=request.user,
                inspection=i,
                finding=p.get("finding", ""),
                fire_safe=p.get("fire_safe") == "1",
                rectify_by=_date(p.get("rectify_by"), "整改期限"),
                credit_mark=p.get("credit_mark", ""),
            ),
            "已登记检查结果",
            back,
        )
    return render(
        request,
        "facilities/inspection.html",
        {
            "i": i,
            "inspectors": i.inspectors.all(),
            "can_manage": can(request.user, "elderly.facility_manage", region_code=i.region_code),
            "today": timezone.localdate(),
        },
    )


# ------------------------------------------------------------------------------------------ care workers
@login_required
@require_http_methods(["GET", "POST"])
def workers(request: HttpRequest) -> HttpResponse:
    if denied := _guard(request, "facilities.read", "facilities:workers"):
        return denied
    if request.method == "POST":
        p = request.POST

        def run() -> None:
            f = sel.facility_get(actor=request.user, facility_id=form_int(p.get("facility"), "机构") or 0)
            svc.care_worker_create(
                actor=request.user,
                facility=f,
                name=p.get("name", ""),
                training_hours=form_int(p.get("training_hours"), "培训学时", required=False) or 0,
                certificate=p.get("certificate", ""),
            )

        return _post(request, run, "已登记护理员", "/facilities/workers/")
    rows = sel.care_workers_for_actor(actor=request.user)
    return render(
        request,
        "facilities/workers.html",
        {
            "rows": rows,
            "total_hours": sum(w.training_hours for w, _s in rows),
            "facilities": sel.facilities_for_actor(actor=request.user)[:500],
            "can_manage": can(request.user, "elderly.facility_manage"),
            "year": timezone.localdate().year,
        },
    )


@login_required
@require_POST
def worker_award(request: HttpRequest, worker_id: int) -> HttpResponse:
    w = next((w for w, _s in sel.care_workers_for_actor(actor=request.user) if w.pk == worker_id), None)
    if w is None:
        raise Http404
    return _post(
        request,
        lambda: svc.care_worker_award(
            actor=request.user, worker=w, year=form_int(request.POST.get("year"), "年度") or 0
        ),
        "已登记获评",
        "/facilities/workers/",
    )
