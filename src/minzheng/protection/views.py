"""Desk pages of the line: thin. A protection case is fetched only through `services.case_view` (scoped
to its assigned workers, every read audited); anything else reads as missing (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core.inputs import form_date, form_int
from minzheng.people.models import Sex

from . import selectors, services
from .models import Duty, MeasureKind, MeasureStatus, Source
from .rules import ADOPTER_ITEMS, RISK_ITEMS
from .workflow import PROTECTION


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "child.case_read", target="protection:cases")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    q, state = request.GET.get("q", "").strip()[:30], request.GET.get("state", "")
    qs = selectors.case_list(actor=request.user, q=q, state=state)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "protection/cases.html",
        {"page": page, "q": q, "state": state, "states": PROTECTION.states[1:]},
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "child.case_report", target="protection:report")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    if request.method == "POST":
        p = request.POST
        # A malformed date is said alongside whatever else is wrong (the service names a missing one).
        bad_date: list[str] = []
        try:
            reported_on = form_date(p.get("reported_on"), "报告日期", required=False, past_years=18)
        except ValidationError as e:
            reported_on, bad_date = None, e.messages
        try:
            unknown = None
            if p.get("child_known") == "no":
                unknown = {
                    "region_code": cascade_value(p),
                    "found_on": reported_on,
                    "found_place": p.get("found_place", ""),
                    "description": p.get("description", ""),
                    "sex": p.get("sex", ""),
                    "estimated_age": p.get("estimated_age", ""),
                    "name": p.get("child_name", ""),
                }
            case = services.case_report(
                actor=request.user,
                source=p.get("source", ""),
                summary=p.get("summary", ""),
                reported_on=reported_on,
                child_id_number=p.get("child_id_number", "") if unknown is None else "",
                unknown_child=unknown,
                reporter_name=p.get("reporter_name", ""),
                reporter_phone=p.get("reporter_phone", ""),
            )
        except ValidationError as e:
            if bad_date and hasattr(e, "error_dict"):  # the malformed date, not "missing", with the rest
                e = ValidationError({**e.message_dict, "reported_on": bad_date})
            _errors(request, e)
        else:
            messages.success(request, "已登记报告，请在期限内完成风险评估")
            return redirect("protection-case", pk=case.pk)
    cascade = region_cascade(actor=request.user, selected=cascade_value(request.POST))
    return render(
        request,
        "protection/report.html",
        {"sources": Source.choices, "sexes": Sex.choices, "post": request.POST, "cascade": cascade},
    )


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "child.case_read", target="protection:overdue")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return render(request, "protection/overdue.html", {"rows": selectors.overdue_cases(actor=request.user)})


def _case_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return services.case_view(actor=request.user, case_id=pk)
    except services.CaseNotFound:
        raise Http404("个案不存在") from None


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    c = _case_or_404(request, pk)
    ctx = selectors.case_page(actor=request.user, case=c)
    ctx.update(
        risk_items=RISK_ITEMS,
        measure_kinds=MeasureKind.choices,
        measure_statuses=MeasureStatus.choices,
        duties=Duty.choices,
        assignable=selectors.assignable_choices(case=c) if "assign" in ctx["actions"] else [],
    )
    return render(request, "protection/case.html", ctx)


def _measures(request: HttpRequest) -> list[tuple[str, str]]:
    return [(k, request.POST.get(f"detail_{k}", "")) for k in request.POST.getlist("kind")]


CASE_ACTIONS: dict[str, Callable[[HttpRequest, Any], Any]] = {
    "assign": lambda r, c: services.case_assign(
        actor=r.user, case=c, user_id=form_int(r.POST.get("user_id"), "人员"), duty=r.POST.get("duty", "")
    ),
    "assess": lambda r, c: services.case_assess(
        actor=r.user, case=c, answers=r.POST.getlist("item"), note=r.POST.get("note", "")
    ),
    "conference": lambda r, c: services.case_conference(
        actor=r.user,
        case=c,
        held_on=form_date(r.POST.get("held_on"), "会商日期"),
        participants=r.POST.get("participants", ""),
        decisions=r.POST.get("decisions", ""),
    ),
    "plan": lambda r, c: services.case_plan(actor=r.user, case=c, measures=_measures(r)),
    "measure": lambda r, c: services.measure_update(
        actor=r.user,
        case=c,
        measure_id=form_int(r.POST.get("measure_id"), "措施"),
        status=r.POST.get("status", ""),
    ),
    "followup": lambda r, c: services.case_follow_up(
        actor=r.user,
        case=c,
        visited_on=form_date(r.POST.get("visited_on"), "回访日期"),
        note=r.POST.get("note", ""),
    ),
    "close": lambda r, c: services.case_close(actor=r.user, case=c, note=r.POST.get("note", "")),
}


def _act(
    request: HttpRequest, obj: Any, run: Callable[[HttpRequest, Any], Any] | None, page: str
) -> HttpResponse:
    """One step of either workflow: an unknown step is missing (404); a refusal or bad input is a Chinese
    message and changes nothing; then back to the case's page."""
    if run is None:
        raise Http404
    try:
        run(request, obj)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已保存")
    return redirect(page, pk=obj.pk)


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, _case_or_404(request, pk), CASE_ACTIONS.get(action), "protection-case")


