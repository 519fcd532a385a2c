"""The desk pages of the two subsidies: applications list, intake, one application with its "why" and
decision, the decision letter. Thin: reads through selectors, writes through services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, require
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
            try:
                grade = int(str(form.get("grade", "")))
                issued = dt.date.fromisoformat(str(form.get("issued_on", "")))
            except ValueError:
                raise ValidationError("请填写残疾等级和有效的发证日期") from None
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
    return render(request, "disability/detail.html", {"app": app, "actions": actions})


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
