"""Desk pages of the funeral line: thin, behind `funeral.handle`; out of scope reads as missing (404).
Form input through `core.inputs`; every refusal is a Chinese message and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.accounts.signals import client_ip
from minzheng.core.inputs import form_date, form_int
from minzheng.people.models import Person
from minzheng.people.selectors import person_get_for_actor, person_search
from minzheng.programmes.registry import load

from . import selectors, services
from .models import BurialForm, FacilityKind, FacilityLevel, PlotStatus, PlotType
from .workflow import FUNERAL, PERMISSION

NO_HOME = "本县（市、区）尚未登记殡仪馆，暂不能登记遗体接运与火化；请先在“殡仪馆与公墓”中登记殡仪馆"

LETTERS = {
    "receipt": "身后一件事办理回执",
    "hukou": "户口注销告知单",
    "medical": "医疗保险待遇清算告知书",
    "pension": "养老保险待遇清算告知书",
}


def _guard(request: HttpRequest, target: str) -> HttpResponse | None:
    try:
        require(request.user, PERMISSION, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def _case_or_404(request: HttpRequest, pk: int) -> Any:
    case = selectors.case_get(actor=request.user, pk=pk)
    if case is None:
        raise Http404("未找到该事项")
    return case


def _filtered(request: HttpRequest) -> Any:
    g = request.GET
    qs = selectors.case_list(actor=request.user, q=g.get("q", "").strip()[:30], state=g.get("state", ""))
    today = timezone.localdate()
    if g.get("overdue"):
        qs = qs.filter(pk__in=selectors.overdue_cases(actor=request.user, on=today).values("pk"))
    elif g.get("redecide"):
        qs = qs.filter(pk__in=selectors.redecide_stops(request.user).values("case_id"))
    elif g.get("open"):
        qs = qs.filter(state__in=selectors.OPEN_STATES)
    return qs


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "funeral:cases")) is not None:
        return refused
    page = Paginator(_filtered(request), 30).get_page(request.GET.get("page"))
    rows = [(c, FUNERAL.state_label(c.state)) for c in page]
    return render(
        request,
        "funeral/cases.html",
        {"page": page, "rows": rows, "states": FUNERAL.states[1:], "get": request.GET},
    )


@login_required
@require_GET
def cases_export(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "funeral:export")) is not None:
        return refused
    data = services.cases_export(actor=request.user, cases=list(_filtered(request)[:5000]))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="funeral-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def _death_date(value: Any, person: Any) -> dt.date:
    """The typed death date; one before the birth date is refused naming the birth date, the bound that
    applies to this person (not the form's general 1900 window)."""
    try:
        typed = dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        typed = None
    if typed is not None and typed < person.birth_date:
        raise ValidationError(f"死亡日期不能早于出生日期{person.birth_date:%Y年%m月%d日}")
    return form_date(value, "死亡日期")


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "funeral:new")) is not None:
        return refused
    person = None
    pid = request.GET.get("person") or request.POST.get("person")
    if pid:
        try:
            person = person_get_for_actor(actor=request.user, person_id=form_int(pid, "逝者", hi=2**62))
        except ValidationError:
            raise Http404("未找到该人员") from None
    if request.method == "POST" and person is not None:
        p = request.POST
        try:
            case = services.funeral_case_open(
                actor=request.user,
                person=person,
                death_date=_death_date(p.get("death_date"), person),
                death_place=p.get("death_place", ""),
                certificate_number=p.get("certificate_number", ""),
                family_name=p.get("family_name", ""),
                family_relation=p.get("family_relation", ""),
                family_phone=p.get("family_phone", ""),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已受理，死亡信息已登记")
            return redirect("funeral-case", pk=case.pk)
    q = request.GET.get("q", "").strip()[:30]
    found = list(person_search(actor=request.user, q=q)[:20]) if q and person is None else []
    return render(
        request, "funeral/new.html", {"person": person, "q": q, "found": found, "post": request.POST}
    )


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _guard(request, f"funeral_case:{pk}")) is not None:
        return refused
    c = _case_or_404(request, pk)
    return render(request, "funeral/case.html", selectors.case_page(actor=request.user, case=c))


def _chosen_home(case: Any, value: Any) -> Any:
    try:
        pk = form_int(value, "殡仪馆", hi=2**62)
    except ValidationError:
        return None
    return selectors.funeral_home_for(case=case, pk=pk)


