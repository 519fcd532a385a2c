"""Thin server-rendered views: read through selectors, write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.scoping import actor_prefix, scope
from minzheng.accounts.signals import client_ip
from minzheng.audit.models import AuditEvent
from minzheng.audit.selectors import audit_log_list
from minzheng.core.panels import person_panels
from minzheng.core.views import service_errors
from minzheng.people import selectors as people
from minzheng.people.models import Relation
from minzheng.people.services import (
    NOT_IN_THIS_REGION,
    household_register,
    person_export_xlsx,
    person_reveal_id_number,
    transfer_request_create,
)
from minzheng.regions.models import Region
from minzheng.regions.selectors import region_children_for_actor

from . import selectors as web_selectors
from .selectors import home_todos


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own work: the to-do counts and first items of its lists (web.selectors)."""
    todos = home_todos(actor=_user(request), on=timezone.localdate())
    return render(request, "web/home.html", {"todos": todos})


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """The system administrator's read-only list of accounts in its region."""
    user = _user(request)
    try:
        require(user, "users.manage", target="users")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    page = Paginator(web_selectors.user_list(actor=user), 50).get_page(request.GET.get("page"))
    return render(request, "web/users.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def person_search_page(request: HttpRequest) -> HttpResponse:
    """Search terms (ID numbers, names) travel in the POST body, never in a URL (PIPL: no PII in logs)."""
    data = request.POST if request.method == "POST" else request.GET
    q = request.POST.get("q", "").strip()
    region = data.get("region", "").strip()
    qs = people.person_search(actor=_user(request), q=q, region_code=region)
    page = Paginator(qs, 30).get_page(data.get("page"))
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/search.html"
    return render(request, template, {"page": page, "q": q, "region": region})


@login_required
@require_POST
def person_export(request: HttpRequest) -> HttpResponse:
    """Excel export of the scoped search (masked IDs and phones, formula cells neutralised), downloaded as
    a file; every export is audit-logged."""
    content = person_export_xlsx(
        actor=_user(request),
        q=request.POST.get("q", "").strip(),
        region_code=request.POST.get("region", "").strip(),
        ip=client_ip(request),
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="people-{timezone.localdate():%Y%m%d}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = people.person_get_for_actor(actor=user, person_id=person_id)
    membership = people.person_current_membership(person=person)
    panels = [(panel, panel.context(actor=user, person=person)) for panel in person_panels()]
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "membership": membership,
            "history": people.person_membership_history(person=person),
            "panels": panels,
        },
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = people.person_get_for_actor(actor=user, person_id=person_id)
    value = person_reveal_id_number(actor=user, person=person, ip=client_ip(request))
    response = render(request, "people/_revealed.html", {"value": value})
    response["Cache-Control"] = "no-store"
    return response


MEMBER_ROWS = 6
RELATIONS_OTHER = [(v, label) for v, label in Relation.choices if v != Relation.HEAD]


def _member_rows(data: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The six member rows of the form as typed (so nothing is lost on a refusal), each with its error."""
    return [
        {
            "i": i,
            "name": data.get(f"name_{i}", ""),
            "id_number": data.get(f"id_number_{i}", ""),
            "relation": data.get(f"relation_{i}", ""),
            "phone": data.get(f"phone_{i}", ""),
            "errors": errors.get(f"row_{i}", []),
            "transfer": any(NOT_IN_THIS_REGION in e for e in errors.get(f"row_{i}", [])),
        }
        for i in range(1, MEMBER_ROWS + 1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    """一门受理: register a family on the spot (full ID validation), then apply from its household page.
    A refusal re-renders every row as typed, with the error next to the row it concerns."""
    user = _user(request)
    villages = scope(Region.objects.filter(level="village"), user, field="code").order_by("code")[:500]
    data: Any = request.POST if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        members = [
            {
                "row": str(i),
                "name": data.get(f"name_{i}", ""),
                "id_number": data.get(f"id_number_{i}", ""),
                "relation": data.get(f"relation_{i}", ""),
                "phone": data.get(f"phone_{i}", ""),
            }
            for i in range(1, MEMBER_ROWS + 1)
            if data.get(f"id_number_{i}", "").strip() or data.get(f"name_{i}", "").strip()
        ]
        try:
            household = household_register(
                actor=user,
                number=data.get("number", ""),
                region_code=data.get("region_code", ""),
                hukou_type=data.get("hukou_type", ""),
                members=members,
                start_date=timezone.localdate(),
            )
        except ValidationError as e:
            errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, _("已登记家庭，可以受理救助申请"))
            return redirect("household-detail", household.pk)
    return render(
        request,
        "people/new_household.html",
        {
            "villages": villages,
            "rows": _member_rows(data, errors),
            "relations": RELATIONS_OTHER,
            "errors": errors,
            "form_errors": errors.get("__all__", []),
            "data": {k: data.get(k, "") for k in ("number", "region_code", "hukou_type")},
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def transfer_request_new(request: HttpRequest) -> HttpResponse:
    """迁入（转移）申请 from the family form's row that could not be registered here."""
    user, post = _user(request), request.POST
    row = post.get("transfer_row", "")
    suffix = f"_{row}" if row.isdigit() else ""
    with service_errors(request):
        transfer_request_create(
            actor=user,
            id_number=post.get(f"id_number{suffix}", ""),
            name=post.get(f"name{suffix}", ""),
            to_region_code=post.get("region_code", ""),
            note=post.get("note", ""),
        )
        messages.success(request, _("已提交迁入（转移）申请，由该人员原登记地核实后办理"))
    return redirect("home")


@login_required
@require_GET
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = people.household_get_for_actor(actor=_user(request), household_id=household_id)
    return render(
        request,
        "people/household.html",
        {
            "household": household,
            "members": people.household_members(household=household),
            "former": people.household_members(household=household, current_only=False).filter(
                end_date__isnull=False
            ),
        },
    )


@login_required
@require_GET
def region_children(request: HttpRequest) -> HttpResponse:
    regions = region_children_for_actor(actor=_user(request), code=request.GET.get("code") or None)
    return render(request, "web/_region_options.html", {"regions": regions})


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if actor_prefix(user) is None or user.role not in ("auditor", "city_officer", "county_officer"):
        return HttpResponseForbidden("您没有查看审计日志的权限")
    qs = audit_log_list(
        actor=user,
        event_type=request.GET.get("event", ""),
        target=request.GET.get("target", ""),
        user=request.GET.get("user", ""),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "events": AuditEvent.choices})
