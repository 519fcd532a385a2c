"""儿童福利 desk pages (thin: read through selectors, write through services, behind permissions): the
roster, the category cases (受理, 核实, 认定, 决定书), the child director's monthly check (390 px) and the
month's completion rate by township."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.network import client_ip
from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core.inputs import form_date, form_int
from minzheng.regions.selectors import region_labels

from . import selectors as sel
from . import services as svc
from .models import CaseState, Position

PARENT_FIELDS = ("situation", *svc.EVIDENCE_FIELDS)


def _forbidden(e: Denied) -> HttpResponse:
    return HttpResponseForbidden(e.messages[0])


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _form_page(
    request: HttpRequest,
    template: str,
    context: Callable[[], dict[str, Any]],
    save: Callable[[], HttpResponse],
) -> HttpResponse:
    """Every form page of the line: on POST `save` writes and says where to go next; a refusal is 403 in
    Chinese; bad input shows the form again with the Chinese message (400) and nothing saved. `context` is
    read after the write so a page shows what is stored."""
    error = ""
    if request.method == "POST":
        try:
            return save()
        except Denied as e:
            return _forbidden(e)
        except ValidationError as e:
            error = e.messages[0]
    return render(request, template, {**context(), "error": error}, status=400 if error else 200)


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
    out["evidence_date"] = form_date(out["evidence_date"], "出具日期", required=False)
    return out


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "child.category_intake", target="children:case_new")
    except Denied as e:
        return _forbidden(e)

    def save() -> HttpResponse:
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

    return _form_page(
        request, "children/case_new.html", lambda: {**sel.intake_choices(), "form": request.POST}, save
    )


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
    items = {k: request.POST.get(k) == "1" for k in svc.CHECK_ITEMS}

    def save() -> HttpResponse:
        note = request.POST.get("note", "").strip()
        svc.monthly_check_record(actor=request.user, person=person, month=month, items=items, note=note)
        return redirect("children-checks")

    def context() -> dict[str, Any]:
        ticked = [k for k, v in items.items() if v]
        note = request.POST.get("note", "")
        return {"person": person, "month": month, "labels": sel.CHECK_LABELS, "ticked": ticked, "note": note}

    return _form_page(request, "children/check.html", context, save)


@login_required
@require_GET
def check_rate(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "children.read", target="children:check_rate")
    except Denied as e:
        return _forbidden(e)
    month = _this_month()
    findings = Paginator(sel.check_findings(actor=request.user, month=month), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "children/check_rate.html",
        {
            "rows": sel.check_completion(actor=request.user, month=month),
            "month": month,
            "page": findings,
            "findings": sel.finding_rows(findings),
            "may_read_people": can(request.user, "people.read"),
        },
    )


# ---------------------------------------------------------------- one child, one file (一人一档)
def _guarded(request: HttpRequest, permission: str, target: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=target)
    except Denied as e:
        return _forbidden(e)
    return None


@login_required
@require_GET
def files(request: HttpRequest) -> HttpResponse:
    if (refused := _guarded(request, "child.registry_read", "children:files")) is not None:
        return refused
    kind = request.GET.get("kind", "")
    kind = kind if kind in sel.FILE_KINDS else ""
    q = request.GET.get("q", "")[:32]
    page = Paginator(sel.child_files(actor=request.user, kind=kind, q=q), 30).get_page(
        request.GET.get("page")
    )
    unfiled = sel.unfiled_beneficiaries(actor=request.user, month=_this_month())
    return render(
        request,
        "children/files.html",
        {
            "page": page,
            "kind": kind,
            "q": q,
            "kinds": sel.FILE_KINDS,
            "unfiled": list(unfiled[:20]),
            "unfiled_count": unfiled.count(),
            "can_edit": can(request.user, "child.file_edit"),
            "error": "",
        },
    )


@login_required
@require_POST
def file_open(request: HttpRequest) -> HttpResponse:
    if (refused := _guarded(request, "child.file_edit", "children:file_open")) is not None:
        return refused
    try:
        raw_id = request.POST.get("person_id", "")
        if raw_id:
            person = sel.person_in_scope(actor=request.user, person_id=form_int(raw_id, "儿童"))
        else:
            found = sel.person_by_id_number(actor=request.user, id_number=request.POST.get("id_number", ""))
            if found is None:
                raise ValidationError("在您的辖区内没有找到该身份证号的儿童")
            person = found
        svc.child_file_open(
            actor=request.user,
            person=person,
            left_behind=request.POST.get("left_behind") == "1",
            in_difficulty=request.POST.get("in_difficulty") == "1",
        )
    except Denied as e:
        return _forbidden(e)
    except ValidationError as e:
        ctx = {
            "page": Paginator(sel.child_files(actor=request.user), 30).get_page(1),
            "kinds": sel.FILE_KINDS,
            "unfiled": [],
            "unfiled_count": 0,
            "can_edit": True,
            "error": e.messages[0],
        }
        return render(request, "children/files.html", ctx, status=400)
    return redirect("children-file", person.pk)


@login_required
@require_GET
def file_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    reveal = request.GET.get("health") == "1"
    file = sel.child_file_get(actor=request.user, person_id=person_id, reveal_health=reveal)
    ctx = sel.child_file_page(actor=request.user, file=file, reveal_health=reveal)
    return render(request, "children/file.html", ctx)


@login_required
@require_GET
def file_print(request: HttpRequest, person_id: int) -> HttpResponse:
    file = sel.child_file_get(actor=request.user, person_id=person_id, reveal_health=True)
    ctx = sel.child_file_page(actor=request.user, file=file, reveal_health=True)
    return render(request, "children/file_print.html", ctx)


FILE_FIELDS = (*svc.FILE_TEXT, *svc.FILE_CHOICES, "health_conditions")


@login_required
@require_http_methods(["GET", "POST"])
def file_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    file = sel.child_file_get(actor=request.user, person_id=person_id, reveal_health=True)

    def save() -> HttpResponse:
        guardian = None
        gid = request.POST.get("guardian_id_number", "").strip()
        if gid:
            guardian = sel.person_by_id_number(actor=request.user, id_number=gid)
            if guardian is None:
                raise ValidationError("在您的辖区内没有找到该身份证号的监护人，请先登记人员信息")
        values: dict[str, Any] = {f: request.POST.get(f, "") for f in FILE_FIELDS}
        values["left_behind"] = request.POST.get("left_behind") == "1"
        values["in_difficulty"] = request.POST.get("in_difficulty") == "1"
        svc.child_file_update(actor=request.user, file=file, values=values, guardian=guardian)
        director_id = request.POST.get("director", "")
        if director_id and form_int(director_id, "儿童主任") != file.director_id:
            w = sel.file_directors(file=file).filter(user_id=form_int(director_id, "儿童主任")).first()
            if w is None:
                raise ValidationError("请选择该儿童所在村（居）在任的儿童主任")
            svc.file_director_assign(actor=request.user, file=file, director=w.user)
        return redirect("children-file", person_id)

    def context() -> dict[str, Any]:
        directors = sel.file_directors(file=file)
        return {"file": file, "child": file.person, "directors": directors, **sel.file_choices()}

    return _form_page(request, "children/file_edit.html", context, save)


@login_required
@require_http_methods(["GET", "POST"])
def file_assess(request: HttpRequest, person_id: int) -> HttpResponse:
    file = sel.child_file_get(actor=request.user, person_id=person_id)

    def save() -> HttpResponse:
        a = svc.guardianship_assess(
            actor=request.user,
            file=file,
            answers={code: request.POST.get(code) == "1" for code, _, _ in sel.file_choices()["items"]},
            assessed_on=form_date(request.POST.get("assessed_on"), "评估日期", past_years=1),
            follow_up_on=form_date(request.POST.get("follow_up_on"), "复评日期", future_days=366),
            note=request.POST.get("note", ""),
        )
        return redirect(reverse("children-file", args=[person_id]) + f"#assessment-{a.pk}")

    return _form_page(request, "children/file_assess.html", lambda: _file_context(file), save)


def _file_context(file: Any) -> dict[str, Any]:
    """A form on the child's file (assessment, visit)."""
    return {"file": file, "child": file.person, "today": timezone.localdate(), **sel.file_choices()}


