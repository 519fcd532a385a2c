"""Desk pages of 社会工作: stations with their coverage, a station's staff and service records, certified
social workers against the plan target. Thin: reads and writes through `socialwork`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from minzheng.accounts.permissions import can
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core import crypto
from minzheng.core.idnumber import normalize
from minzheng.core.inputs import form_date, form_int
from minzheng.core.labels import region_names
from minzheng.people.models import Person

from . import socialwork as sw
from .models import ServiceKind, StationService, WorkerLevel
from .views import _gate, _run


@login_required
@require_http_methods(["GET", "POST"])
def stations(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, sw.READ)) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        if (refused := _gate(request, sw.MANAGE)) is not None:
            return refused
        if _run(
            request,
            lambda: sw.station_create(
                actor=request.user,
                region_code=cascade_value(p),
                name=p.get("name", ""),
                opened_on=form_date(p.get("opened_on"), "建成运营日期", past_years=30),
                services=p.getlist("services"),
                address=p.get("address", ""),
            ),
            "社工站已登记",
        ):
            return redirect("socialwork-stations")
    rows = list(sw.stations(request.user)[:500])
    return render(
        request,
        "volunteers/stations.html",
        {
            "rows": rows,
            "places": region_names({s.region_code for s in rows}),
            "coverage": sw.coverage(actor=request.user, on=timezone.localdate()),
            "target": sw.coverage_target(on=timezone.localdate()),
            "can_manage": can(request.user, sw.MANAGE),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
            "services": StationService.choices,
            "form": p,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def station(request: HttpRequest, pk: int) -> HttpResponse:
    st = sw.station_get(actor=request.user, pk=pk)
    if st is None:
        raise Http404("记录不存在")
    p = request.POST
    if request.method == "POST":

        def go() -> None:
            number = normalize(p.get("id_number", ""))
            person = Person.objects.filter(id_hash=crypto.blind_index(number)).first() if number else None
            if person is None or not person.region_code.startswith(st.region_code):
                raise ValidationError("未在本乡镇（街道）找到该身份证号的居民")
            worker_id = form_int(p.get("worker"), "社会工作者", required=False)
            sw.service_record_create(
                actor=request.user,
                station=st,
                person=person,
                served_on=form_date(p.get("served_on"), "服务日期", past_years=5),
                kind=p.get("kind", ""),
                summary=p.get("summary", ""),
                worker=st.staff.filter(pk=worker_id).first() if worker_id else None,
            )

        if _run(request, go, "服务记录已登记"):
            return redirect("socialwork-station", pk=st.pk)
    return render(
        request,
        "volunteers/station.html",
        {
            "st": st,
            "place": region_names([st.region_code]).get(st.region_code, ""),
            "staff": st.staff.filter(active=True),
            "page": Paginator(sw.records_of(st), 30).get_page(request.GET.get("page")),
            "can_manage": can(request.user, sw.MANAGE, region_code=st.region_code),
            "kinds": ServiceKind.choices,
            "form": p,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workers(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, sw.READ)) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        if (refused := _gate(request, sw.MANAGE)) is not None:
            return refused

        def go() -> None:
            station_id = form_int(p.get("station"), "所在社工站", required=False)
            sw.worker_create(
                actor=request.user,
                name=p.get("name", ""),
                level=p.get("level", ""),
                certificate_no=p.get("certificate_no", ""),
                certified_on=form_date(p.get("certified_on"), "取证日期", past_years=40),
                employer=p.get("employer", ""),
                region_code=cascade_value(p),
                station=sw.stations(request.user).filter(pk=station_id).first() if station_id else None,
            )

        if _run(request, go, "持证社工已登记"):
            return redirect("socialwork-workers")
    page = Paginator(sw.workers(request.user), 30).get_page(request.GET.get("page"))
    ctx: dict[str, Any] = {
        "page": page,
        "places": region_names({w.region_code for w in page}),
        "target": sw.worker_target(actor=request.user, on=timezone.localdate()),
        "can_manage": can(request.user, sw.MANAGE),
        "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
        "levels": WorkerLevel.choices,
        "stations": sw.stations(request.user),
        "form": p,
    }
    return render(request, "volunteers/workers.html", ctx)
