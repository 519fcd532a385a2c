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
from minzheng.accounts.regions import region_children_for_actor
from minzheng.accounts.scoping import scope
from minzheng.accounts.signals import client_ip
from minzheng.audit.models import AuditEvent
from minzheng.audit.selectors import audit_changes, audit_region_names, audit_target_label
from minzheng.audit.services import audit_record
from minzheng.core.paging import SeekPage
from minzheng.core.panels import person_panel_contexts
from minzheng.core.spreadsheet import xlsx_bytes, xlsx_response
from minzheng.core.views import service_errors
from minzheng.deskjobs.exports import export_as_job_if_large
from minzheng.people import selectors as people
from minzheng.people.models import Relation
from minzheng.people.services import (
    NOT_IN_THIS_REGION,
    household_register,
    person_export_xlsx,
    person_reveal_id_number,
    transfer_request_create,
)
from minzheng.people.views import person_page_context
from minzheng.regions.models import Region
from minzheng.regions.selectors import division_cascade, division_name, division_options

from .jobs import PERSON_EXPORT_JOB
from .selectors import audit_actor_label, audit_log_list, audit_outcome_label, home_todos

EXPORT_LIMIT = 50_000


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own work: the to-do counts and first items of its lists (web.selectors)."""
    user = _user(request)
    todos = home_todos(actor=user, on=timezone.localdate())
    # The region's population from the monthly summary (one indexed row), never counted per request.
    population = people.population_figure(actor=user)
    return render(request, "web/home.html", {"todos": todos, "population": population})


@login_required
@require_http_methods(["GET", "POST"])
def person_search_page(request: HttpRequest) -> HttpResponse:
    """Search terms (ID numbers, names) travel in the POST body, never in a URL (PIPL: no PII in logs).
    Pages go next/previous (one LIMIT query, no COUNT over the population); the listing of a whole region
    shows its population from the monthly summary."""
    user = _user(request)
    data = request.POST if request.method == "POST" else request.GET
    q = request.POST.get("q", "").strip()
    region = data.get("region", "").strip()
    qs = people.person_search(actor=user, q=q, region_code=region)
    page = SeekPage(qs, data.get("page"), 30)
    population = None if q else people.population_figure(actor=user, region_code=region)
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/search.html"
    return render(request, template, {"page": page, "q": q, "region": region, "population": population})


@login_required
@require_POST
def person_export(request: HttpRequest) -> HttpResponse:
    """Excel export of the scoped search (masked IDs and phones, formula cells neutralised), downloaded as
    a file; every export is audit-logged. More than EXPORT_JOB_ROWS rows: a desk job, downloaded from
    我的任务 when the worker has written it."""
    q = request.POST.get("q", "").strip()
    region = request.POST.get("region", "").strip()
    count = people.person_search(actor=_user(request), q=q, region_code=region).count()
    queued = export_as_job_if_large(
        request,
        actor=_user(request),
        count=count,
        kind=PERSON_EXPORT_JOB,
        title=f"人员导出（{min(count, EXPORT_LIMIT)}条）",
        params={"q": q, "region": region},
        ip=client_ip(request),
    )
    if queued is not None:
        return queued
    content = person_export_xlsx(actor=_user(request), q=q, region_code=region, ip=client_ip(request))
    return xlsx_response(content, f"people-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = people.person_get_for_actor(actor=user, person_id=person_id)
    membership = people.person_current_membership(person=person)
    page = person_page_context(actor=user, person=person)  # 无身份人员: temporary record, merges, actions
    # A merged temporary record is read-only history: no panel is even computed (their forms write).
    panels = person_panel_contexts(actor=user, person=person) if page["actions"].panels else []
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "hukou_place": "" if person.hukou_region_id else division_name(person.hukou_code),
            "membership": membership,
            "history": people.person_membership_history(person=person),
            "panels": panels,
            **page,
        },
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = people.person_get_for_actor(actor=user, person_id=person_id)
    if not person.is_identified:  # no ID to reveal (the service refuses); the page never offers it
        return HttpResponse(_("该人员尚未识别身份，没有身份证号"), status=400)
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
                # the national cascade's county, else a village code of the city typed in
                hukou_region_code=data.get("hukou_region_code", "").strip() or data.get("hukou_place", ""),
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
            "data": {
                k: data.get(k, "") for k in ("number", "region_code", "hukou_type", "hukou_region_code")
            },
            "hukou_cascade": division_cascade(data.get("hukou_place", "")),
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
            "label": people.household_labels(household_ids=[household.pk]).get(household.pk, ""),
            "members": people.household_members(household=household),
            "living": people.household_members(household=household, living_only=True).count(),
            "former": people.household_members(household=household, current_only=False).filter(
                end_date__isnull=False
            ),
        },
    )


@login_required
@require_GET
def division_children(request: HttpRequest) -> HttpResponse:
    """The hukou-place cascade's next level (national list; no personal data)."""
    code = request.GET.get("code", "")
    regions = division_options(code) if code.isdigit() and len(code) == 6 else []
    return render(request, "web/_region_options.html", {"regions": regions})


