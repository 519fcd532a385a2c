"""Desk pages of the line: thin. Each page asks its permission; a stay, tracing or ledger entry out of the
actor's scope reads as missing (404). Bad input is shown as a Chinese message and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core import crypto
from minzheng.core.idnumber import normalize
from minzheng.core.inputs import form_date, form_int
from minzheng.core.posts import form_errors, posted
from minzheng.people.models import HukouType, Person, Sex

from . import selectors, services
from .models import Campaign, CareKind, FoundBy, LedgerKind, Placement, RiskReason, Tracing
from .workflow import STAY

PHOTO_NOTE = "照片比对需离线人脸库，本机未安装"


def _refused(request: HttpRequest, permission: str, target: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _moment(day: Any, clock: Any, label: str) -> dt.datetime:
    """A date field and a HH:MM field typed at the desk, as an aware datetime."""
    date = form_date(day, f"{label}日期")
    text = str(clock or "").strip()
    try:
        at = dt.time.fromisoformat(text) if text else dt.time(0, 0)
    except ValueError:
        raise ValidationError(f"{label}时间格式应为时:分（如08:30）") from None
    return timezone.make_aware(dt.datetime.combine(date, at))


# ---------------------------------------------------------------- stays
@login_required
@require_GET
def stay_list(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.intake", "vagrants:stays")) is not None:
        return refused
    state, q = request.GET.get("state", "open"), request.GET.get("q", "").strip()[:30]
    states = dict(STAY.states[1:])
    qs = selectors.stays(actor=request.user, state=state if state in states or state == "open" else "", q=q)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "vagrants/stays.html",
        {
            "page": page,
            "state": state,
            "q": q,
            "states": STAY.states[1:],
            "stations": selectors.stations(actor=request.user),
        },
    )


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.intake", "vagrants:intake")) is not None:
        return refused
    stations = list(selectors.stations(actor=request.user))

    def take_in() -> Any:
        p = request.POST
        station = next((s for s in stations if str(s.pk) == p.get("station", "")), None)
        if station is None:
            raise ValidationError("请选择救助管理站")
        found_at = _moment(p.get("found_on"), p.get("found_time"), "发现")
        unknown = None
        if p.get("identified") == "no":
            unknown = {
                "region_code": cascade_value(p),
                "found_on": found_at.date(),
                "found_place": p.get("found_place", ""),
                "description": p.get("description", ""),
                "sex": p.get("sex", ""),
                "estimated_age": p.get("estimated_age", ""),
                "name": p.get("claimed_name", ""),
                "photo": request.FILES.get("photo"),
            }
        return services.stay_intake(
            actor=request.user,
            station=station,
            found_by=p.get("found_by", ""),
            found_place=p.get("found_place", ""),
            found_at=found_at,
            intake_on=form_date(p.get("intake_on"), "入站日期"),
            id_number=p.get("id_number", "") if unknown is None else "",
            unknown=unknown,
            outsider={
                "name": p.get("outsider_name", ""),
                "hukou_type": p.get("outsider_hukou_type", ""),
                "region_code": cascade_value(p),
            },
        )

    def to_stay(stay: Any) -> HttpResponse:
        if stay.repeat:
            messages.warning(request, "该人员已在244台账中：再次流浪，已列入预警")
        return redirect("vagrants-stay", pk=stay.pk)

    if request.method == "POST" and (done := posted(request, take_in, ok="已入站登记", then=to_stay)):
        return done
    return render(
        request,
        "vagrants/intake.html",
        {
            "stations": stations,
            "found_by": FoundBy.choices,
            "sexes": Sex.choices,
            "hukou_types": HukouType.choices,
            "post": request.POST,
            "today": timezone.localdate(),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(request.POST)),
        },
    )


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.intake", "vagrants:alerts")) is not None:
        return refused
    return render(
        request,
        "vagrants/alerts.html",
        {
            "overdue": selectors.overdue_stays(actor=request.user),
            "repeat": selectors.stays(actor=request.user, state="open", repeat=True),
        },
    )


def _stay_or_404(request: HttpRequest, pk: int) -> Any:
    stay = selectors.stay_get(actor=request.user, pk=pk)
    if stay is None:
        raise Http404("救助记录不存在")
    return stay


def _stay_page(
    request: HttpRequest,
    s: Any,
    typed: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The stay page; after a refused form, `typed` holds that form's fields as typed ({action: POST}), so
    only that form shows them again, and `errors` the refusal shown next to that form ({action: [msg]})."""
    ctx = selectors.stay_page(actor=request.user, stay=s)
    tracing = ctx["tracing"]
    ctx["candidates"] = (
        selectors.tracing_candidates(tracing=tracing)
        if tracing is not None and tracing.confirmed_person_id is None and s.state != "exited"
        else []
    )
    typed = typed or {}
    ctx.update(
        care_kinds=CareKind.choices,
        today=timezone.localdate(),
        deadline=selectors.stay_deadline(stay=s),
        deadline_overdue=s in selectors.overdue_stays(actor=request.user),
        photo_note=PHOTO_NOTE,
        cascade=region_cascade(actor=request.user, selected=cascade_value(typed.get("tracing", {}))),
        typed=typed,
        form_errors=errors or {},
    )
    return render(request, "vagrants/stay.html", ctx)


