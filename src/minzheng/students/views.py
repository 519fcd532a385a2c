"""Desk pages of 大学生全程资助 (thin; every POST through core.posts.posted; bad input: a Chinese message)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core.inputs import form_int
from minzheng.core.posts import posted
from minzheng.core.spreadsheet import xlsx_response
from minzheng.exchange.selectors import snapshot_current, snapshot_path
from minzheng.exchange.store import lookup
from minzheng.people.selectors import person_get_for_actor
from minzheng.programmes.registry import programme_name

from . import selectors, services
from .models import AwardStatus, Student, StudentStatus, TermFinding


def _allowed(request: HttpRequest, permission: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=f"students:{request.path}")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


@login_required
@require_GET
def student_list(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request, selectors.READ)) is not None:
        return refused
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in StudentStatus.values else ""
    region = cascade_value(request.GET)
    q = request.GET.get("q", "").strip()[:30]
    todo = request.GET.get("todo", "")
    if todo == "unchecked":
        qs = selectors.unchecked(actor=request.user, on=today)
    elif todo == "undecided":
        qs = selectors.undecided(actor=request.user, on=today)
    else:
        todo = ""
        qs = selectors.students(actor=request.user, region_code=region, status=status, q=q)
    year, term = services.academic_term(today)
    return render(
        request,
        "students/list.html",
        {
            "page": Paginator(qs.select_related("person"), 30).get_page(request.GET.get("page")),
            "statuses": StudentStatus.choices,
            "status": status,
            "q": q,
            "todo": todo,
            "cascade": region_cascade(actor=request.user, selected=region),
            "can_check": can(request.user, "students.check"),
            "term_label": f"{services.year_label(year)}{'秋季' if term == 1 else '春季'}学期",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_new(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request, "students.enrol")) is not None:
        return refused
    try:
        pid = form_int(request.GET.get("person") or request.POST.get("person"), "学生", hi=2**62)
    except ValidationError:
        raise Http404("未找到该人员") from None
    person = person_get_for_actor(actor=request.user, person_id=pid)
    p = request.POST

    def do() -> Student:
        return services.student_enrol(
            actor=request.user,
            person=person,
            school=p.get("school", ""),
            major=p.get("major", ""),
            entry_year=form_int(p.get("entry_year"), "入学年份", lo=1990, hi=2100),
            graduation_year=form_int(p.get("graduation_year"), "预计毕业年份", lo=1990, hi=2100),
            student_number=p.get("student_number", ""),
        )

    if request.method == "POST" and (
        done := posted(
            request, do, ok="已纳入大学生全程资助", then=lambda s: redirect("students-student", s.pk)
        )
    ):
        return done
    return render(
        request, "students/new.html", {"person": person, "form": p, "this_year": timezone.localdate().year}
    )


@login_required
@require_http_methods(["GET", "POST"])
def student(request: HttpRequest, student_id: int) -> HttpResponse:
    s = selectors.student_get(actor=request.user, student_id=student_id)
    today = timezone.localdate()
    p = request.POST
    if request.method == "POST":
        action = p.get("action", "")
        if action == "check":
            done = posted(
                request,
                lambda: services.term_check_record(
                    actor=request.user, student=s, finding=p.get("finding", ""), note=p.get("note", "")
                ),
                ok="已记录本学期核查结果",
                then=lambda _: redirect("students-student", s.pk),
            )
        elif action == "decide":
            done = posted(
                request,
                lambda: services.award_propose(
                    actor=request.user,
                    student=s,
                    academic_year=form_int(p.get("academic_year"), "学年", lo=1990, hi=2100),
                    tuition_fee=form_int(p.get("tuition_fee"), "学费", hi=200000),
                ),
                ok="已作出学年资助决定，待另一人复核",
                then=lambda a: redirect("students-award", a.pk),
            )
        else:
            done = None
        if done:
            return done
    return render(
        request,
        "students/student.html",
        {
            "s": s,
            "checks": s.checks.select_related("checked_by"),
            "awards": s.awards.select_related("proposed_by", "approved_by"),
            "actions": selectors.student_actions(actor=request.user, student=s, on=today),
            "findings": TermFinding.choices,
            "family_label": programme_name(s.family_programme),
            "form": p,
        },
    )


@login_required
@require_GET
def award_list(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request, selectors.READ)) is not None:
        return refused
    today = timezone.localdate()
    try:
        year = form_int(request.GET.get("year"), "学年", required=False, lo=1990, hi=2100)
    except ValidationError:
        year = None
    status = request.GET.get("status", "")
    status = status if status in AwardStatus.values else ""
    region = cascade_value(request.GET)
    qs = selectors.awards(actor=request.user, year=year, region_code=region, status=status)
    if request.GET.get("export") == "xlsx":
        data = services.awards_export(actor=request.user, awards=list(qs[:5000]))
        return xlsx_response(data, f"students-aid-{today:%Y%m%d}.xlsx")
    current = services.academic_term(today)[0]
    return render(
        request,
        "students/awards.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "year": year,
            "years": [(y, services.year_label(y)) for y in range(current, current - 6, -1)],
            "statuses": AwardStatus.choices,
            "status": status,
            "cascade": region_cascade(actor=request.user, selected=region),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, award_id: int) -> HttpResponse:
    a = selectors.award_get(actor=request.user, award_id=award_id)
    p = request.POST
    if request.method == "POST" and (
        done := posted(
            request,
            lambda: services.award_approve(
                actor=request.user, award=a, approve=p.get("approve") == "1", note=p.get("note", "")
            ),
            ok=lambda x: (
                "已批准，本月发放名册将发放" if x.status == AwardStatus.APPROVED else "已退回，不予发放"
            ),
            then=lambda x: redirect("students-award", x.pk),
        )
    ):
        return done
    return render(
        request,
        "students/award.html",
        {
            "a": a,
            "year_label": services.year_label(a.academic_year),
            "can_approve": selectors.award_actions(actor=request.user, award=a),
        },
    )


@login_required
@require_POST
def check_education(request: HttpRequest) -> HttpResponse:
    """This term's check of every unchecked student in scope against the current snapshot's education
    source: one look-up for all of them."""
    today = timezone.localdate()

    def do() -> dict[str, int]:
        require(request.user, "students.check", target="students:check_education")
        pending = list(selectors.unchecked(actor=request.user, on=today).select_related("person")[:2000])
        snapshot = snapshot_current()
        rows = None
        if snapshot is not None:
            table = lookup(
                snapshot_path(snapshot=snapshot), "education", [s.person.id_number for s in pending]
            )
            if table is not None:
                rows = {r["id_number"]: r for r in table.to_pylist()}
        return services.terms_check_from_education(actor=request.user, rows=rows, students=pending, on=today)

    done = posted(
        request,
        do,
        ok=lambda c: "已比对教育部门在校数据：在读{}人，已毕业{}人，已离校{}人".format(
            c["studying"], c["graduated"], c["left"]
        ),
        then=lambda _: redirect("students-list"),
    )
    return done or redirect("students-list")


@login_required
@require_http_methods(["GET", "POST"])
def term_imports(request: HttpRequest) -> HttpResponse:
    """The education source's per-term file: upload, then the accepted and rejected rows."""
    if (refused := _allowed(request, "students.check")) is not None:
        return refused
    if request.method == "POST":

        def do() -> Any:
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError("请选择要导入的学籍文件")
            return services.term_file_import(actor=request.user, upload=upload)

        done = posted(
            request,
            do,
            ok=lambda b: f"已导入：接受{b.accepted}行，拒绝{b.rejected}行，停止资助{b.stopped}人",
            then=lambda b: redirect("students-import", b.pk),
        )
        if done:
            return done
    year, term = services.academic_term(timezone.localdate())
    return render(
        request,
        "students/imports.html",
        {
            "page": Paginator(selectors.term_imports(actor=request.user), 30).get_page(
                request.GET.get("page")
            ),
            "term_label": f"{services.year_label(year)}{'秋季' if term == 1 else '春季'}学期",
        },
    )


@login_required
@require_GET
def term_import(request: HttpRequest, import_id: int) -> HttpResponse:
    batch = selectors.term_import_get(actor=request.user, import_id=import_id)
    if request.GET.get("export") == "xlsx":
        data = services.term_import_export(actor=request.user, batch=batch)
        return xlsx_response(data, f"students-import-{batch.pk}.xlsx")
    rows = list(batch.rows.all())
    return render(
        request,
        "students/import.html",
        {
            "b": batch,
            "accepted": [r for r in rows if r.accepted],
            "rejected": [r for r in rows if not r.accepted],
            "year_label": services.year_label(batch.academic_year),
        },
    )