@login_required
@require_GET
def region_children(request: HttpRequest) -> HttpResponse:
    regions = region_children_for_actor(actor=_user(request), code=request.GET.get("code") or None)
    return render(request, "web/_region_options.html", {"regions": regions})


AUDIT_EXPORT_HEADER = [
    "序号",
    "时间（北京时间）",
    "操作人",
    "操作人区划",
    "事件",
    "对象类型",
    "对象",
    "对象区划",
]
AUDIT_EXPORT_HEADER += ["结果", "说明", "修改内容（修改前 → 修改后）", "IP"]


def _audit_filters(data: Any) -> tuple[dict[str, Any], list[str]]:
    """The page's filters from GET (list) or POST (export); a bad date is named in Chinese and ignored."""
    import datetime as dt

    filters: dict[str, Any] = {
        k: data.get(p, "").strip()
        for k, p in (("event_type", "event"), ("target", "target"), ("user", "user"))
    }
    errors: list[str] = []
    for key, param, label in (("date_from", "from", "起始日期"), ("date_to", "to", "截止日期")):
        raw = data.get(param, "").strip()
        try:
            filters[key] = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            filters[key] = None
            errors.append(f"{label}“{raw[:20]}”不是有效日期，请按YYYY-MM-DD填写")
        # The log starts with the platform; year 1 or 9999 would overflow the Beijing-time bounds.
        if filters[key] and not dt.date(2000, 1, 1) <= filters[key] <= dt.date(9000, 1, 1):
            filters[key] = None
            errors.append(f"{label}“{raw[:20]}”超出有效范围")
    if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
        errors.append("起始日期不能晚于截止日期")
        filters["date_from"] = filters["date_to"] = None
    return filters, errors


@login_required
@require_http_methods(["GET", "POST"])
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log for the auditor (audit.read; the system admin is refused): filters by event, user,
    object and Beijing-time dates; POST exports the filtered rows to Excel, itself audited as EXPORT."""
    user = _user(request)
    try:
        require(user, "audit.read", target="audit.log")
    except Denied as denied:
        return HttpResponseForbidden(denied.messages[0])
    data = request.POST if request.method == "POST" else request.GET
    filters, errors = _audit_filters(data)
    qs = audit_log_list(actor=user, **filters)
    if request.method == "POST":
        entries = list(qs[:EXPORT_LIMIT])
        names = audit_region_names(entries)
        rows = [
            [
                e.seq,
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                audit_actor_label(e),
                names.get(e.actor_region, e.actor_region),
                e.get_event_type_display(),
                audit_target_label(e.target_type),
                e.target_id,
                names.get(e.region_code, e.region_code),
                audit_outcome_label(e.outcome),
                e.detail,
                "；".join(f"{c.field}：{c.old} → {c.new}" for c in audit_changes(e)),
                e.ip,
            ]
            for e in entries
        ]
        shown = {k: str(v) for k, v in filters.items() if v}
        audit_record(
            actor=user,
            event_type=AuditEvent.EXPORT,
            target_type="audit.export",
            region_code=user.region.code if user.region else "",
            detail=f"导出审计日志{len(rows)}条",
            new={"filters": shown, "rows": len(rows)},
            ip=client_ip(request),
        )
        response = HttpResponse(
            xlsx_bytes(AUDIT_EXPORT_HEADER, rows, title="审计日志"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = f"{timezone.localdate():%Y%m%d}"
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.xlsx"'
        return response
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    names = audit_region_names(page.object_list)
    for entry in page.object_list:
        entry.changes = audit_changes(entry)  # type: ignore[attr-defined]
        entry.actor_region_name = names.get(entry.actor_region, entry.actor_region)  # type: ignore[attr-defined]
        entry.region_name = names.get(entry.region_code, entry.region_code)  # type: ignore[attr-defined]
        entry.actor_label = audit_actor_label(entry)  # type: ignore[attr-defined]
        entry.outcome_label = audit_outcome_label(entry.outcome)  # type: ignore[attr-defined]
        entry.target_label = audit_target_label(entry.target_type)  # type: ignore[attr-defined]
    return render(request, "web/audit.html", {"page": page, "events": AuditEvent.choices, "errors": errors})
