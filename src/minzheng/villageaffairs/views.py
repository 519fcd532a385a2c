"""Desk pages of 村务公开 and the question ledger: thin. Records come through selectors (out of scope =
404 like missing), the actions a page offers come from a selector, writes go through services, and bad
input gets a Chinese message and changes nothing. The village assistant's pages work at 390 px."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.casework.selectors import case_actions
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.posts import posted

from . import selectors, services
from .models import CadrePost, CatalogueItem, Category, Frequency, InspectionMode, QuestionState
from .periods import period_label, period_of, period_parse, previous_period
from .workflow import STEP_LABELS, TARGETS, WORKFLOW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def _gate(request: HttpRequest, permission: str, target: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _found(obj: Any) -> Any:
    if obj is None:
        raise Http404("记录不存在")
    return obj


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> bool:
    try:
        fn()
    except ValidationError as e:
        _errors(request, e)
        return False
    messages.success(request, ok)
    return True


def _period(request: HttpRequest) -> str:
    """The period asked for (?period=YYYY-MM), this month when none or a bad one (with a message)."""
    today = timezone.localdate()
    raw = request.GET.get("period", "")
    if not raw:
        return period_of(today)
    try:
        return period_parse(raw[:10], today=today)
    except ValidationError as e:
        _errors(request, e)
        return period_of(today)


def _periods(current: str) -> list[tuple[str, str]]:
    """The twelve months up to this one, for the period picker."""
    out, p = [], period_of(timezone.localdate())
    for _ in range(12):
        out.append((p, period_label(p)))
        p = previous_period(p)
    if current not in dict(out):
        out.append((current, period_label(current)))
    return out


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- 村务公开
@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Completeness of a period by county and township, and the villages with items missing. A village
    assistant goes straight to their village's period."""
    if (refused := _gate(request, selectors.READ, "villageaffairs:home")) is not None:
        return refused
    village = selectors.own_village(request.user)
    period = _period(request)
    if village is not None:
        return redirect(reverse("villageaffairs-village", args=[village.pk]) + f"?period={period}")
    township = request.GET.get("township", "").strip()[:9]
    township = township if township.isdigit() else ""
    missing = selectors.villages_missing(actor=request.user, period=period, township=township)
    if request.GET.get("export") == "xlsx":
        rows: list[Any] = [
            (v.parent.name if v.parent else "", v.name, getattr(v, "published", 0), getattr(v, "missing", 0))
            for v in missing
        ]
        content = services.ledger_export(
            actor=request.user,
            header=["乡镇(街道)", "村(社区)", "已公开事项", "未公开事项"],
            rows=rows,
            what="missing",
            title="村务公开缺项村",
        )
        return _xlsx(content, f"villageaffairs-missing-{period}")
    rates = selectors.completeness(actor=request.user, period=period)
    page = Paginator(missing, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "villageaffairs/home.html",
        {
            "period": period,
            "period_name": period_label(period),
            "periods": _periods(period),
            "rates": rates,
            "page": page,
            "township": township,
        },
    )