@login_required
@require_http_methods(["GET", "POST"])
def file_visit(request: HttpRequest, person_id: int) -> HttpResponse:
    file = sel.child_file_get(actor=request.user, person_id=person_id)

    def save() -> HttpResponse:
        svc.file_visit_record(
            actor=request.user,
            file=file,
            visited_on=form_date(request.POST.get("visited_on"), "走访日期", past_years=1),
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        )
        return redirect("children-file", person_id)

    return _form_page(request, "children/file_visit.html", lambda: _file_context(file), save)


# ---------------------------------------------------------------- re-decision
@login_required
@require_http_methods(["GET", "POST"])
def case_change(request: HttpRequest, case_id: int) -> HttpResponse:
    """A parent's situation changed: record the evidence; a changed category opens a re-decision case."""
    case = sel.category_case_get(actor=request.user, case_id=case_id)

    def save() -> HttpResponse:
        evidence = _parent_post(request.POST, "new")
        change = svc.parent_change_record(
            actor=request.user,
            child=case.child,
            parent=request.POST.get("parent", ""),
            situation=evidence.pop("situation"),
            evidence=evidence,
        )
        return redirect("children-case", change.redecision_id or case.pk)

    return _form_page(
        request,
        "children/case_change.html",
        lambda: {"case": case, **sel.parent_change_choices(case=case)},
        save,
    )


@login_required
@require_GET
def redecisions(request: HttpRequest) -> HttpResponse:
    # Read by everyone who reads the allowance (the township supervisor looks at them); opened by the
    # township clerk and the county's child-welfare officer.
    if (refused := _guarded(request, "children.read", "children:redecisions")) is not None:
        return refused
    due = sel.redecisions_due(actor=request.user, permission="children.read")
    page = Paginator(due, 30).get_page(request.GET.get("page"))
    may_open = can(request.user, "child.category_intake")
    return render(request, "children/redecisions.html", {"page": page, "may_open": may_open})


