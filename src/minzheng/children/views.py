"""儿童福利 desk pages (thin: read through selectors, write through services, behind permissions): the
roster, the category cases (受理, 核实, 认定, 决定书), the child director's monthly check (390 px) and the
month's completion rate by township."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require

from . import selectors as sel
from . import services as svc
from .models import CaseState

PARENT_FIELDS = ("situation", *svc.EVIDENCE_FIELDS)


def _forbidden(e: Denied) -> HttpResponse:
    return HttpResponseForbidden(e.messages[0])


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


@login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "children.read", target="children:roster")
    except Denied as e:
        return _forbidden(e)
    month = _this_month()
    page = Paginator(sel.child_roster(actor=request.user, month=month), 50).get_page(request.GET.get("page"))
    return render(request, "children/roster.html", {"page": page, "month": month})


# ---------------------------------------------------------------- category cases
@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "children.read", target="children:cases")
    except Denied as e:
        return _forbidden(e)
    state = request.GET.get("state", "")
    state = state if state in CaseState.values else ""
    page = Paginator(sel.category_cases(actor=request.user, state=state), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "children/cases.html",
        {
            "page": page,
            "state": state,
            "states": CaseState.choices,
            "can_intake": can(request.user, "child.category_intake"),
        },
    )


def _parent_post(post: Any, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {f: (post.get(f"{prefix}_{f}") or "").strip() for f in PARENT_FIELDS}
    raw = out["evidence_date"]
    if raw:
        try:
            out["evidence_date"] = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(f"出具日期“{raw}”无效，格式应为YYYY-MM-DD") from None
    return out


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "child.category_intake", target="children:case_new")
    except Denied as e:
        return _forbidden(e)
    ctx: dict[str, Any] = {**sel.intake_choices(), "form": request.POST, "error": ""}
    if request.method == "POST":
        try:
            child = sel.child_for_intake(actor=request.user, id_number=request.POST.get("id_number", ""))
            if child is None:
                raise ValidationError("在您的辖区内没有找到该身份证号的儿童，请先登记人员信息")
            case = svc.category_case_intake(
                actor=request.user,
                child=child,
                father=_parent_post(request.POST, "father"),
                mother=_parent_post(request.POST, "mother"),
                in_institution=request.POST.get("in_institution") == "1",
                declared_category=request.POST.get("declared_category", ""),
                guardian_name=request.POST.get("guardian_name", "").strip(),
            )
            return redirect("children-case", case.pk)
        except Denied as e:
            return _forbidden(e)
        except ValidationError as e:
            ctx["error"] = e.messages[0]
    return render(request, "children/case_new.html", ctx, status=400 if ctx["error"] else 200)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = sel.category_case_get(actor=request.user, case_id=case_id)
    return render(request, "children/case.html", sel.category_case_page(actor=request.user, case=case))


@login_required
@require_POST
def case_act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = sel.category_case_get(actor=request.user, case_id=case_id)
    try:
        if action == "verify":
            svc.category_case_verify(actor=request.user, case=case)
        elif action == "decide":
            svc.category_case_decide(actor=request.user, case=case)
        else:
            raise ValidationError("无效的操作")
    except Denied as e:
        return _forbidden(e)
    except ValidationError as e:
        ctx = sel.category_case_page(actor=request.user, case=case)
        return render(request, "children/case.html", {**ctx, "error": e.messages[0]}, status=400)
    return redirect("children-case", case.pk)


@login_required
@require_GET
def case_letter(request: HttpRequest, case_id: int) -> HttpResponse:
    case = sel.category_case_get(actor=request.user, case_id=case_id)
    ctx = sel.decision_letter(actor=request.user, case=case)
    if ctx is None:
        return render(
            request,
            "children/case.html",
            {**sel.category_case_page(actor=request.user, case=case), "error": "尚未作出决定"},
            status=400,
        )
    return render(request, "children/letter.html", ctx)


# ---------------------------------------------------------------- monthly checks
@login_required
@require_GET
def checks(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "child.monthly_check", target="children:checks")
    except Denied as e:
        return _forbidden(e)
    month = _this_month()
    page = Paginator(sel.check_worklist(actor=request.user, month=month), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "children/checks.html", {"page": page, "month": month, "labels": sel.CHECK_LABELS})


@login_required
@require_http_methods(["GET", "POST"])
def check_record(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        require(request.user, "child.monthly_check", target="children:check")
    except Denied as e:
        return _forbidden(e)
    month = _this_month()
    person = sel.check_person_get(actor=request.user, person_id=person_id, month=month)
    error = ""
    if request.method == "POST":
        try:
            svc.monthly_check_record(
                actor=request.user,
                person=person,
                month=month,
                items={k: request.POST.get(k) == "1" for k in svc.CHECK_ITEMS},
                note=request.POST.get("note", "").strip(),
            )
            return redirect("children-checks")
        except Denied as e:
            return _forbidden(e)
        except ValidationError as e:
            error = e.messages[0]
    return render(
        request,
        "children/check.html",
        {"person": person, "month": month, "labels": sel.CHECK_LABELS, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def check_rate(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "children.read", target="children:check_rate")
    except Denied as e:
        return _forbidden(e)
    month = _this_month()
    return render(
        request,
        "children/check_rate.html",
        {"rows": sel.check_completion(actor=request.user, month=month), "month": month},
    )