@login_required
@require_GET
def village(request: HttpRequest, pk: int) -> HttpResponse:
    v = _found(selectors.village_get(actor=request.user, pk=pk))
    period = _period(request)
    data = selectors.village_period(village=v, period=period)
    return render(
        request,
        "villageaffairs/village.html",
        {
            "village": v,
            "period": period,
            "period_name": period_label(period),
            "periods": _periods(period),
            "can_publish": can(request.user, "villageaffairs.publish", region_code=v.code),
            "events_catalogue": selectors.event_items(),
            **data,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish one item of the village's period: GET the form, POST it (multipart, attachments)."""
    v = _found(selectors.village_get(actor=request.user, pk=pk))
    src = request.POST if request.method == "POST" else request.GET
    period = _period(request) if request.method == "GET" else src.get("period", "")
    back = reverse("villageaffairs-village", args=[v.pk])
    try:
        period = period_parse(period, today=timezone.localdate())
        item_id = form_int(src.get("item"), "公开事项", hi=10_000)
    except ValidationError as e:
        _errors(request, e)
        return redirect(back)
    item = CatalogueItem.objects.filter(pk=item_id, active=True).first()
    if item is None:
        messages.error(request, "请选择公开目录中的事项")
        return redirect(back + f"?period={period}")
    if request.method == "POST":
        p = request.POST

        def go() -> Any:
            return services.disclosure_publish(
                actor=request.user,
                region_code=v.code,
                period=period,
                item=item,
                text=p.get("text", ""),
                published_on=form_date(p.get("published_on"), "公开日期", past_years=2),
                attachments=request.FILES.getlist("files"),
            )

        if _run(request, go, f"已公开“{item.name}”"):
            return redirect(back + f"?period={period}")
    elif (refused := _gate(request, "villageaffairs.publish", f"village:{v.pk}")) is not None:
        return refused
    return render(
        request,
        "villageaffairs/publish.html",
        {
            "village": v,
            "period": period,
            "period_name": period_label(period),
            "item": item,
            "today": timezone.localdate(),
            "text": request.POST.get("text", "") if request.method == "POST" else "",
        },
    )


@login_required
@require_GET
def disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    d = _found(selectors.disclosure_get(actor=request.user, pk=pk))
    v = _found(selectors.villages(request.user).filter(code=d.region_code).first())
    return render(
        request,
        "villageaffairs/disclosure.html",
        {
            "d": d,
            "village": v,
            "period_name": period_label(d.period),
            "history": selectors.disclosure_history(d),
            "attachments": list(d.attachments.all()),
            "can_correct": can(request.user, "villageaffairs.publish", region_code=d.region_code),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def disclosure_correct(request: HttpRequest, pk: int) -> HttpResponse:
    d = _found(selectors.disclosure_get(actor=request.user, pk=pk))
    p = request.POST

    def go() -> Any:
        return services.disclosure_correct(
            actor=request.user,
            disclosure=d,
            text=p.get("text", ""),
            published_on=form_date(p.get("published_on"), "公开日期", past_years=2),
            reason=p.get("reason", ""),
            expected_revision=form_int(p.get("revision"), "版本", hi=100_000),
            attachments=request.FILES.getlist("files"),
        )

    _run(request, go, "已更正，原内容保留在修改记录中")
    return redirect("villageaffairs-disclosure", pk=d.pk)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    a = _found(selectors.attachment_get(actor=request.user, pk=pk))
    handle = services.attachment_open(actor=request.user, attachment=a)
    ext = "." + a.file.name.rsplit(".", 1)[-1].lower() if "." in a.file.name else ""
    response = FileResponse(handle, content_type=mimetypes.types_map.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = f'inline; filename="attachment-{a.pk}{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """The village's public list (公开栏) of a period: published items and answered questions."""
    v = _found(selectors.village_get(actor=request.user, pk=pk))
    period = _period(request)
    return render(
        request,
        "villageaffairs/board.html",
        {
            "village": v,
            "period": period,
            "period_name": period_label(period),
            "periods": _periods(period),
            **selectors.board(village=v, period=period),
        },
    )


# ---------------------------------------------------------------- 问题台账
@login_required
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "villageaffairs:questions")) is not None:
        return refused
    g = request.GET
    state = g.get("state", "")[:10]
    overdue = g.get("overdue") == "1"
    village_code = g.get("village", "").strip()[:12]
    today = timezone.localdate()
    qs = selectors.questions(actor=request.user, state=state, overdue=overdue, village=village_code, on=today)
    if g.get("export") == "xlsx":
        rows: list[Any] = []
        names: dict[str, str] = {}
        for chunk in Paginator(qs, 2000):
            names.update(selectors.region_names({q.region_code for q in chunk}))
            rows.extend(
                (
                    names.get(q.region_code, ""),
                    q.raised_on,
                    q.text,
                    q.item.name if q.item else "",
                    q.get_state_display(),
                    q.due_on,
                    q.assignee,
                    q.answer,
                )
                for q in chunk
            )
        content = services.ledger_export(
            actor=request.user,
            header=["村(社区)", "提出日期", "问题", "涉及事项", "状态", "答复期限", "承办人（单位）", "答复"],
            rows=rows,
            what="questions",
            title="问题台账",
        )
        return _xlsx(content, "villageaffairs-questions")
    page = Paginator(qs, 30).get_page(g.get("page"))
    names = selectors.region_names({q.region_code for q in page})
    rows = [
        (q, names.get(q.region_code, ""), q.state in selectors.OPEN_STATES and q.due_on < today) for q in page
    ]
    return render(
        request,
        "villageaffairs/questions.html",
        {
            "page": page,
            "rows": rows,
            "states": QuestionState.choices,
            "state": state,
            "overdue": overdue,
            "can_record": can(request.user, "villageaffairs.question_record"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest) -> HttpResponse:
    if (
        refused := _gate(request, "villageaffairs.question_record", "villageaffairs:question-new")
    ) is not None:
        return refused
    vs = list(selectors.villages(request.user).order_by("code")[:500])
    if request.method == "POST":
        p = request.POST
        code = p.get("village", "").strip()[:12]
        item_id = p.get("item", "").strip()
        holder: dict[str, Any] = {}

        def go() -> Any:
            item = None
            if item_id:
                item = CatalogueItem.objects.filter(pk=form_int(item_id, "涉及事项", hi=10_000)).first()
                if item is None:
                    raise ValidationError("请选择公开目录中的事项")
            holder["q"] = services.question_record(
                actor=request.user,
                region_code=code,
                text=p.get("text", ""),
                raised_on=form_date(p.get("raised_on"), "提出日期", past_years=1),
                asker=p.get("asker", ""),
                item=item,
            )

        if _run(request, go, "问题已登记入台账"):
            return redirect("villageaffairs-question", pk=holder["q"].pk)
    return render(
        request,
        "villageaffairs/question_new.html",
        {
            "villages": vs,
            "items": CatalogueItem.objects.filter(active=True).order_by("order"),
            "today": timezone.localdate(),
            "post": request.POST,
        },
    )


@login_required
@require_GET
def question(request: HttpRequest, pk: int) -> HttpResponse:
    q = _found(selectors.question_get(actor=request.user, pk=pk))
    today = timezone.localdate()
    return render(
        request,
        "villageaffairs/question.html",
        {
            "q": q,
            "village_name": selectors.region_names({q.region_code}).get(q.region_code, ""),
            "village": selectors.villages(request.user).filter(code=q.region_code).first(),
            "actions": selectors.question_actions(actor=request.user, question=q),
            "overdue": q.state in selectors.OPEN_STATES and q.due_on < today,
        },
    )


@login_required
@require_POST
def question_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    q = _found(selectors.question_get(actor=request.user, pk=pk))
    p, user = request.POST, request.user

    def version() -> int:
        return form_int(p.get("version"), "版本", hi=100_000)

    handlers: dict[str, tuple[Callable[[], Any], str]] = {
        "assign": (
            lambda: services.question_assign(
                actor=user, question=q, assignee=p.get("assignee", ""), expected_version=version()
            ),
            "已交办",
        ),
        "answer": (
            lambda: services.question_answer(
                actor=user, question=q, answer=p.get("answer", ""), expected_version=version()
            ),
            "已答复",
        ),
        "close": (
            lambda: services.question_close(actor=user, question=q, expected_version=version()),
            "已销号，答复已在村务公开栏公布",
        ),
    }
    if action not in handlers:
        raise Http404("记录不存在")
    fn, ok = handlers[action]
    _run(request, fn, ok)
    return redirect("villageaffairs-question", pk=q.pk)


# ---------------------------------------------------------------- 明查暗访
@login_required
@require_http_methods(["GET", "POST"])
def inspections(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "villageaffairs:inspections")) is not None:
        return refused
    user: Any = request.user
    may_inspect = can(user, "villageaffairs.inspect")
    if request.method == "POST":
        p = request.POST
        holder: dict[str, Any] = {}

        def go() -> Any:
            holder["i"] = services.inspection_create(
                actor=user,
                region_code=user.region.code if user.region else "",
                mode=p.get("mode", ""),
                held_on=form_date(p.get("held_on"), "检查日期", past_years=1),
                villages=[v[:12] for v in p.getlist("villages")][:200],
                note=p.get("note", ""),
            )

        if _run(request, go, "已登记检查"):
            return redirect("villageaffairs-inspection", pk=holder["i"].pk)
    page = Paginator(selectors.inspections(actor=user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "villageaffairs/inspections.html",
        {
            "page": page,
            "counts": selectors.inspection_counts(actor=user),
            "to_rectify": list(selectors.findings(actor=user, state="open")[:30]),
            "to_check": list(selectors.findings(actor=user, state="rectified")[:30]),
            "may_inspect": may_inspect,
            "villages": list(selectors.villages(user).order_by("code")[:300]) if may_inspect else [],
            "modes": InspectionMode.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    i = _found(selectors.inspection_get(actor=request.user, pk=pk))
    names = selectors.region_names(set(i.villages))
    return render(
        request,
        "villageaffairs/inspection.html",
        {
            "i": i,
            "villages": [(c, names.get(c, "")) for c in i.villages],
            "findings": list(i.findings.select_related("item").order_by("pk")),
            "may_add": can(request.user, "villageaffairs.inspect", region_code=i.region_code),
            "items": CatalogueItem.objects.filter(active=True).order_by("order"),
            "unit": selectors.region_names({i.region_code}).get(i.region_code, ""),
        },
    )


@login_required
@require_POST
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    i = _found(selectors.inspection_get(actor=request.user, pk=pk))
    p = request.POST

    def go() -> Any:
        item_id = p.get("item", "").strip()
        item = (
            CatalogueItem.objects.filter(pk=form_int(item_id, "涉及事项", hi=10_000)).first()
            if item_id
            else None
        )
        return services.finding_add(
            actor=request.user,
            inspection=i,
            region_code=p.get("village", "")[:12],
            problem=p.get("problem", ""),
            rectify_by=form_date(p.get("rectify_by"), "整改期限", future_days=366),
            item=item,
        )

    _run(request, go, "已登记发现的问题")
    return redirect("villageaffairs-inspection", pk=i.pk)


@login_required
@require_GET
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    f = _found(selectors.finding_get(actor=request.user, pk=pk))
    return render(
        request,
        "villageaffairs/finding.html",
        {
            "f": f,
            "village_name": selectors.region_names({f.region_code}).get(f.region_code, ""),
            "actions": selectors.finding_actions(actor=request.user, finding=f),
            "overdue": f.state == "open" and f.rectify_by < timezone.localdate(),
        },
    )


@login_required
@require_POST
def finding_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    f = _found(selectors.finding_get(actor=request.user, pk=pk))
    p, user = request.POST, request.user

    def version() -> int:
        return form_int(p.get("version"), "版本", hi=100_000)

    handlers: dict[str, tuple[Callable[[], Any], str]] = {
        "rectify": (
            lambda: services.finding_rectify(
                actor=user, finding=f, rectification=p.get("rectification", ""), expected_version=version()
            ),
            "已登记整改，待复核",
        ),
        "pass": (
            lambda: services.finding_check(
                actor=user, finding=f, passed=True, note=p.get("note", ""), expected_version=version()
            ),
            "复核通过",
        ),
        "fail": (
            lambda: services.finding_check(
                actor=user, finding=f, passed=False, note=p.get("note", ""), expected_version=version()
            ),
            "已退回整改",
        ),
    }
    if action not in handlers:
        raise Http404("记录不存在")
    fn, ok = handlers[action]
    _run(request, fn, ok)
    return redirect("villageaffairs-finding", pk=f.pk)


# ---------------------------------------------------------------- 议事协商
@login_required
@require_http_methods(["GET", "POST"])
def matters(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "villageaffairs:matters")) is not None:
        return refused
    user: Any = request.user
    if request.method == "POST":
        p = request.POST
        holder: dict[str, Any] = {}

        def go() -> Any:
            holder["m"] = services.matter_propose(
                actor=user,
                region_code=p.get("village", "")[:12],
                title=p.get("title", ""),
                proposer=p.get("proposer", ""),
                note=p.get("note", ""),
                on=form_date(p.get("on"), "提出日期", past_years=1),
            )

        if _run(request, go, "议题已提出，待乡镇审查"):
            return redirect("villageaffairs-matter", pk=holder["m"].pk)
    qs = selectors.matters(actor=user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    names = selectors.region_names({m.region_code for m in page})
    may = can(user, "villageaffairs.deliberate")
    return render(
        request,
        "villageaffairs/matters.html",
        {
            "page": page,
            "rows": [(m, names.get(m.region_code, ""), WORKFLOW.state_label(m.state)) for m in page],
            "may_propose": may,
            "villages": list(selectors.villages(user).order_by("code")[:300]) if may else [],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def matter(request: HttpRequest, pk: int) -> HttpResponse:
    m = _found(selectors.matter_get(actor=request.user, pk=pk))
    steps = selectors.matter_steps(m)
    taken = {s.step for s in steps}
    return render(
        request,
        "villageaffairs/matter.html",
        {
            "m": m,
            "state_label": WORKFLOW.state_label(m.state),
            "village_name": selectors.region_names({m.region_code}).get(m.region_code, ""),
            "steps": [(s, dict(STEP_LABELS).get(s.step, "")) for s in steps],
            "ladder": [(code, label, code in taken) for code, label in STEP_LABELS],
            "actions": [
                a for a in case_actions(actor=request.user, case=m, workflow=WORKFLOW).actions if a.available
            ],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def matter_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    m = _found(selectors.matter_get(actor=request.user, pk=pk))
    if action not in TARGETS:
        raise Http404("记录不存在")
    p = request.POST

    def go() -> Any:
        return services.matter_step(
            actor=request.user,
            matter=m,
            action=action,
            note=p.get("note", ""),
            on=form_date(p.get("on"), "日期", past_years=1),
            attachment=request.FILES.get("file"),
            expected_version=form_int(p.get("version"), "版本", hi=100_000),
        )

    _run(request, go, "已记录本环节")
    return redirect("villageaffairs-matter", pk=m.pk)


@login_required
@require_GET
def matter_file(request: HttpRequest, pk: int) -> FileResponse:
    s = _found(selectors.matter_step_get(actor=request.user, pk=pk))
    if not s.file:
        raise Http404("记录不存在")
    ext = "." + s.file.name.rsplit(".", 1)[-1].lower() if "." in s.file.name else ""
    response = FileResponse(
        s.file.open("rb"), content_type=mimetypes.types_map.get(ext, "application/octet-stream")
    )
    response["Content-Disposition"] = f'inline; filename="matter-step-{s.pk}{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- 一述两问三评四定
@login_required
@require_http_methods(["GET", "POST"])
def cadres(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "villageaffairs:cadres")) is not None:
        return refused
    user: Any = request.user
    may = can(user, "villageaffairs.cadre_review")
    if request.method == "POST":
        p = request.POST
        holder: dict[str, Any] = {}

        def go() -> Any:
            holder["r"] = services.cadre_review_record(
                actor=user,
                region_code=p.get("village", "")[:12],
                cadre_name=p.get("cadre_name", ""),
                post=p.get("post", ""),
                held_on=form_date(p.get("held_on"), "报告会日期", past_years=1),
                report=p.get("report", ""),
                questions=p.get("questions", ""),
                suggestions=p.get("suggestions", ""),
                scores={
                    field: form_decimal(p.get(field), label, places=1, hi=Decimal(100))
                    for field, label in services.SCORERS
                },
                goal=p.get("goal", ""),
                measures=p.get("measures", ""),
                responsible=p.get("responsible", ""),
                due_on=form_date(p.get("due_on"), "完成时限", future_days=1100),
            )

        if _run(request, go, "述职评议已记录"):
            return redirect("villageaffairs-cadre", pk=holder["r"].pk)
    page = Paginator(selectors.cadre_reviews(actor=user), 30).get_page(request.GET.get("page"))
    names = selectors.region_names({r.region_code for r in page})
    return render(
        request,
        "villageaffairs/cadres.html",
        {
            "rows": [(r, names.get(r.region_code, "")) for r in page],
            "page": page,
            "may": may,
            "villages": list(selectors.villages(user).order_by("code")[:300]) if may else [],
            "posts": CadrePost.choices,
            "scorers": services.SCORERS,
            "today": timezone.localdate(),
            "post": request.POST,
        },
    )


@login_required
@require_GET
def cadre(request: HttpRequest, pk: int) -> HttpResponse:
    r = _found(selectors.cadre_review_get(actor=request.user, pk=pk))
    return render(
        request,
        "villageaffairs/cadre.html",
        {
            "r": r,
            "village_name": selectors.region_names({r.region_code}).get(r.region_code, ""),
            "history": selectors.cadre_history(r),
        },
    )


# ---------------------------------------------------------------- 公开目录 (county and city)
@login_required
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, services.CATALOGUE, "catalogue")) is not None:
        return refused
    p = request.POST

    def do() -> Any:
        if p.get("form") == "active":
            item = CatalogueItem.objects.filter(pk=form_int(p.get("item"), "公开事项", hi=2**62)).first()
            if item is None:
                raise ValidationError("未找到该公开事项")
            return services.catalogue_item_set_active(
                actor=request.user, item=item, active=p.get("active") == "1"
            )
        frequency = p.get("frequency", "")
        return services.catalogue_item_add(
            actor=request.user,
            category=p.get("category", ""),
            name=p.get("name", ""),
            frequency=frequency,
            due_month=form_int(p.get("due_month"), "公开月份", lo=1, hi=12, required=False),
            source=p.get("source", ""),
        )

    if request.method == "POST" and (
        done := posted(request, do, ok="目录已更新", then=lambda _: redirect("villageaffairs-catalogue"))
    ):
        return done
    return render(
        request,
        "villageaffairs/catalogue.html",
        {
            "items": CatalogueItem.objects.order_by("order", "code"),
            "categories": [(c, label) for c, label in Category.choices],
            "frequencies": Frequency.choices,
            "months": range(1, 13),
            "post": p,
        },
    )
