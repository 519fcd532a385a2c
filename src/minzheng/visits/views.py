"""The visits line's desk and phone pages (thin: selectors read, services write). Elder pages are keyed by
the person id and answer 404 for an elder out of the actor's reach, exactly like a missing one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.people.models import Person

from . import selectors as sel
from . import services as svc
from .models import (
    Health,
    Need,
    Pair,
    PairFrequency,
    RaiseKind,
    RaiseStatus,
    Safety,
    Visit,
    VisitMode,
    VisitorKind,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _person(request: HttpRequest, person_id: int) -> Person:
    person = sel.scoped_person(actor=request.user, person_id=person_id)
    if person is None:
        raise Http404
    return person


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _user_in_scope(request: HttpRequest, raw: str) -> Any:
    if not raw:
        return None
    wanted = {str(u.pk): u for u in sel.visitors_for(actor=request.user)}
    if raw not in wanted:
        raise ValidationError("所选探访人员不在本辖区")
    return wanted[raw]


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """本月待探访: the visitor's own list, unvisited first (a phone page)."""
    try:
        require(request.user, sel.RECORD, target="visits:mine")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    month = timezone.localdate().replace(day=1)
    page = Paginator(sel.my_month(actor=request.user, month=month), 30).get_page(request.GET.get("page"))
    return render(request, "visits/mine.html", {"page": page, "month": month})