def _urn_price(case: Any, post: Any) -> int:
    """The typed urn price; anything that is not a whole number of yuan is refused with the policy's
    range, as an out-of-range price is (by the service)."""
    try:
        return form_int(post.get("urn_price"), "骨灰盒价格", lo=0, hi=10**7)
    except ValidationError:
        low, high = selectors.urn_price_range(region_code=case.region_code, on=case.death_date)
        raise ValidationError(
            f"骨灰盒价格请填写{low}元至{high}元之间的整数（骨灰盒标准定价：最低{low}元，最高{high}元）"
        ) from None


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if (refused := _guard(request, f"funeral_case:{pk}")) is not None:
        return refused
    c = _case_or_404(request, pk)
    p = request.POST
    try:
        if action not in selectors.case_actions(actor=request.user, case=c, workflow=FUNERAL):
            raise ValidationError("当前环节不能办理该事项，请刷新后重试")
        if action == "cremation":
            if not selectors.funeral_homes_for(c.region_code).exists():
                raise ValidationError(NO_HOME)
            home = _chosen_home(c, p.get("funeral_home"))
            if home is None:  # nothing chosen, or an id that is not one of the homes offered
                raise ValidationError("请从列表中选择殡仪馆")
            services.funeral_cremation_record(
                actor=request.user,
                case=c,
                funeral_home=home,
                cremated_on=form_date(p.get("cremated_on"), "火化日期"),
            )
        elif action == "hukou":
            services.funeral_hukou_notice(actor=request.user, case=c)
        elif action == "subsidy":
            services.funeral_subsidy_decide(actor=request.user, case=c, urn_price=_urn_price(c, p))
        elif action == "stop":
            if services.funeral_benefits_stop(actor=request.user, case=c).state != "stopped":
                messages.warning(request, "已发起家庭待遇复核；复核决定后，请再次办理本环节")
                return redirect("funeral-case", pk=c.pk)
        elif action == "notices":
            services.funeral_notices_issue(actor=request.user, case=c)
        else:
            raise ValidationError("未知的办理事项")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已办理")
    return redirect("funeral-case", pk=c.pk)