@login_required
@require_POST
def redecision_open(request: HttpRequest, case_id: int) -> HttpResponse:
    parent = request.POST.get("parent", "")
    situation = sel.redecisions_due(actor=request.user).filter(case_id=case_id, parent=parent).first()
    if situation is None:
        raise Http404("没有这条记录")
    try:
        change = svc.parent_death_redecide(actor=request.user, situation=situation)
    except Denied as e:
        return _forbidden(e)
    except ValidationError as e:
        return HttpResponse(e.messages[0], status=400)
    return redirect("children-case", change.redecision_id or case_id)


# ---------------------------------------------------------------- workforce and 儿童之家
@login_required
@require_http_methods(["GET", "POST"])
def workforce(request: HttpRequest) -> HttpResponse:
    if (refused := _guarded(request, "child.workforce", "children:workforce")) is not None:
        return refused

    def save() -> HttpResponse:
        uid = form_int(request.POST.get("user"), "账号")
        user = sel.worker_candidates(actor=request.user).filter(pk=uid).first()
        if user is None:
            raise ValidationError("请选择辖区内尚未登记的儿童督导员或儿童主任账号")
        svc.child_worker_appoint(
            actor=request.user,
            user=user,
            position=request.POST.get("position", ""),
            appointed_on=form_date(request.POST.get("appointed_on"), "聘任日期"),
            training_hours=form_int(request.POST.get("training_hours") or "0", "培训学时", hi=10000),
        )
        return redirect("children-workforce")

    def context() -> dict[str, Any]:
        region = getattr(request.user, "region", None)
        allowances = sel.worker_allowances(region_code=region.code if region else "", on=timezone.localdate())
        page = Paginator(sel.workforce(actor=request.user), 50).get_page(request.GET.get("page"))
        coverage = sel.director_coverage(actor=request.user)
        return {
            "page": page,
            "allowances": allowances,
            "coverage_total": coverage["total"],
            "uncovered": list(coverage["uncovered"][:100]),
            "uncovered_count": coverage["uncovered"].count(),
            "candidates": sel.worker_candidates(actor=request.user),
            "positions": Position.choices,
            "today": timezone.localdate(),
        }

    return _form_page(request, "children/workforce.html", context, save)


@login_required
@require_POST
def worker_training(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = sel.worker_get(actor=request.user, worker_id=worker_id)
    try:
        svc.child_worker_training_add(
            actor=request.user, worker=worker, hours=form_int(request.POST.get("hours"), "培训学时", hi=200)
        )
    except Denied as e:
        return _forbidden(e)
    except ValidationError as e:
        return HttpResponse(e.messages[0], status=400)
    return redirect("children-workforce")


@login_required
@require_http_methods(["GET", "POST"])
def homes(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, "child.workforce") or can(request.user, "child.file_edit")):
        return _guarded(request, "child.workforce", "children:homes") or HttpResponseForbidden()

    def save() -> HttpResponse:
        svc.children_home_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            region_code=cascade_value(request.POST)[:15],
            address=request.POST.get("address", ""),
            opened_on=form_date(request.POST.get("opened_on"), "建成日期"),
        )
        return redirect("children-homes")

    def context() -> dict[str, Any]:
        page = Paginator(sel.children_homes(actor=request.user), 50).get_page(request.GET.get("page"))
        return {
            "page": page,
            "labels": region_labels(h.region_code for h in page),
            "can_create": can(request.user, "child.workforce"),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(request.POST)),
        }

    return _form_page(request, "children/homes.html", context, save)


@login_required
@require_http_methods(["GET", "POST"])
def home_detail(request: HttpRequest, facility_id: int) -> HttpResponse:
    home = sel.children_home_get(actor=request.user, home_id=facility_id)

    def save() -> HttpResponse:
        svc.home_activity_record(
            actor=request.user,
            home=home,
            held_on=form_date(request.POST.get("held_on"), "活动日期", past_years=1),
            title=request.POST.get("title", ""),
            participants=form_int(request.POST.get("participants"), "参加儿童人数", hi=1000),
        )
        return redirect("children-home", home.pk)

    def context() -> dict[str, Any]:
        return {
            "home": home,
            "place": region_labels([home.region_code]).get(home.region_code, ("", ""))[0],
            "activities": list(home.activities.all()[:100]),
            "today": timezone.localdate(),
        }

    return _form_page(request, "children/home.html", context, save)


# ---------------------------------------------------------------- Excel of the lists
@login_required
@require_POST
def export(request: HttpRequest, which: str) -> HttpResponse:
    try:
        content = svc.children_list_export_xlsx(actor=request.user, which=which, ip=client_ip(request))
    except Denied as e:
        return _forbidden(e)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="children-{which}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
