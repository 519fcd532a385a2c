"""The desk pages of the two subsidies: applications list, intake, one application with its "why" and
decision, the decision letter. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.network import client_ip
from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core import labels
from minzheng.core.inputs import form_date, form_int
from minzheng.people.selectors import person_search

from . import selectors, services
from .models import Kind, Status


def _denied(request: HttpRequest, permission: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target="disability")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    if (refused := _denied(request, "disability.read")) is not None:
        return refused
    status = request.GET.get("status", "")
    qs = selectors.applications(actor=request.user, status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "disability/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "actions": selectors.list_actions(actor=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    if (refused := _denied(request, "disability.intake")) is not None:
        return refused
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            id_number = str(form.get("id_number", "")).strip()
            person = person_search(actor=request.user, q=id_number).first() if len(id_number) == 18 else None
            if person is None:
                raise ValidationError("未找到该身份证号的人员（请输入18位身份证号，且在本辖区内）")
            grade = form_int(form.get("grade"), "残疾等级", lo=1, hi=4)
            issued = form_date(form.get("issued_on"), "发证日期")
            app = services.application_intake(
                actor=request.user,
                person=person,
                certificate_no=str(form.get("certificate_no", "")),
                grade=grade,
                kind=str(form.get("kind", "")),
                issued_on=issued,
                household_dibao=form.get("household_dibao") == "on",
                tekun=form.get("tekun") == "on",
                work_injury_care=form.get("work_injury_care") == "on",
            )
        except ValidationError as e:
            messages.error(request, e.messages[0])
        else:
            messages.success(request, gettext("已受理"))
            return redirect("disability-detail", pk=app.pk)
    return render(request, "disability/new.html", {"kinds": Kind.choices, "form": form})


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _denied(request, "disability.read")) is not None:
        return refused
    app = selectors.application_get(actor=request.user, pk=pk)
    actions = selectors.application_actions(actor=request.user, app=app)
    why = selectors.why_rows(app=app) if app.result else None
    return render(request, "disability/detail.html", {"app": app, "actions": actions, "why": why})


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _denied(request, "disability.subsidy_decide")) is not None:
        return refused
    app = selectors.application_get(actor=request.user, pk=pk)
    try:
        services.application_decide(actor=request.user, application=app, note=request.POST.get("note", ""))
    except ValidationError as e:
        messages.error(request, e.messages[0])
    return redirect("disability-detail", pk=app.pk)


@login_required
@require_GET
def application_letter(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _denied(request, "disability.read")) is not None:
        return refused
    app = selectors.application_get(actor=request.user, pk=pk)
    if "letter" not in selectors.application_actions(actor=request.user, app=app):
        return redirect("disability-detail", pk=app.pk)
    return render(request, "disability/letter.html", {"app": app, **selectors.letter_context(app=app)})


# ---------------------------------------------------------------- community rehabilitation, device rental
def _person_by_id(request: HttpRequest) -> Any:
    """The person whose 18-digit 身份证号 was typed, within the actor's region (else a Chinese error)."""
    id_number = str(request.POST.get("id_number", "")).strip()[:20]
    person = person_search(actor=request.user, q=id_number).first() if len(id_number) == 18 else None
    if person is None:
        raise ValidationError("未找到该身份证号的人员（请输入18位身份证号，且在本辖区内）")
    return person


def _saved(request: HttpRequest, write: Callable[[], Any], done: str) -> None:
    """Run one write: its refusal or bad input is a Chinese message and changes nothing."""
    try:
        write()
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.success(request, done)