@login_required
@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A letter. The screen preview shows the masked ID; a letter to another authority is printed by a
    POST, which reveals the full ID number (audited) on a page that is not cached."""
    if (refused := _guard(request, f"funeral_case:{pk}")) is not None:
        return refused
    c = _case_or_404(request, pk)
    if kind not in LETTERS:
        raise Http404("未知的文书")
    full, phone = "", ""
    if request.method == "POST":
        try:
            full, phone = services.funeral_letter_reveal(
                actor=request.user, case=c, kind=kind, ip=client_ip(request)
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
            return redirect("funeral-case", pk=c.pk)
    ctx = selectors.case_page(actor=request.user, case=c)
    if kind == "receipt":  # handed to the family: no internal notes of the lines (carers, visitors)
        ctx["services"] = selectors.family_services(ctx["services"])
        ctx["stops"], ctx["redecided"] = selectors.stops_split(ctx["stops"])
    ctx.update(
        {
            "kind": kind,
            "title": LETTERS[kind],
            "authority": selectors.authority(c.region_code),
            "number": selectors.letter_number(c, kind),
            "today": timezone.localdate(),
            "id_shown": full or c.person.id_masked,
            "phone_shown": phone or c.family_phone_masked,
            "printable": bool(full),
            "may_print_full": kind in services.AUTHORITY_LETTERS and not full,
        }
    )
    response = render(request, "funeral/letter.html", ctx)
    if full:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def facilities(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "funeral:facilities")) is not None:
        return refused
    if request.method == "POST":
        p = request.POST
        try:
            region = cascade_value(p)
            if not region:
                raise ValidationError("请选择所在区划")
            f = services.facility_create(
                actor=request.user,
                name=p.get("name", ""),
                kind=p.get("kind", ""),
                level=p.get("level", ""),
                region_code=region,
                address=p.get("address", ""),
                operator=p.get("operator", ""),
                opened_on=form_date(p.get("opened_on"), "建成投用日期", required=False),
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已登记")
            return redirect("funeral-facility", pk=f.pk)
    kind, level = request.GET.get("kind", ""), request.GET.get("level", "")
    page = Paginator(selectors.facility_list(actor=request.user, kind=kind, level=level), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "funeral/facilities.html",
        {
            "page": page,
            "kind": kind,
            "level": level,
            "kinds": FacilityKind.choices,
            "levels": FacilityLevel.choices,
            "village_cemeteries": selectors.village_cemeteries(actor=request.user),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(request.POST)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _guard(request, f"funeral_facility:{pk}")) is not None:
        return refused
    f = selectors.facility_get(actor=request.user, pk=pk)
    if f is None:
        raise Http404("未找到该设施")
    if request.method == "POST":
        p = request.POST
        try:
            n = services.plots_create(
                actor=request.user,
                cemetery=f,
                prefix=p.get("prefix", ""),
                count=form_int(p.get("count"), "墓位数量", lo=1, hi=500),
                plot_type=p.get("plot_type", ""),
                form=p.get("form", ""),
            )
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已新增{n}个墓位")
            return redirect("funeral-facility", pk=f.pk)
    status = request.GET.get("status", "")
    status = status if status in PlotStatus.values else ""
    page = Paginator(selectors.plot_list(facility=f, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "funeral/facility.html",
        {
            "facility": f,
            "page": page,
            "status": status,
            "statuses": PlotStatus.choices,
            "plot_types": PlotType.choices,
            "forms": [c for c in BurialForm.choices if c[0] != BurialForm.SEA],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def burials(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "funeral:burials")) is not None:
        return refused
    if request.method == "POST":
        p = request.POST
        try:
            deceased = person_get_for_actor(
                actor=request.user, person_id=form_int(p.get("person"), "逝者", hi=2**62)
            )
            plot = None
            if (p.get("plot") or "").strip():
                plot = selectors.plot_get(person=deceased, pk=form_int(p.get("plot"), "墓位", hi=2**62))
                if plot is None:
                    raise ValidationError("未找到该墓位")
            services.burial_record(
                actor=request.user,
                person=deceased,
                plot=plot,
                form=p.get("form", ""),
                buried_on=form_date(p.get("buried_on"), "安葬日期"),
            )
        except Http404:
            messages.error(request, "未找到该逝者")
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已登记安葬")
            return redirect("funeral-burials")
    page = Paginator(selectors.burial_list(actor=request.user), 30).get_page(request.GET.get("page"))
    person: Person | None = None
    if (pid := request.GET.get("person") or request.POST.get("person")) is not None:
        try:
            person = person_get_for_actor(actor=request.user, person_id=form_int(pid, "逝者", hi=2**62))
        except (ValidationError, Http404):
            person = None
    q = request.GET.get("q", "").strip()[:30]
    found = list(person_search(actor=request.user, q=q).filter(is_alive=False)[:20]) if q else []
    return render(
        request,
        "funeral/burials.html",
        {
            "page": page,
            "person": person,
            "q": q,
            "found": found,
            "plots": selectors.free_plots(person=person)[:300] if person else [],
            "post": request.POST,
        },
    )


@login_required
@require_GET
def eco(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, "funeral:eco")) is not None:
        return refused
    try:
        year = form_int(request.GET.get("year"), "年份", required=False, lo=2000, hi=2100)
    except ValidationError as e:
        _errors(request, e)
        year = None
    return render(
        request,
        "funeral/eco.html",
        {"rows": selectors.eco_burial_rates(actor=request.user, year=year), "year": year or ""},
    )


# ---------------------------------------------------------------- 指尖办: the family follows the case
def _resident(request: HttpRequest) -> Any:
    """The signed-in resident (指尖办 cookie), resolved by the citizen app through settings."""
    return load(settings.CITIZEN_RESOLVER)(request.COOKIES.get(settings.CITIZEN_COOKIE, ""))


@require_GET
def family_cases(request: HttpRequest) -> HttpResponse:
    citizen = _resident(request)
    if citizen is None:
        messages.info(request, "请先用身份证号和短信验证码登录")
        return redirect("citizen-sign-in")
    cases = selectors.family_cases(person_id=citizen.person_id, name=citizen.name)
    rows = [(c, FUNERAL.state_label(c.state)) for c in cases]
    return render(request, "funeral/family_cases.html", {"citizen": citizen, "rows": rows})


@require_GET
def family_case(request: HttpRequest, pk: int) -> HttpResponse:
    citizen = _resident(request)
    if citizen is None:
        messages.info(request, "请先用身份证号和短信验证码登录")
        return redirect("citizen-sign-in")
    c = services.family_case_open(citizen=citizen, pk=pk, ip=client_ip(request))
    if c is None:
        raise Http404("未找到该事项")
    from minzheng.programmes.services import death_effects_recorded

    stops, redecided = selectors.stops_split(selectors.case_stops(c))
    response = render(
        request,
        "funeral/family_case.html",
        {
            "citizen": citizen,
            "case": c,
            "state_label": FUNERAL.state_label(c.state),
            "steps": selectors.family_steps(c),
            "services": selectors.family_services(death_effects_recorded(person=c.person)),
            "stops": stops,
            "redecided": redecided,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
