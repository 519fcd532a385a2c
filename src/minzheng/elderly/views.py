"""The elderly line's desk pages (thin; reads through selectors, writes through services): the elder
registry (老年人数据库), the elder's page, the capability assessment form with a 试算 preview, subsidy
applications and decisions, care costs, and the high-age roster."""

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

from minzheng.accounts.network import client_ip
from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core.inputs import form_date, form_int
from minzheng.core.spreadsheet import xlsx_response
from minzheng.deskjobs.exports import export_as_job_if_large

from . import capability, selectors, services
from .jobs import ELDER_EXPORT_JOB
from .models import CapabilityLevel, LivingSituation, SubsidyStatus
from .shares import IDENTITIES, MODES


def _forbidden(request: HttpRequest, permission: str, target: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _filters(query: Any) -> dict[str, Any]:
    return {
        "region_code": cascade_value(query),
        "age_band": query.get("age_band", ""),
        "living_situation": query.get("living_situation", ""),
        "capability_level": query.get("capability_level", ""),
        "overdue": query.get("overdue", "") == "1",
        "candidates": query.get("candidates", "") == "1",
    }


@login_required
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    if (refused := _forbidden(request, "elderly.registry_read", "elderly:registry")) is not None:
        return refused
    filters = _filters(request.GET)
    today = timezone.localdate()
    page = Paginator(selectors.elder_registry(actor=request.user, on=today, **filters), 50).get_page(
        request.GET.get("page")
    )
    one_year_ago = selectors._year_before(today)
    return render(
        request,
        "elderly/registry.html",
        {
            "page": page,
            "filters": filters,
            "today": today,
            "one_year_ago": one_year_ago,
            "cascade": region_cascade(
                actor=request.user, selected=filters["region_code"], dom_prefix="filter"
            ),
            "age_bands": [(k, v[2]) for k, v in selectors.AGE_BANDS.items()],
            "situations": LivingSituation.choices,
            "levels": CapabilityLevel.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def registry_export(request: HttpRequest) -> HttpResponse:
    """The filtered registry as Excel; above EXPORT_JOB_ROWS rows a desk job (我的任务)."""
    if (refused := _forbidden(request, "elderly.registry_read", "elderly:export")) is not None:
        return refused
    filters = _filters(request.POST)
    count = selectors.elder_registry(actor=request.user, on=timezone.localdate(), **filters).count()
    queued = export_as_job_if_large(
        request,
        actor=request.user,
        count=count,
        kind=ELDER_EXPORT_JOB,
        title=f"老年人导出（{min(count, services.EXPORT_LIMIT)}条）",
        params=filters,
        ip=client_ip(request),
    )
    if queued is not None:
        return queued
    try:
        content = services.elder_registry_export_xlsx(
            actor=request.user, filters=filters, ip=client_ip(request)
        )
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return xlsx_response(content, f"elders-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    if (refused := _forbidden(request, "elderly.read", "elderly:roster")) is not None:
        return refused
    month = timezone.localdate().replace(day=1)
    page = Paginator(selectors.high_age_roster(actor=request.user, month=month), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "elderly/roster.html", {"page": page, "month": month})


@login_required
@require_GET
def elder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.elder_for_actor(actor=request.user, person_id=pk)
    return render(
        request,
        "elderly/detail.html",
        {
            "person": person,
            "panel": selectors.elderly_panel(actor=request.user, person=person),
            "assessments": selectors.assessments_for(actor=request.user, person=person)[:20],
            "applications": selectors.subsidy_applications(actor=request.user).filter(person=person)[:20],
            "actions": selectors.elder_actions(actor=request.user, person=person),
            "situations": LivingSituation.choices,
        },
    )


@login_required
@require_POST
def situation(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.elder_for_actor(actor=request.user, person_id=pk, permission="elderly.visit_record")
    nearby = {"yes": True, "no": False}.get(request.POST.get("children_nearby", ""))
    try:
        services.elder_situation_set(
            actor=request.user,
            person=person,
            living_situation=request.POST.get("living_situation", ""),
            children_nearby=nearby,
        )
        messages.success(request, _("已登记居住状况"))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("elderly-detail", pk=person.pk)


def _capability_from_post(post: Any) -> dict[str, Any]:
    """The form's fields as the contract's `capability` object (bad values left for the parser)."""

    def number(name: str) -> Any:
        raw = (post.get(name) or "").strip()
        return int(raw) if raw.lstrip("-").isdigit() else raw or None

    data: dict[str, Any] = {
        part: {code: number(code) for code, _n, _h in rows if post.get(code, "") != ""}
        for part, rows in capability.PARTS.items()
    }
    data["coma"] = post.get("coma") == "on"
    data["diagnosis"] = post.get("diagnosis") == "on"
    data["risk_events_30d"] = {k: number(f"risk_{k}") or 0 for k in capability.RISK_EVENTS}
    return data


def _parts(values: Any) -> list[dict[str, Any]]:
    """The 26 items by part, each with its score range (highest first) and the value typed."""
    return [
        {
            "code": part,
            "name": capability.PART_NAMES[part],
            "items": [
                {"code": code, "name": name, "range": range(hi, -1, -1), "value": values.get(code, "")}
                for code, name, hi in rows
            ],
        }
        for part, rows in capability.PARTS.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """能力评估 form (usable at 390 px at the elder's home): 试算 previews, 保存 records."""
    person = selectors.elder_for_actor(actor=request.user, person_id=pk, permission="elderly.assess")
    if (refused := _forbidden(request, "elderly.assess", f"elder:{person.pk}")) is not None:
        return refused
    preview = None
    error = ""
    values: dict[str, Any] = {}
    today = timezone.localdate()
    if request.method == "POST":
        data = _capability_from_post(request.POST)
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        try:
            parsed = capability.parse_capability(data, codes=False)  # a person reads names, not codes
            preview = capability.grade(parsed)
            if request.POST.get("action") == "save":
                second = selectors.second_assessors(actor=request.user, person=person).filter(
                    pk=request.POST.get("second_assessor") or 0
                )
                on = form_date(request.POST.get("assessed_on"), "评估日期")
                a = services.assessment_record(
                    actor=request.user,
                    person=person,
                    second_assessor=second.first(),
                    capability=data,
                    assessed_on=on,
                )
                messages.success(request, _("已保存能力评估"))
                return redirect("elderly-assessment", pk=a.pk)
        except ValidationError as e:
            error = "；".join(e.messages)
    parts = _parts(values)
    return render(
        request,
        "elderly/assess.html",
        {
            "person": person,
            "parts": parts,
            "risks": [(k, v, values.get(f"risk_{k}", "0")) for k, v in capability.RISK_EVENTS.items()],
            "values": values,
            "preview": preview,
            "error": error,
            "assessors": selectors.second_assessors(actor=request.user, person=person),
            "today": today,
        },
    )


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The item scores of one assessment (health record): every view is audited."""
    a = selectors.assessment_for_actor(actor=request.user, pk=pk)
    services.assessment_detail_read(actor=request.user, assessment=a, ip=client_ip(request))
    return render(request, "elderly/assessment.html", {"a": a, "parts": selectors.item_rows(a)})


@login_required
@require_POST
def subsidy_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.elder_for_actor(actor=request.user, person_id=pk, permission="elderly.assess")
    try:
        app = services.subsidy_apply(actor=request.user, person=person, note=request.POST.get("note", ""))
        messages.success(request, _("已受理老年人补贴申请，待养老服务科审批"))
        return redirect("elderly-subsidy", pk=app.pk)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("elderly-detail", pk=person.pk)


@login_required
@require_GET
def subsidies(request: HttpRequest) -> HttpResponse:
    if (refused := _forbidden(request, "elderly.registry_read", "elderly:subsidies")) is not None:
        return refused
    status = request.GET.get("status", "")
    page = Paginator(selectors.subsidy_applications(actor=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "elderly/subsidies.html", {"page": page, "status": status, "statuses": SubsidyStatus.choices}
    )


@login_required
@require_http_methods(["GET", "POST"])
def subsidy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.subsidy_application_for_actor(actor=request.user, pk=pk)
    if request.method == "POST":
        try:
            app = services.subsidy_decide(actor=request.user, application=app)
            messages.success(request, _("已作出审批决定"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        return redirect("elderly-subsidy", pk=app.pk)
    return render(
        request,
        "elderly/subsidy.html",
        {
            "app": app,
            "actions": selectors.subsidy_actions(actor=request.user, application=app),
            "why": selectors.subsidy_why(application=app),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_costs_view(request: HttpRequest) -> HttpResponse:
    """峡山 institutional care shares and 任城 centralised care costs: recorded and listed."""
    if (refused := _forbidden(request, "elderly.registry_read", "elderly:care")) is not None:
        return refused
    if request.method == "POST":
        try:
            person = selectors.elder_by_id_number(
                actor=request.user, id_number=request.POST.get("id_number", "")
            )
            if request.POST.get("kind") == "central":
                services.central_care_cost_record(
                    actor=request.user,
                    person=person,
                    year=form_int(request.POST.get("year"), "年度", lo=2000, hi=2100),
                    annual_cost=form_int(request.POST.get("annual_cost"), "年度照护成本"),
                    dibao_paid=form_int(request.POST.get("dibao_paid"), "低保金承担"),
                )
            else:
                services.care_share_record(
                    actor=request.user,
                    person=person,
                    institution=request.POST.get("institution", ""),
                    identity=request.POST.get("identity", ""),
                    monthly_fee=form_int(request.POST.get("monthly_fee"), "月照护费"),
                    from_month=timezone.localdate(),
                )
            messages.success(request, _("已登记"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        return redirect("elderly-care-costs")
    return render(
        request,
        "elderly/care_costs.html",
        {**selectors.care_costs(actor=request.user), "identities": IDENTITIES},
    )


TRIALS = {capability.CODE: "老年人能力评估", "disabled_elder_care": "失能老人照护费用分担"}


def _trial_case(post: Any) -> dict[str, Any]:
    """The form as the assess-lines.md contract's case (the same dict the API and CLI take)."""
    code = post.get("programme", "")
    data: dict[str, Any] = {
        "programme": code,
        "date": form_date(post.get("date"), "试算日期", future_days=366, past_years=10).isoformat(),
        "region": cascade_value(post) or "",
        "hukou_type": post.get("hukou_type", ""),
        "members": [{"id_number": (post.get("id_number") or "").strip(), "relation": "head"}],
    }
    if code == capability.CODE:
        data["capability"] = _capability_from_post(post)
        capability.parse_capability(data["capability"], codes=False)  # the desk's message names items
    else:
        data["identity"] = post.get("identity", "")
        data["capability_level"] = form_int(post.get("capability_level"), "能力等级", hi=4)
        data["mode"] = post.get("mode", "")
        if data["mode"] == "institution":
            data["monthly_fee"] = form_int(post.get("monthly_fee"), "月照护费")
    return data


@login_required
@require_http_methods(["GET", "POST"])
def trial(request: HttpRequest) -> HttpResponse:
    """养老试算 at the desk: the capability assessment's 26 items and the Xiashan care shares (identity,
    level, setting) run through the same registered trials as the API and CLI (assistance.assess)."""
    from minzheng.assistance.assess import assess as run_trial

    if (refused := _forbidden(request, "elderly.assess", "elderly:trial")) is not None:
        return refused
    post = request.POST if request.method == "POST" else None
    result: dict[str, Any] | None = None
    error = ""
    code = (post or request.GET).get("programme", capability.CODE)
    code = code if code in TRIALS else capability.CODE
    if post is not None:
        try:
            result = run_trial(_trial_case(post))
        except ValidationError as e:
            error = "；".join(e.messages)
    values: Any = post or {}
    return render(
        request,
        "elderly/trial.html",
        {
            "code": code,
            "trials": TRIALS,
            "result": result,
            "shown": selectors.trial_result_rows(result) if result else None,
            "error": error,
            "values": values,
            "parts": _parts(values),
            "risks": [(k, v, values.get(f"risk_{k}", "0")) for k, v in capability.RISK_EVENTS.items()],
            "identities": IDENTITIES,
            "modes": MODES,
            "levels": CapabilityLevel.choices,
            "cascade": region_cascade(actor=request.user, selected=cascade_value(values), dom_prefix="trial"),
            "date": values.get("date") or timezone.localdate().isoformat(),
        },
    )