@login_required
@require_http_methods(["GET", "POST"])
def rehab_sites(request: HttpRequest) -> HttpResponse:
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused
    if request.method == "POST":
        _saved(
            request,
            lambda: services.rehab_site_create(
                actor=request.user,
                name=request.POST.get("name", ""),
                region_code=cascade_value(request.POST),
                capacity=form_int(request.POST.get("capacity"), "服务容量", lo=1, hi=1000),
            ),
            gettext("已新建康复站"),
        )
        return redirect("disability-rehab")
    page = Paginator(selectors.rehab_sites(actor=request.user), 30).get_page(request.GET.get("page"))
    names = labels.region_names(s.region_code for s in page)
    return render(
        request,
        "disability/rehab_sites.html",
        {
            "page": page,
            "rows": [(s, names.get(s.region_code, gettext("未知区划"))) for s in page],
            "cascade": region_cascade(actor=request.user, selected=""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rehab_site(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused
    site = selectors.rehab_site_get(actor=request.user, pk=pk)
    if request.method == "POST":
        _saved(
            request,
            lambda: services.rehab_enrol(
                actor=request.user,
                site=site,
                person=_person_by_id(request),
                start_date=form_date(request.POST.get("start_date"), "入站日期", future_days=31),
            ),
            gettext("已入站"),
        )
        return redirect("disability-rehab-site", pk=site.pk)
    try:
        day = form_date(request.GET.get("day"), "出勤日期", required=False) or timezone.localdate()
    except ValidationError as e:
        messages.error(request, e.messages[0])
        day = timezone.localdate()
    return render(
        request, "disability/rehab_site.html", selectors.site_page(actor=request.user, site=site, day=day)
    )


@login_required
@require_POST
def rehab_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """One day's attendance of everyone at the site: a mark per person (blank = not recorded)."""
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused
    site = selectors.rehab_site_get(actor=request.user, pk=pk)

    def mark_all() -> None:
        day = form_date(request.POST.get("day"), "出勤日期")
        for e in site.enrolments.filter(end_date__isnull=True):
            mark = request.POST.get(f"mark_{e.pk}", "")
            if mark:
                services.rehab_attendance_mark(actor=request.user, enrolment=e, day=day, mark=mark)

    _saved(request, transaction.atomic(mark_all), gettext("已记录出勤"))
    return redirect(
        f"{reverse('disability-rehab-site', args=[site.pk])}?day={request.POST.get('day', '')[:10]}"
    )


@login_required
@require_POST
def rehab_leave(request: HttpRequest, pk: int, enrolment: int) -> HttpResponse:
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused
    site = selectors.rehab_site_get(actor=request.user, pk=pk)
    e = selectors.rehab_enrolment_get(actor=request.user, site=site, pk=enrolment)
    _saved(
        request,
        lambda: services.rehab_leave(
            actor=request.user,
            enrolment=e,
            end_date=form_date(request.POST.get("end_date"), "离站日期"),
            reason=request.POST.get("reason", ""),
        ),
        gettext("已离站"),
    )
    return redirect("disability-rehab-site", pk=site.pk)


@login_required
@require_GET
def devices(request: HttpRequest, show: str = "") -> HttpResponse:
    """辅具租借: the catalogue, stock per site, and the loans (open, overdue or all), with Excel."""
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused
    show = show or request.GET.get("show", "open")
    if show not in dict(SHOWS):
        show = "open"
    today = timezone.localdate()
    loans = selectors.device_loans(
        actor=request.user, on=today, overdue_only=show == "overdue", open_only=show == "open"
    )
    page = Paginator(loans, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "disability/devices.html",
        {
            "page": page,
            "show": show,
            "shows": SHOWS,
            "today": today,
            "catalogue": selectors.device_catalogue(),
            "stock": selectors.device_stock(actor=request.user),
            "sites": selectors.rehab_sites(actor=request.user),
            "rows": [(x, x.state_label(today), x.returned_on is None and x.due_on < today) for x in page],
        },
    )


SHOWS = (("open", "借用中"), ("overdue", "逾期未还"), ("all", "全部"))


@login_required
@require_GET
def devices_overdue(request: HttpRequest) -> HttpResponse:
    """The overdue list (the 首页 card links here)."""
    return devices(request, show="overdue")


@login_required
@require_POST
def device_catalogue_add(request: HttpRequest) -> HttpResponse:
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused
    _saved(
        request,
        lambda: services.device_type_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            loan_days=form_int(request.POST.get("loan_days"), "租借期限（天）", lo=1, hi=3650),
        ),
        gettext("已加入辅具目录"),
    )
    return redirect("disability-devices")


@login_required
@require_POST
def device_stock_add(request: HttpRequest) -> HttpResponse:
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused

    def add() -> Any:
        site_id = form_int(request.POST.get("site_id"), "服务点")
        site = selectors.rehab_sites(actor=request.user).filter(pk=site_id).first()
        device = (
            selectors.device_catalogue().filter(pk=form_int(request.POST.get("device_id"), "辅具")).first()
        )
        if site is None or device is None:
            raise ValidationError("请选择本辖区的服务点和目录中的辅具")
        quantity = form_int(request.POST.get("quantity"), "入库数量", lo=1, hi=1000)
        return services.device_stock_add(actor=request.user, site=site, device=device, quantity=quantity)

    _saved(request, add, gettext("已入库"))
    return redirect("disability-devices")


@login_required
@require_POST
def device_lend(request: HttpRequest) -> HttpResponse:
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused

    def lend() -> Any:
        stock = selectors.device_stock(actor=request.user).filter(
            pk=form_int(request.POST.get("stock_id"), "辅具库存")
        )
        if not stock.exists():
            raise ValidationError("请选择本辖区服务点的辅具")
        return services.device_lend(
            actor=request.user,
            stock=stock.get(),
            person=_person_by_id(request),
            lent_on=form_date(request.POST.get("lent_on"), "借出日期"),
        )

    _saved(request, lend, gettext("已借出"))
    return redirect("disability-devices")


@login_required
@require_POST
def device_return(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _denied(request, "disability.rehab")) is not None:
        return refused
    loan = selectors.device_loan_get(actor=request.user, pk=pk)
    _saved(
        request,
        lambda: services.device_return(
            actor=request.user, loan=loan, returned_on=form_date(request.POST.get("returned_on"), "归还日期")
        ),
        gettext("已归还入库"),
    )
    return redirect(
        (request.POST.get("next") == "overdue" and "disability-devices-overdue") or "disability-devices"
    )


@login_required
@require_POST
def devices_export(request: HttpRequest) -> HttpResponse:
    try:
        content = services.device_loans_export_xlsx(
            actor=request.user,
            on=timezone.localdate(),
            overdue_only=request.POST.get("show") == "overdue",
            ip=client_ip(request),
        )
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="device-loans-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
