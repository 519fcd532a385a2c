"""Desk pages of 婚姻登记: thin. Every object is fetched through a scoped selector (out of scope = 404);
bad input comes back as a Chinese message and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import Denied, require
from minzheng.core.inputs import form_date, form_int

from . import selectors, services
from .models import AppointmentStatus, DivorceStatus, Grade, Kind, RegistrationKind

PERM = selectors.READ


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def _allowed(request: HttpRequest, permission: str = PERM) -> HttpResponse | None:
    try:
        require(request.user, permission, target=f"marriage:{request.path}")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _party(post: Any, prefix: str) -> dict[str, str]:
    return {
        f: str(post.get(f"{prefix}_{f}", "")) for f in ("name", "id_number", "hukou_province", "permit_no")
    }


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    try:
        on = form_date(request.GET.get("on"), "预约日期", required=False, future_days=services.BOOKING_DAYS)
        registry_office_id = form_int(request.GET.get("office"), "登记机关", required=False)
    except ValidationError as e:
        _errors(request, e)
        on, registry_office_id = None, None
    status = request.GET.get("status", "")
    status = status if status in AppointmentStatus.values else ""
    qs = selectors.appointments(actor=request.user, office_id=registry_office_id, on=on, status=status)
    return render(
        request,
        "marriage/appointments.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "offices": selectors.offices(actor=request.user),
            "statuses": AppointmentStatus.choices,
            "on": on,
            "office_id": registry_office_id,
            "status": status,
        },
    )


@login_required
def book(request: HttpRequest) -> HttpResponse:
    """预约 at the window or for a caller: 390 px wide (the public books on the phone)."""
    if (refused := _allowed(request)) is not None:
        return refused
    office_list = selectors.offices(actor=request.user)
    if request.method == "POST":
        p = request.POST
        try:
            registry_office_id = form_int(p.get("office"), "登记机关")
            date = form_date(p.get("date"), "预约日期", future_days=services.BOOKING_DAYS)
            office = selectors.office_get(actor=request.user, office_id=registry_office_id)
            appt = services.appointment_book(
                actor=request.user,
                office=office,
                date=date,
                kind=p.get("kind", ""),
                party_a=_party(p, "a"),
                party_b=_party(p, "b"),
                phone=p.get("phone", ""),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"预约成功：{appt.office.name}{appt.date:%Y年%m月%d日}第{appt.slot}号")
            return redirect("marriage-appointment", appointment_id=appt.pk)
    return render(
        request,
        "marriage/book.html",
        {"offices": office_list, "kinds": Kind.choices, "form": request.POST, "today": timezone.localdate()},
    )


@login_required
@require_GET
def appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appt = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    today = timezone.localdate()
    return render(
        request,
        "marriage/appointment.html",
        {
            "a": appt,
            "actions": selectors.appointment_actions(actor=request.user, appointment=appt, on=today),
            "can_rebook": appt.status == AppointmentStatus.BOOKED,
            "rebooked_to": selectors.appointment_rebooked_to(actor=request.user, appointment=appt),
            "today": today,
        },
    )


@login_required
@require_POST
def appointment_act(request: HttpRequest, appointment_id: int, action: str) -> HttpResponse:
    appt = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    target = appt.pk
    try:
        if action == "cancel":
            services.appointment_cancel(actor=request.user, appointment=appt)
            messages.success(request, "预约已取消，名额已释放")
        elif action == "rebook":
            date = form_date(request.POST.get("date"), "改约日期", future_days=services.BOOKING_DAYS)
            new = services.appointment_rebook(actor=request.user, appointment=appt, date=date)
            messages.success(request, f"改约成功：{new.date:%Y年%m月%d日}第{new.slot}号")
            target = new.pk
        elif action == "register":
            reg = services.marriage_register(actor=request.user, appointment=appt)
            messages.success(request, f"结婚登记完成，结婚证字号{reg.certificate_no}")
            return redirect("marriage-registration", registration_id=reg.pk)
        elif action == "divorce":
            app = services.divorce_apply(actor=request.user, appointment=appt)
            messages.success(request, f"已受理离婚登记申请，冷静期至{app.cooling_ends:%Y年%m月%d日}")
            return redirect("marriage-divorce", divorce_id=app.pk)
        else:
            messages.error(request, "不支持的操作")
    except ValidationError as e:
        _errors(request, e)
    return redirect("marriage-appointment", appointment_id=target)


@login_required
@require_GET
def offices(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    return render(request, "marriage/offices.html", {"offices": selectors.offices(actor=request.user)})


def _office_start(request: HttpRequest, today: Any) -> Any:
    """The first day of the slot table: `?from=` (a day of the booking window), else today."""
    try:
        start = form_date(
            request.GET.get("from"), "起始日期", required=False, future_days=services.BOOKING_DAYS
        )
    except ValidationError as e:
        _errors(request, e)
        return today
    if start is not None and start < today:
        messages.error(request, f"起始日期不能早于今天（{today:%Y年%m月%d日}）")
        return today
    return start or today


def _grade_form(p: Any) -> tuple[str, Any]:
    """The grade and its date as typed, the grade judged first: a form without a grade says so, whatever
    the date (a missing or wrong date is named after it)."""
    grade, problems = p.get("grade", ""), []
    if grade not in Grade.values:
        problems.append("请选择等级（3A、4A、5A）")
    try:
        graded_on = form_date(p.get("graded_on"), "评定日期")
    except ValidationError as e:
        problems.extend(e.messages)
    if problems:
        raise ValidationError(problems)
    return grade, graded_on


@login_required
def office(request: HttpRequest, registry_office_id: int) -> HttpResponse:
    item = selectors.office_get(actor=request.user, office_id=registry_office_id)
    today = timezone.localdate()
    form: Any = {}
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("do") == "grade":
                grade, graded_on = _grade_form(p)
                services.office_grade(actor=request.user, office=item, grade=grade, graded_on=graded_on)
                messages.success(request, "等级评定已记录")
            elif p.get("do") == "quota":
                services.office_set_quota(
                    actor=request.user,
                    office=item,
                    weekday=form_int(p.get("weekday"), "星期", hi=6),
                    slots=form_int(p.get("slots"), "每日名额", hi=500),
                )
                messages.success(request, "每日名额已调整")
            elif p.get("do") == "close_day":
                n = services.appointments_close_day(actor=request.user, office=item, on=today)
                messages.success(request, f"日终处理完成：{n}对未到场")
            else:
                messages.error(request, "不支持的操作")
        except ValidationError as e:
            _errors(request, e)
            form = p  # the page again with what was typed, nothing changed
        else:
            return redirect("marriage-office", registry_office_id=item.pk)
    start = _office_start(request, today) if request.method == "GET" else today
    context = selectors.office_page(actor=request.user, office=item, on=today, start=start)
    context["grades"] = Grade.choices
    context["form"] = form
    return render(request, "marriage/office.html", context)


@login_required
@require_GET
def registrations(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    kind = request.GET.get("kind", "")
    kind = kind if kind in RegistrationKind.values else ""
    q = request.GET.get("q", "").strip()[:40]
    qs = selectors.registrations(actor=request.user, kind=kind, q=q)
    return render(
        request,
        "marriage/registrations.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "kinds": RegistrationKind.choices,
            "kind": kind,
            "q": q,
        },
    )


@login_required
def registration(request: HttpRequest, registration_id: int) -> HttpResponse:
    reg = selectors.registration_get(actor=request.user, registration_id=registration_id)
    if request.method == "POST":
        try:
            new = services.certificate_reissue(
                actor=request.user,
                original=reg,
                seen=form_int(request.POST.get("seen"), "页面标记", required=False) or 0,
                confirm=request.POST.get("confirm") == "1",
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已补发证书，字号{new.certificate_no}")
            return redirect("marriage-registration", registration_id=new.pk)
        return redirect("marriage-registration", registration_id=reg.pk)
    return render(
        request,
        "marriage/registration.html",
        {
            "r": reg,
            "reissue": selectors.registration_reissue(
                actor=request.user, registration=reg, on=timezone.localdate()
            ),
        },
    )


@login_required
def divorces(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    if request.method == "POST":
        try:
            done = services.divorces_sweep(actor=request.user, on=timezone.localdate())
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"日终处理完成：{done['awaiting']}件待申领，{done['lapsed']}件视为撤回")
        return redirect("marriage-divorces")
    status = request.GET.get("status", "")
    status = status if status in DivorceStatus.values else ""
    qs = selectors.divorces(actor=request.user, status=status)
    return render(
        request,
        "marriage/divorces.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "statuses": DivorceStatus.choices,
            "status": status,
        },
    )


@login_required
def divorce(request: HttpRequest, divorce_id: int) -> HttpResponse:
    app = selectors.divorce_get(actor=request.user, divorce_id=divorce_id)
    today = timezone.localdate()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("withdraw_a", "withdraw_b"):
                services.divorce_withdraw(actor=request.user, application=app, party=action[-1])
                messages.success(request, "离婚登记申请已撤回")
            elif action == "register":
                reg = services.divorce_register(actor=request.user, application=app)
                messages.success(request, f"离婚登记完成，离婚证字号{reg.certificate_no}")
                return redirect("marriage-registration", registration_id=reg.pk)
            else:
                messages.error(request, "不支持的操作")
        except ValidationError as e:
            _errors(request, e)
        return redirect("marriage-divorce", divorce_id=app.pk)
    return render(
        request,
        "marriage/divorce.html",
        {"d": app, "actions": selectors.divorce_actions(actor=request.user, application=app, on=today)},
    )


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    today = timezone.localdate()
    try:
        year = form_int(request.GET.get("year"), "年份", required=False, lo=2000, hi=today.year) or today.year
    except ValidationError as e:
        _errors(request, e)
        year = today.year
    return render(request, "marriage/statistics.html", selectors.statistics(actor=request.user, year=year))


@login_required
@require_GET
def household_changes(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request, "people.transfer")) is not None:
        return refused
    qs = selectors.household_changes(actor=request.user)
    return render(
        request,
        "marriage/household_changes.html",
        {"page": Paginator(qs, 30).get_page(request.GET.get("page"))},
    )


@login_required
@require_POST
def household_change_apply(request: HttpRequest, household_change_id: int) -> HttpResponse:
    change = selectors.household_change_get(actor=request.user, change_id=household_change_id)
    try:
        services.household_change_apply(actor=request.user, change=change)
        messages.success(request, "家庭成员变更已办理")
    except ValidationError as e:
        _errors(request, e)
    return redirect("marriage-household-changes")