def _form_context(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    return {
        "person": person,
        "panel": sel.visits_panel(actor=request.user, person=person),
        "modes": VisitMode.choices,
        "healths": Health.choices,
        "safeties": Safety.choices,
        "needs": Need.choices,
        "raise_kinds": RaiseKind.choices,
        "today": timezone.localdate(),
        "may_record": svc.may_record(request.user, person) and can(request.user, sel.RECORD),
        "may_assign": can(request.user, "visits.assign", region_code=person.region_code),
        "kinds": VisitorKind.choices,
        "frequencies": PairFrequency.choices,
        "visitors": sel.visitors_for(actor=request.user) if can(request.user, "visits.assign") else [],
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def elder(request: HttpRequest, person_id: int) -> HttpResponse:
    """The elder's visit page: record a visit (phone), see the last visits, the visitor and the pair."""
    person = _person(request, person_id)
    if request.method == "POST":
        try:
            svc.visit_record(
                actor=request.user,
                elder=person,
                visited_on=form_date(request.POST.get("visited_on"), "探访日期"),
                mode=request.POST.get("mode", ""),
                health=request.POST.get("health", ""),
                safety=request.POST.get("safety", ""),
                needs=request.POST.getlist("needs"),
                note=request.POST.get("note", ""),
                photo=request.FILES.get("photo"),
                raises=request.POST.getlist("raises"),
                raise_note=request.POST.get("raise_note", ""),
            )
        except ValidationError as e:
            return render(
                request,
                "visits/elder.html",
                _form_context(request, person, error=e.messages[0], form=request.POST),
                status=400,
            )
        messages.success(request, "探访已登记")
        return redirect(
            reverse("visits-mine")
            if not can(request.user, "visits.assign")
            else reverse("visits-elder", args=[person.pk])
        )
    return render(request, "visits/elder.html", _form_context(request, person))


@login_required
@require_GET
def photo(request: HttpRequest, person_id: int) -> HttpResponse | FileResponse:
    person = _person(request, person_id)
    visit = Visit.objects.filter(pk=_int(request.GET.get("visit")), elder=person).exclude(photo="").first()
    if visit is None:
        raise Http404
    response = FileResponse(svc.visit_photo_open(actor=request.user, visit=visit))
    response["Cache-Control"] = "no-store"
    return response


def _int(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return 0


@login_required
@require_POST
def assign_elder(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    try:
        svc.visitor_assign(
            actor=request.user,
            elder=person,
            kind=request.POST.get("kind", ""),
            visitor=_user_in_scope(request, request.POST.get("visitor", "")),
            visitor_name=request.POST.get("visitor_name", ""),
            visitor_phone=request.POST.get("visitor_phone", ""),
        )
        messages.success(request, "探访人员已指派")
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect(reverse("visits-elder", args=[person.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """The clerk's list of special elders without a visitor; bulk assignment by village."""
    try:
        require(request.user, "visits.assign", target="visits:assign")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    if request.method == "POST":
        try:
            n = svc.visitor_assign_village(
                actor=request.user,
                village_code=request.POST.get("village", ""),
                kind=request.POST.get("kind", ""),
                visitor=_user_in_scope(request, request.POST.get("visitor", "")),
            )
            messages.success(request, f"已为{n}位老年人指派探访人员")
        except ValidationError as e:
            messages.error(request, e.messages[0])
        return redirect(reverse("visits-assign"))
    today = timezone.localdate()
    page = Paginator(sel.unassigned(actor=request.user, on=today), 30).get_page(request.GET.get("page"))
    visitors = sel.visitors_for(actor=request.user)
    villages = sorted({(u.region.code, u.region.name) for u in visitors if len(u.region.code) >= 12})
    return render(
        request,
        "visits/assign.html",
        {"page": page, "visitors": visitors, "villages": villages, "kinds": VisitorKind.choices},
    )


@login_required
@require_GET
def rate(request: HttpRequest) -> HttpResponse:
    """月探访率 by county and township, and the month's not-yet-visited list (Excel, masked)."""
    try:
        require(request.user, sel.READ, target="visits:rate")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    month = _month(request)
    region = request.GET.get("region", "").strip()
    missing = sel.not_visited(actor=request.user, month=month, region=region)
    if request.GET.get("export") == "xlsx":
        rows = [
            (p.person.name, p.person.id_masked, p.get_living_situation_display(), p.region_code, _visitor(p))
            for p in missing.iterator(chunk_size=2000)
        ]
        audit_record(
            actor=request.user,
            event_type=AuditEvent.EXPORT,
            target_type="visits.not_visited",
            region_code=region,
            new={"month": f"{month:%Y-%m}", "rows": len(rows)},
        )
        content = xlsx_bytes(
            ["姓名", "身份证号", "居住状况", "区划代码", "探访人员"], rows, title="本月未探访"
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="not-visited-{month:%Y%m}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
    report = sel.visit_rate(actor=request.user, month=month)
    page = Paginator(missing, 30).get_page(request.GET.get("page"))
    return render(
        request, "visits/rate.html", {"report": report, "page": page, "month": month, "region": region}
    )


def _visitor(profile: Any) -> str:
    a = getattr(profile.person, "visitor_assignment", None)
    return a.display_name if a else "未指派"


@login_required
@require_http_methods(["GET", "POST"])
def raises(request: HttpRequest) -> HttpResponse:
    """Safety alerts and referrals raised by visits, for the township to accept and close."""
    try:
        require(request.user, "visits.assign", target="visits:raises")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    qs = sel.open_raises(actor=request.user)
    if request.method == "POST":
        item = qs.filter(pk=_int(request.POST.get("id"))).first()
        if item is None:
            raise Http404
        try:
            svc.raise_set_status(actor=request.user, item=item, status=request.POST.get("status", ""))
        except ValidationError as e:
            messages.error(request, e.messages[0])
        return redirect(reverse("visits-raises"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "visits/raises.html", {"page": page, "statuses": RaiseStatus.choices})


@login_required
@require_GET
def pairs(request: HttpRequest) -> HttpResponse:
    """相约黎明: the open pairs, the silent ones first, with the one-tap "平安"."""
    try:
        require(request.user, sel.RECORD, target="visits:pairs")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    today = timezone.localdate()
    silent = list(sel.pairs_silent(actor=request.user, on=today)[:50])
    page = Paginator(sel.pairs(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "visits/pairs.html", {"page": page, "silent": silent, "today": today})


@login_required
@require_POST
def pair_create(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    try:
        svc.pair_create(
            actor=request.user,
            elder=person,
            frequency=request.POST.get("frequency", ""),
            helper_name=request.POST.get("helper_name", ""),
            helper_phone=request.POST.get("helper_phone", ""),
        )
        messages.success(request, "结对已登记")
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect(reverse("visits-elder", args=[person.pk]))


@login_required
@require_POST
def checkin(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    pair = Pair.objects.filter(elder=person, ended_on__isnull=True).first()
    if pair is None:
        raise Http404
    try:
        svc.checkin_record(actor=request.user, pair=pair, safe=request.POST.get("safe", "1") == "1")
        messages.success(request, f"{person.name}：已报平安")
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect(reverse("visits-pairs"))