@login_required
@require_GET
def stay(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_page(request, _stay_or_404(request, pk))


def _care(request: HttpRequest, s: Any) -> Any:
    p = request.POST
    return services.care_record(
        actor=request.user,
        stay=s,
        kind=p.get("kind", ""),
        on=form_date(p.get("on"), "救助日期"),
        note=p.get("note", ""),
    )


def _place(request: HttpRequest, s: Any) -> Any:
    p = request.POST
    return services.stay_place(
        actor=request.user,
        stay=s,
        provider=p.get("provider", ""),
        start_on=form_date(p.get("start_on"), "托养开始日期"),
    )


def _supervise(request: HttpRequest, s: Any) -> Any:
    placement = Placement.objects.filter(stay=s, end_on__isnull=True).first()
    if placement is None:
        raise ValidationError("该人员没有进行中的站外托养")
    p = request.POST
    return services.placement_visit(
        actor=request.user,
        placement=placement,
        visited_on=form_date(p.get("visited_on"), "检查日期"),
        note=p.get("note", ""),
    )


def _tracing(request: HttpRequest, s: Any) -> Any:
    p = request.POST
    return services.tracing_open(
        actor=request.user,
        stay=s,
        claimed_name=p.get("claimed_name", ""),
        hint_region=cascade_value(p),
        details=p.get("details", ""),
    )


def _confirm(request: HttpRequest, s: Any) -> Any:
    tracing = Tracing.objects.filter(stay=s).first()
    if tracing is None:
        raise ValidationError("尚未发起寻亲")
    p = request.POST
    return services.tracing_confirm(
        actor=request.user,
        tracing=tracing,
        person_id=form_int(p.get("person"), "比对人员"),
        note=p.get("note", ""),
    )


def _exit(request: HttpRequest, s: Any) -> Any:
    p = request.POST
    return services.stay_exit(
        actor=request.user,
        stay=s,
        kind=p.get("kind", ""),
        on=form_date(p.get("on"), "离站日期"),
        note=p.get("note", ""),
    )


STAY_ACTIONS: dict[str, tuple[Callable[[HttpRequest, Any], Any], str]] = {
    "care": (_care, "已登记站内救助"),
    "place": (_place, "已安排站外托养"),
    "supervise": (_supervise, "已登记托养监管走访"),
    "tracing": (_tracing, "已发起寻亲"),
    "confirm": (_confirm, "已确认身份并提出身份合并，待复核"),
    "exit": (_exit, "已办理离站"),
}


@login_required
@require_POST
def stay_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    s = _stay_or_404(request, pk)
    if action not in STAY_ACTIONS:
        raise Http404("没有该操作")
    do, ok = STAY_ACTIONS[action]
    done = posted(request, lambda: do(request, s), ok=ok, then=lambda _: redirect("vagrants-stay", pk=s.pk))
    if done:
        return done
    # Refused: the page again (as it is now, nothing changed) with what was typed in that form. The exit
    # form sits at the foot of a long page: its refusal is shown next to it (not only at the top), so the
    # worker sees why the date or the way out was refused where they typed it.
    errors: list[str] = []
    if action == "exit":
        errors = [str(m.message) for m in messages.get_messages(request) if m.level == messages.ERROR]
    return _stay_page(
        request, _stay_or_404(request, pk), typed={action: request.POST}, errors={action: errors}
    )


# ---------------------------------------------------------------- tracing
@login_required
@require_GET
def tracing_list(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.tracing", "vagrants:tracings")) is not None:
        return refused
    page = Paginator(selectors.tracing_list(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "vagrants/tracings.html", {"page": page})


@login_required
@require_GET
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    tracing = selectors.tracing_list(actor=request.user).filter(pk=pk).first()
    if tracing is None:
        raise Http404("寻亲不存在")
    s = tracing.stay
    record = selectors.UnidentifiedRecord.objects.filter(person_id=s.person_id).first()
    return render(
        request,
        "vagrants/notice.html",
        {"tracing": tracing, "stay": s, "record": record, "authority": selectors.notice_authority(s)},
    )


# ---------------------------------------------------------------- "244" ledgers
@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.visit_record", "vagrants:ledger")) is not None:
        return refused
    kind = request.GET.get("kind", "")
    kind = kind if kind in LedgerKind.values else ""
    missing = request.GET.get("missing") == "1"
    qs = selectors.ledger(actor=request.user, kind=kind, missing=missing)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "vagrants/ledger.html",
        {"page": page, "kind": kind, "missing": missing, "kinds": LedgerKind.choices},
    )


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.visit_record", "vagrants:ledger_export")) is not None:
        return refused
    kind = request.GET.get("kind", "")
    qs = selectors.ledger(
        actor=request.user,
        kind=kind if kind in LedgerKind.values else "",
        missing=request.GET.get("missing") == "1",
    )
    response = HttpResponse(
        services.ledger_export_xlsx(actor=request.user, entries=qs),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-244-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def ledger_add(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.intake", "vagrants:ledger_add")) is not None:
        return refused

    def add() -> Any:
        p = request.POST
        person = Person.objects.filter(id_hash=crypto.blind_index(normalize(p.get("id_number", "")))).first()
        if person is None or not can(request.user, "vagrant.intake", region_code=person.region_code):
            raise ValidationError("未找到该身份证号的人员，或不在您的管辖范围内")
        return services.ledger_add(
            actor=request.user,
            person=person,
            kind=p.get("kind", ""),
            risk=p.get("risk", ""),
            region_code=cascade_value(p),
            guardian=p.get("guardian", ""),
        )

    if request.method == "POST" and (
        done := posted(request, add, ok="已列入244台账", then=lambda _: redirect("vagrants-ledger"))
    ):
        return done
    return render(
        request,
        "vagrants/ledger_add.html",
        {
            "kinds": LedgerKind.choices,
            "risks": [c for c in RiskReason.choices if c[0]],
            "post": request.POST,
            "cascade": region_cascade(actor=request.user, selected=cascade_value(request.POST)),
        },
    )


@login_required
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    """The 390 px visit form of the grid worker / village assistant."""
    entry = selectors.ledger_get(actor=request.user, pk=pk)
    if entry is None:
        raise Http404("台账人员不存在")

    def record() -> Any:
        p = request.POST
        at_home = {"yes": True, "no": False}.get(p.get("at_home", ""))
        if at_home is None:
            raise ValidationError("请选择是否在家")
        return services.ledger_visit(
            actor=request.user,
            entry=entry,
            visited_on=form_date(p.get("visited_on"), "走访日期"),
            at_home=at_home,
            note=p.get("note", ""),
        )

    if request.method == "POST" and (
        done := posted(request, record, ok="已登记走访", then=lambda _: redirect("vagrants-ledger"))
    ):
        return done
    return render(
        request,
        "vagrants/visit.html",
        {
            "entry": entry,
            "visits": entry.visits.all()[:12],
            "today": timezone.localdate(),
            "post": request.POST,
        },
    )


# ---------------------------------------------------------------- patrols, rate, stations
@login_required
def patrols(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.intake", "vagrants:patrols")) is not None:
        return refused

    def record() -> Any:
        p = request.POST
        started = _moment(p.get("day"), p.get("start"), "开始")
        ended = _moment(p.get("day"), p.get("end"), "结束")
        started, ended = services.patrol_span(started.date(), started.time(), ended.time())
        return services.patrol_record(
            actor=request.user,
            route=p.get("route", ""),
            started_at=started,
            ended_at=ended,
            persons_met=form_int(p.get("persons_met"), "遇见人数", hi=1000),
            persons_helped=form_int(p.get("persons_helped") or "0", "劝导入站人数", hi=1000),
            campaign=p.get("campaign", ""),
            note=p.get("note", ""),
        )

    if request.method == "POST" and (
        done := posted(request, record, ok="已登记街面巡查", then=lambda _: redirect("vagrants-patrols"))
    ):
        return done
    page = Paginator(selectors.patrols(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "vagrants/patrols.html",
        {"page": page, "campaigns": Campaign.choices, "today": timezone.localdate(), "post": request.POST},
    )


@login_required
@require_GET
def rate(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.intake", "vagrants:rate")) is not None:
        return refused
    this_year = timezone.localdate().year
    try:
        year = form_int(request.GET.get("year") or str(this_year), "年度", lo=2000, hi=this_year)
    except ValidationError as e:
        form_errors(request, e)
        year = this_year
    return render(
        request,
        "vagrants/rate.html",
        {
            "rows": selectors.repeat_rate(actor=request.user, year=year),
            "year": year,
            "definition": selectors.REPEAT_DEFINITION,
        },
    )


@login_required
def stations(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request, "vagrant.intake", "vagrants:stations")) is not None:
        return refused

    def create() -> Any:
        p = request.POST
        return services.station_create(
            actor=request.user,
            region_code=(cascade_value(p) or request.user.region.code)[:6],  # type: ignore[union-attr]
            name=p.get("name", ""),
            address=p.get("address", ""),
            beds=form_int(p.get("beds") or "0", "床位数", hi=10000),
        )

    if request.method == "POST" and (
        done := posted(request, create, ok="已登记救助管理站", then=lambda _: redirect("vagrants-stations"))
    ):
        return done
    return render(
        request,
        "vagrants/stations.html",
        {
            "stations": selectors.stations(actor=request.user),
            "cascade": region_cascade(actor=request.user, selected=""),
            "post": request.POST,
        },
    )