# ---------------------------------------------------------------- adoption
def _adoption_officer(request: HttpRequest) -> HttpResponse | None:
    try:
        require(request.user, "child.adoption", target="protection:adoption")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


@login_required
def adoptions(request: HttpRequest) -> HttpResponse:
    if (refused := _adoption_officer(request)) is not None:
        return refused
    if request.method == "POST":
        try:
            a = services.adoption_apply(
                actor=request.user,
                child_id=form_int(request.POST.get("child_id"), "可送养儿童"),
                adopters=request.POST.get("adopters", ""),
                adopter_id_numbers=[
                    request.POST.get("adopter_id_1", ""),
                    request.POST.get("adopter_id_2", ""),
                ],
                adopter_address=request.POST.get("adopter_address", ""),
                applied_on=form_date(request.POST.get("applied_on"), "申请日期"),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            return redirect("protection-adoption", pk=a.pk)
    state = request.GET.get("state", "")
    page = Paginator(selectors.adoption_list(actor=request.user, state=state).order_by("-id"), 30).get_page(
        request.GET.get("page")
    )
    children = selectors.adoptable_children(actor=request.user).filter(placed=False)
    return render(request, "protection/adoptions.html", {"page": page, "children": children})


@login_required
def adoptable(request: HttpRequest) -> HttpResponse:
    if (refused := _adoption_officer(request)) is not None:
        return refused
    if request.method == "POST":
        try:
            services.adoptable_child_add(
                actor=request.user,
                id_number=request.POST.get("id_number", "").strip()[:20],
                institution=request.POST.get("institution", ""),
                since=form_date(request.POST.get("since"), "可送养认定日期"),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已登记")
        return redirect("protection-adoptable")
    page = Paginator(selectors.adoptable_children(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "protection/adoptable.html", {"page": page})


def _adoption_or_404(request: HttpRequest, pk: int) -> Any:
    a = selectors.adoption_get(actor=request.user, pk=pk)
    if a is None:
        raise Http404("收养登记不存在")
    return a


@login_required
@require_GET
def adoption(request: HttpRequest, pk: int) -> HttpResponse:
    a = _adoption_or_404(request, pk)
    ctx = selectors.adoption_page(actor=request.user, adoption=a)
    ctx["items"] = ADOPTER_ITEMS
    return render(request, "protection/adoption.html", ctx)


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    a = _adoption_or_404(request, pk)
    if not a.certificate_number:
        raise Http404("尚未发证")
    return render(request, "protection/certificate.html", {"a": a, "authority": selectors.authority(a)})


ADOPTION_ACTIONS: dict[str, Callable[[HttpRequest, Any], Any]] = {
    "assess": lambda r, a: services.adoption_assess(
        actor=r.user,
        adoption=a,
        answers=r.POST.getlist("item"),
        home_visit_on=form_date(r.POST.get("home_visit_on"), "家访日期"),
        home_visit_note=r.POST.get("home_visit_note", ""),
    ),
    "register": lambda r, a: services.adoption_register(actor=r.user, adoption=a),
    "refuse": lambda r, a: services.adoption_register(
        actor=r.user, adoption=a, refuse=True, note=r.POST.get("note", "")
    ),
    "certify": lambda r, a: services.adoption_certify(actor=r.user, adoption=a),
    "archive": lambda r, a: services.adoption_archive(actor=r.user, adoption=a),
}


@login_required
@require_POST
def adoption_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    a = _adoption_or_404(request, pk)
    if not can(request.user, "child.adoption", region_code=a.region_code):
        raise Http404
    return _act(request, a, ADOPTION_ACTIONS.get(action), "protection-adoption")
