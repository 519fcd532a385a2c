"""Desk pages of the governance line: thin, each behind a permission; out of scope reads as missing (404).
Form input through `core.inputs`; a refusal is a Chinese message and changes nothing. The grid worker's
pages (households, incidents) are card lists that work at 390 px."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.models import User
from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.accounts.scoping import scope
from minzheng.casework.selectors import case_actions, case_history
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.posts import posted
from minzheng.people.models import Household
from minzheng.people.selectors import head_name, household_labels, person_get_for_actor, person_search

from . import selectors, services
from .models import GRADES, INCIDENT_STATES, Post, RequestStatus, ZoneLevel
from .workflow import HANDLE, INCIDENT, REPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BIG = 2**62


def _guard(request: HttpRequest, *permissions: str) -> HttpResponse | None:
    """Let through an actor holding any of `permissions`; otherwise the first one's refusal (audited)."""
    if any(can(request.user, p) for p in permissions):
        return None
    try:
        require(request.user, permissions[0], target=request.path[:60])
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None  # pragma: no cover - require() refused above


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def _person(request: HttpRequest, raw: Any) -> Any:
    try:
        return person_get_for_actor(actor=request.user, person_id=form_int(raw, "人员", hi=BIG))
    except ValidationError:
        raise ValidationError("请选择人员（先检索，再从结果中选择）") from None
    except Http404:
        raise ValidationError("未找到该人员") from None


def _found(request: HttpRequest) -> tuple[str, list[Any]]:
    q = request.GET.get("q", "").strip()[:30]
    return q, list(person_search(actor=request.user, q=q)[:20]) if q else []


# ---------------------------------------------------------------- home
@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.READ)) is not None:
        return refused
    today = timezone.localdate()
    return render(
        request,
        "governance/home.html",
        {
            "rates": selectors.on_time_rates(actor=request.user, on=today),
            "pay": selectors.pay_summary(actor=request.user, on=today),
            "zones": selectors.zone_counts(actor=request.user, on=today),
            "overdue": selectors.overdue_incidents(actor=request.user, on=today).count(),
        },
    )


# ---------------------------------------------------------------- grid households
def _grid_filtered(request: HttpRequest) -> Any:
    g = request.GET
    return selectors.grid_households(
        actor=request.user,
        q=g.get("q", "").strip()[:30],
        grid=g.get("grid", "").strip()[:15],
        building=g.get("building", "").strip()[:40],
    )


@login_required
@require_GET
def grid(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.GRID_READ, selectors.MANAGE, selectors.READ)) is not None:
        return refused
    page = Paginator(_grid_filtered(request), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/grid.html",
        {
            "page": page,
            "get": request.GET,
            "grids": selectors.grids_in_scope(request.user)[:200],
            "heads": selectors.building_heads(actor=request.user)[:50],
            "may_manage": can(request.user, selectors.MANAGE),
            "may_report": can(request.user, REPORT),
        },
    )


@login_required
@require_GET
def grid_export(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.GRID_READ)) is not None:
        return refused
    data = services.grid_households_export(
        actor=request.user, placements=list(_grid_filtered(request)[:5000])
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="grid-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
@require_GET
def household(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _guard(request, selectors.GRID_READ, selectors.MANAGE, selectors.READ)) is not None:
        return refused
    placement = selectors.placement_get(actor=request.user, household_id=pk)
    if placement is None:
        raise Http404("未找到该住户")
    hh = placement.household
    incidents = (
        selectors.readable_incidents(request.user).filter(household=hh).select_related("category")[:20]
    )
    return render(
        request,
        "governance/household.html",
        {
            "placement": placement,
            "household": hh,
            "label": household_labels(household_ids=[hh.pk])[hh.pk],
            "address": selectors.address_of(placement),
            "members": selectors.household_members(hh),
            "incidents": [(i, INCIDENT.state_label(i.state)) for i in incidents],
            "people_link": can(request.user, "people.read", region_code=hh.region_code),
            "may_report": can(request.user, REPORT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def place(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.MANAGE)) is not None:
        return refused
    if request.method == "POST":
        p = request.POST
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                n = services.placements_import(actor=request.user, upload=upload)
                messages.success(request, f"已导入{n}户")
            else:
                hh = (
                    scope(Household.objects.all(), request.user)
                    .filter(number=p.get("number", "").strip())
                    .first()
                )
                if hh is None:
                    raise ValidationError("户编号不存在或不在您的管辖范围内")
                services.household_place(
                    actor=request.user,
                    household=hh,
                    grid_code=p.get("grid_code", ""),
                    building=p.get("building", ""),
                    unit=p.get("unit", ""),
                    room=p.get("room", ""),
                )
                messages.success(request, f"户{hh.number}已落格")
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            return redirect("governance-place")
    return render(
        request,
        "governance/place.html",
        {"grids": selectors.grids_in_scope(request.user)[:500], "post": request.POST},
    )


@login_required
@require_GET
def place_template(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.MANAGE)) is not None:
        return refused
    response = HttpResponse(services.placements_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="placements-template.xlsx"'
    return response


def _head_post(request: HttpRequest) -> HttpResponse | None:
    p = request.POST
    form = p.get("form", "new")

    def head() -> Any:
        found = selectors.building_head_get(actor=request.user, pk=form_int(p.get("head"), "楼栋长", hi=BIG))
        if found is None:
            raise ValidationError("未找到该楼栋长，或已卸任")
        return found

    def do() -> Any:
        if form == "end":
            return services.building_head_end(
                actor=request.user, head=head(), ended_on=form_date(p.get("ended_on"), "卸任日期")
            )
        if form == "edit":
            return services.building_head_update(
                actor=request.user, head=head(), building=p.get("building", ""), phone=p.get("phone", "")
            )
        return services.building_head_appoint(
            actor=request.user,
            person=_person(request, p.get("person")),
            grid_code=p.get("grid_code", ""),
            building=p.get("building", ""),
            phone=p.get("phone", ""),
            appointed_on=form_date(p.get("appointed_on"), "任职日期"),
        )

    ok = {"end": "楼栋长已卸任", "edit": "已修改"}.get(form, "楼栋长已登记")
    return posted(request, do, ok=ok, then=lambda _: redirect("governance-heads"))


@login_required
@require_http_methods(["GET", "POST"])
def heads(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.MANAGE)) is not None:
        return refused
    if request.method == "POST" and (done := _head_post(request)) is not None:
        return done
    q, found = _found(request)
    page = Paginator(selectors.building_heads(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/heads.html",
        {
            "page": page,
            "q": q,
            "found": found,
            "grids": selectors.grids_in_scope(request.user)[:500],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grid_workers(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.MANAGE)) is not None:
        return refused
    candidates = [
        u
        for u in scope(
            User.objects.filter(is_active=True).select_related("region"), request.user, field="region__code"
        )
        .filter(region__level="grid")
        .order_by("region__code", "pk")[:200]
        if can(u, REPORT)
    ]
    p = request.POST

    def appoint() -> Any:
        uid = form_int(p.get("worker"), "网格员", hi=BIG)
        worker = next((u for u in candidates if u.pk == uid), None)
        if worker is None:
            raise ValidationError("请选择网格员")
        return services.grid_appoint(
            actor=request.user,
            worker=worker,
            grid_code=worker.region.code if worker.region else "",
            appointed_on=form_date(p.get("appointed_on"), "聘任日期"),
        )

    def end() -> Any:
        found = selectors.appointment_get(
            actor=request.user, pk=form_int(p.get("appointment"), "聘任", hi=BIG)
        )
        if found is None:
            raise ValidationError("未找到该聘任，或已解聘")
        return services.grid_appointment_end(
            actor=request.user, appointment=found, ended_on=form_date(p.get("ended_on"), "解聘日期")
        )

    if request.method == "POST":
        ending = p.get("form") == "end"
        done = posted(
            request,
            end if ending else appoint,
            ok="已解聘" if ending else "已聘任",
            then=lambda _: redirect("governance-grid-workers"),
        )
        if done is not None:
            return done
    page = Paginator(selectors.appointments(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/grid_workers.html",
        {"page": page, "candidates": candidates, "today": timezone.localdate()},
    )


# ---------------------------------------------------------------- incidents
INCIDENT_READERS = (REPORT, HANDLE, selectors.READ)


@login_required
@require_GET
def incidents(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, *INCIDENT_READERS)) is not None:
        return refused
    g = request.GET
    today = timezone.localdate()
    qs = selectors.incident_list(
        actor=request.user,
        state=g.get("state", "") if g.get("state", "") in dict(INCIDENT_STATES) else "",
        category=g.get("category", "")[:20],
        overdue=bool(g.get("overdue")),
        on=today,
    )
    if g.get("mine"):
        qs = qs.filter(reporter_id=request.user.pk)
    page = Paginator(qs, 30).get_page(g.get("page"))
    rows = [
        (
            i,
            INCIDENT.state_label(i.state),
            i.state in ("reported", "accepted", "handled") and i.due_on < today,
        )
        for i in page
    ]
    return render(
        request,
        "governance/incidents.html",
        {
            "page": page,
            "rows": rows,
            "get": g,
            "states": INCIDENT_STATES,
            "categories": selectors.categories(),
            "may_report": can(request.user, REPORT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, REPORT)) is not None:
        return refused
    households = (
        selectors.readable_placements(request.user)
        .select_related("household")
        .annotate(head_name=head_name())
        .order_by("building", "unit", "room", "pk")[:300]
    )
    if request.method == "POST":
        p = request.POST
        try:
            category = selectors.active_categories().filter(code=p.get("category", "")).first()
            if category is None:
                raise ValidationError("请选择事件类别")
            hh = None
            if p.get("household"):
                hid = form_int(p.get("household"), "涉及住户", hi=BIG)
                placed = selectors.placement_get(actor=request.user, household_id=hid)
                if placed is None:
                    raise ValidationError("该住户不在您的网格内")
                hh = placed.household
            incident = services.incident_report(
                actor=request.user,
                category=category,
                description=p.get("description", ""),
                photo=request.FILES.get("photo"),
                household=hh,
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(
                request, f"已上报，转{incident.office}办理，应于{incident.due_on:%Y-%m-%d}前办结"
            )
            return redirect("governance-incident", pk=incident.pk)
    return render(
        request,
        "governance/incident_new.html",
        {
            "categories": selectors.active_categories(),
            "households": households,
            "post": request.POST,
            "preset": request.GET.get("household", ""),
        },
    )


def _incident_or_404(request: HttpRequest, pk: int) -> Any:
    incident = selectors.incident_get(actor=request.user, pk=pk)
    if incident is None:
        raise Http404("未找到该事件")
    return incident


@login_required
@require_GET
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _guard(request, *INCIDENT_READERS)) is not None:
        return refused
    i = _incident_or_404(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "governance/incident.html",
        {
            "incident": i,
            "state_label": INCIDENT.state_label(i.state),
            "actions": case_actions(actor=request.user, case=i, workflow=INCIDENT),
            "history": case_history(workflow=INCIDENT, case=i),
            "line": selectors.category_line(i.category),
            "household_label": household_labels(household_ids=[i.household_id]).get(i.household_id, ""),
            "overdue": i.state != "closed" and i.due_on < today,
            "on_time": i.closed_on is not None and i.closed_on <= i.due_on,
            "household_link": i.household_id is not None
            and selectors.placement_get(actor=request.user, household_id=i.household_id) is not None,
        },
    )


@login_required
@require_GET
def incident_photo(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    if (refused := _guard(request, *INCIDENT_READERS)) is not None:
        return refused
    i = _incident_or_404(request, pk)
    if not i.photo:
        raise Http404("没有照片")
    response = FileResponse(i.photo.open("rb"))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def incident_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if (refused := _guard(request, HANDLE)) is not None:
        return refused
    i = _incident_or_404(request, pk)
    p = request.POST
    try:
        if action not in case_actions(actor=request.user, case=i, workflow=INCIDENT).codes:
            raise ValidationError("该事件当前不能办理此事项，请刷新后重试")
        version = form_int(p.get("version"), "版本", hi=BIG, required=False)
        if action == "accept":
            services.incident_accept(actor=request.user, incident=i, expected_version=version)
        elif action == "handle":
            services.incident_handle(
                actor=request.user, incident=i, result=p.get("result", ""), expected_version=version
            )
        elif action == "close":
            services.incident_close(actor=request.user, incident=i, expected_version=version)
        else:
            raise ValidationError("未知的办理事项")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已办理")
    return redirect("governance-incident", pk=i.pk)


@login_required
@require_GET
def rates(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.READ, HANDLE)) is not None:
        return refused
    today = timezone.localdate()
    try:
        since = form_date(request.GET.get("since"), "起始日期", required=False)
    except ValidationError as e:
        _errors(request, e)
        since = None
    return render(
        request,
        "governance/rates.html",
        {"rows": selectors.on_time_rates(actor=request.user, on=today, since=since), "since": since},
    )


@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    """The incident categories (routing table) kept by the county or city: add one, retire or restore."""
    if (refused := _guard(request, services.CATALOGUE)) is not None:
        return refused
    p = request.POST

    def do() -> Any:
        if p.get("form") == "active":
            found = selectors.categories().filter(pk=form_int(p.get("category"), "类别", hi=BIG)).first()
            if found is None:
                raise ValidationError("未找到该类别")
            return services.incident_category_set_active(
                actor=request.user, category=found, active=p.get("active") == "1"
            )
        return services.incident_category_add(
            actor=request.user,
            name=p.get("name", ""),
            office=p.get("office", ""),
            days_key=p.get("days_key", ""),
            line_code=p.get("line_code", ""),
        )

    if request.method == "POST" and (
        done := posted(request, do, ok="类别已更新", then=lambda _: redirect("governance-categories"))
    ):
        return done
    return render(
        request,
        "governance/categories.html",
        {
            "categories": [(c, selectors.category_line(c)) for c in selectors.categories()],
            "keys": selectors.time_limit_keys(actor=request.user, on=timezone.localdate()),
            "lines": selectors.line_choices(),
            "post": p,
        },
    )


# ---------------------------------------------------------------- community workers
@login_required
@require_http_methods(["GET", "POST"])
def workers(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, *selectors.WORKER_READERS)) is not None:
        return refused
    today = timezone.localdate()
    if request.method == "POST":
        p = request.POST
        try:
            services.worker_create(
                actor=request.user,
                name=p.get("name", ""),
                region_code=cascade_value(p),
                post=p.get("post", ""),
                grade=form_int(p.get("grade"), "等级", lo=1, hi=18),
                hired_on=form_date(p.get("hired_on"), "入职日期"),
                certified=bool(p.get("certified")),
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已登记社区工作者")
            return redirect("governance-workers")
    page = Paginator(selectors.readable_workers(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/workers.html",
        {
            "page": page,
            "rows": selectors.worker_rows(list(page), on=today),
            "pay": selectors.pay_summary(actor=request.user, on=today),
            "posts": Post.choices,
            "grades": GRADES,
            "may_manage": can(request.user, "governance.worker_manage"),
            "cascade": region_cascade(actor=request.user, selected=request.POST.get("village", "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def worker(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _guard(request, *selectors.WORKER_READERS)) is not None:
        return refused
    w = selectors.worker_get(actor=request.user, pk=pk)
    if w is None:
        raise Http404("未找到该社区工作者")
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("form") == "regrade":
                services.worker_regrade(
                    actor=request.user,
                    worker=w,
                    post=p.get("post", ""),
                    grade=form_int(p.get("grade"), "等级", lo=1, hi=18),
                )
            else:
                services.training_record(
                    actor=request.user,
                    worker=w,
                    held_on=form_date(p.get("held_on"), "培训日期"),
                    title=p.get("title", ""),
                    hours=form_decimal(p.get("hours"), "学时", places=1),
                    organiser=p.get("organiser", ""),
                )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已保存")
            return redirect("governance-worker", pk=w.pk)
    ((_, cell),) = selectors.worker_rows([w], on=timezone.localdate())
    return render(
        request,
        "governance/worker.html",
        {
            "worker": w,
            "cell": cell,
            "trainings": w.trainings.all()[:100],
            "posts": Post.choices,
            "grades": GRADES,
            "may_manage": can(request.user, "governance.worker_manage", region_code=w.region_code),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def paygrades(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, *selectors.WORKER_READERS, "governance.pay_table_manage")) is not None:
        return refused
    today = timezone.localdate()
    region = request.GET.get("region", "").strip()[:6] or "370800"
    if not region.isdigit():
        region = "370800"
    own = {k: f"{v:f}" for k, v in selectors.pay_table_own(region_code=region, on=today).items()}
    if request.method == "POST":
        p = request.POST
        keys = [f"{o}-{g}" for o in Post.values for g in GRADES]
        own = {k: p.get(f"pay-{k}", "").strip()[:20] for k in keys}
        try:
            pays = {
                (post, g): form_decimal(
                    p.get(f"pay-{post}-{g}"), services.pay_cell_label(post, g), required=False
                )
                for post in Post.values
                for g in GRADES
            }
            n = services.pay_table_set(
                actor=request.user,
                region_code=p.get("region", "").strip()[:6],
                pays=pays,
                source=p.get("source", ""),
                effective_from=form_date(p.get("effective_from"), "起始日期", future_days=366),
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已保存薪酬表，改动{n}格")
            return redirect(f"{request.path}?region={p.get('region', '').strip()[:6]}")
    return render(
        request,
        "governance/paygrades.html",
        {
            "region": region,
            "table": selectors.pay_table(region_code=region, on=today),
            "form_rows": [
                (g, [(label, f"pay-{post}-{g}", own.get(f"{post}-{g}", "")) for post, label in Post.choices])
                for g in GRADES
            ],
            "posts": Post.choices,
            "counties": selectors.counties(),
            "may_manage": can(request.user, "governance.pay_table_manage"),
            "post": request.POST,
        },
    )


# ---------------------------------------------------------------- one window
@login_required
@require_http_methods(["GET", "POST"])
def window(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "governance.window_take", selectors.READ)) is not None:
        return refused
    if request.method == "POST":
        p = request.POST
        try:
            matter = selectors.matters().filter(pk=form_int(p.get("matter"), "事项", hi=BIG)).first()
            if matter is None:
                raise ValidationError("请选择事项")
            req = services.window_request_take(
                actor=request.user,
                person=_person(request, p.get("person")),
                matter=matter,
                note=p.get("note", ""),
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已受理“{req.matter.name}”，已转承办业务线")
            return redirect("governance-window-request", pk=req.pk)
    q, found = _found(request)
    page = Paginator(
        selectors.readable_requests(request.user).select_related("person", "matter", "taken_by"), 30
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/window.html",
        {
            "page": page,
            "q": q,
            "found": found,
            "catalogue": selectors.catalogue(),
            "may_take": can(request.user, "governance.window_take"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def window_request(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _guard(request, "governance.window_take", selectors.READ)) is not None:
        return refused
    req = selectors.request_get(actor=request.user, pk=pk)
    if req is None:
        raise Http404("未找到该登记")
    if request.method == "POST":
        try:
            services.window_request_finish(
                actor=request.user, request=req, status=request.POST.get("status", "")
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已更新")
        return redirect("governance-window-request", pk=req.pk)
    return render(
        request,
        "governance/window_request.html",
        {
            "req": req,
            "link": selectors.matter_link(req.matter, person=req.person),
            "line": services.registered_target(req.matter.target),
            "may_finish": req.status == RequestStatus.ROUTED
            and can(request.user, "governance.window_take", region_code=req.region_code),
        },
    )


# ---------------------------------------------------------------- experimental zones
@login_required
@require_http_methods(["GET", "POST"])
def zones(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "governance.zone_manage", selectors.READ)) is not None:
        return refused
    if request.method == "POST":
        p = request.POST
        try:
            z = services.zone_create(
                actor=request.user,
                name=p.get("name", ""),
                level=p.get("level", ""),
                region_code=cascade_value(p),
                approved_on=form_date(p.get("approved_on"), "确认日期"),
                theme=p.get("theme", ""),
                measures=p.get("measures", ""),
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已登记")
            return redirect("governance-zone", pk=z.pk)
    page = Paginator(selectors.readable_zones(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/zones.html",
        {
            "page": page,
            "counts": selectors.zone_counts(actor=request.user, on=timezone.localdate()),
            "levels": ZoneLevel.choices,
            "may_manage": can(request.user, "governance.zone_manage"),
            "cascade": region_cascade(actor=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def zone(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _guard(request, "governance.zone_manage", selectors.READ)) is not None:
        return refused
    z = selectors.zone_get(actor=request.user, pk=pk)
    if z is None:
        raise Http404("未找到该实验区")
    if request.method == "POST":
        p = request.POST
        try:
            services.zone_evaluate(
                actor=request.user,
                zone=z,
                evaluated_on=form_date(p.get("evaluated_on"), "评估日期"),
                evaluator=p.get("evaluator", ""),
                conclusion=p.get("conclusion", ""),
                findings=p.get("findings", ""),
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已登记评估")
            return redirect("governance-zone", pk=z.pk)
    return render(
        request,
        "governance/zone.html",
        {
            "zone": z,
            "evaluations": z.evaluations.all()[:50],
            "conclusions": services.CONCLUSIONS,
            "may_manage": can(request.user, "governance.zone_manage", region_code=z.region_code),
        },
    )
