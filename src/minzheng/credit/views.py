"""The credit line's desk and phone pages (thin: selectors read, services write). Object pages answer 404
for an object out of the actor's reach, exactly like a missing one."""

from __future__ import annotations

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

from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.labels import region_name, region_names
from minzheng.core.spreadsheet import xlsx_bytes

from . import selectors as sel
from . import services as svc
from .models import Category, EventKind, FundKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _read(request: HttpRequest, target: str) -> HttpResponse | None:
    try:
        require(request.user, sel.READ, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _village(request: HttpRequest) -> str:
    """The village the page is about: the village assistant's own, else the one chosen in the cascade."""
    return sel.own_village(request.user) or cascade_value(request.GET)


def _named(rows: Any) -> Any:
    """Each row's village name, read in one query for the page (not one per row)."""
    rows = list(rows)
    names = region_names(r.region_code for r in rows)
    for r in rows:
        r.village_name = names.get(r.region_code, "")
    return rows


def _fail(request: HttpRequest, e: ValidationError) -> None:
    messages.error(request, e.messages[0])


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on (only a local path)."""
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else fallback)


# ------------------------------------------------------------------ households and points


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """信用积分: find a household (by number or a member's name) in the actor's villages."""
    if (denied := _read(request, "credit:home")) is not None:
        return denied
    village = _village(request)
    q = request.GET.get("q", "").strip()
    page = Paginator(sel.households(actor=request.user, q=q, village=village), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "credit/home.html",
        {"page": page, "q": q, "cascade": region_cascade(actor=request.user, selected=village)},
    )


@login_required
@require_GET
def household(request: HttpRequest, household_id: int) -> HttpResponse:
    hh = sel.household_get(actor=request.user, household_id=household_id)
    if hh is None:
        raise Http404
    ctx = sel.household_page(actor=request.user, household=hh)
    ctx["categories"] = Category
    ctx["today"] = timezone.localdate()
    return render(request, "credit/household.html", ctx)


@login_required
@require_POST
def record(request: HttpRequest, household_id: int) -> HttpResponse:
    hh = sel.household_get(actor=request.user, household_id=household_id)
    if hh is None:
        raise Http404
    back = reverse("credit-household", args=[hh.pk])
    p = request.POST
    try:
        rule = (
            sel.village_rules(region_code=hh.region_code)
            .filter(pk=form_int(p.get("rule"), "积分事项", lo=1))
            .first()
        )
        if rule is None:
            raise ValidationError("请选择本村的积分事项")
        person = None
        if p.get("person"):
            person = sel.current_member(household=hh, person_id=form_int(p.get("person"), "家庭成员", lo=1))
        svc.point_record(
            actor=request.user,
            household=hh,
            rule=rule,
            occurred_on=form_date(p.get("occurred_on"), "发生日期", past_years=1),
            evidence=p.get("evidence", ""),
            photo=request.FILES.get("photo"),
            person=person,
        )
    except ValidationError as e:
        _fail(request, e)
        return redirect(back)
    messages.success(request, "已登记，待乡镇审核后计入积分")
    return redirect(back)


@login_required
@require_GET
def photo(request: HttpRequest, record_id: int) -> FileResponse:
    rec = sel.record_get(actor=request.user, record_id=record_id)
    if rec is None or not rec.photo:
        raise Http404
    response = FileResponse(svc.photo_open(actor=request.user, record=rec))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def approve(request: HttpRequest) -> HttpResponse:
    """积分审核 and 信用基金确认 at the township: the recorder's own entries cannot be approved by them."""
    try:
        require(request.user, sel.APPROVE, target="credit:approve")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    page = Paginator(sel.pending_records(actor=request.user), 30).get_page(request.GET.get("page"))
    page.object_list = _named(page.object_list)
    return render(
        request,
        "credit/approve.html",
        {"page": page, "fund": _named(sel.pending_fund(actor=request.user)[:50])},
    )


@login_required
@require_POST
def decide(request: HttpRequest, record_id: int) -> HttpResponse:
    rec = sel.record_get(actor=request.user, record_id=record_id)
    if rec is None:
        raise Http404
    try:
        svc.point_decide(
            actor=request.user,
            record=rec,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        )
        messages.success(request, "已审核")
    except ValidationError as e:
        _fail(request, e)
    return redirect("credit-approve")


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """村积分排行 (Excel: households by name and number, no ID numbers)."""
    if (denied := _read(request, "credit:ranking")) is not None:
        return denied
    village = _village(request)
    qs = sel.ranking(actor=request.user, village=village)
    if request.GET.get("export") == "xlsx":
        accounts = _named(qs.iterator(chunk_size=2000))
        rows = [
            (i, getattr(a, "head_name", "") or "", a.household.number, a.village_name, a.earned, a.balance)
            for i, a in enumerate(accounts, start=1)
        ]
        audit_record(
            actor=request.user,
            event_type=AuditEvent.EXPORT,
            target_type="credit.ranking",
            region_code=village,
            new={"rows": len(rows)},
        )
        content = xlsx_bytes(
            ["名次", "户主", "户编号", "村(社区)", "累计积分", "可用积分"], rows, title="信用积分排行"
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="credit-ranking.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    page.object_list = _named(page.object_list)
    return render(
        request,
        "credit/ranking.html",
        {"page": page, "village": village, "cascade": region_cascade(actor=request.user, selected=village)},
    )


# ------------------------------------------------------------------ rules


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    if (denied := _read(request, "credit:rules")) is not None:
        return denied
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("op") == "copy":
                n = svc.rules_copy(actor=request.user, village_code=p.get("village", ""))
                messages.success(request, f"已从乡镇模板复制{n}条规则")
            else:
                svc.rule_template_create(
                    actor=request.user,
                    township_code=p.get("township", ""),
                    category=p.get("category", ""),
                    name=p.get("name", ""),
                    points=form_int(p.get("points"), "分值", lo=-1000, hi=1000),
                    min_points=form_int(p.get("min_points"), "可调下限", lo=-1000, hi=1000),
                    max_points=form_int(p.get("max_points"), "可调上限", lo=-1000, hi=1000),
                    evidence_required=p.get("evidence_required") == "1",
                )
                messages.success(request, "已新增乡镇积分规则模板")
        except ValidationError as e:
            _fail(request, e)
        return _back(request, reverse("credit-rules"))
    region = sel.own_village(request.user) or cascade_value(request.GET) or _own_region(request)
    ctx = sel.rules_page(actor=request.user, region=region)
    ctx["cascade"] = region_cascade(actor=request.user, selected=region)
    ctx["categories"] = Category.choices
    return render(request, "credit/rules.html", ctx)


def _own_region(request: HttpRequest) -> str:
    region = getattr(request.user, "region", None)
    return str(region.code) if region is not None else ""


@login_required
@require_POST
def rule_adjust(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = sel.rule_get(actor=request.user, rule_id=rule_id)
    if rule is None:
        raise Http404
    p = request.POST
    try:
        svc.rule_adjust(
            actor=request.user,
            rule=rule,
            points=form_int(p.get("points"), "分值", lo=-1000, hi=1000),
            active=p.get("active") == "1",
            evidence_required=p.get("evidence_required") == "1",
        )
        messages.success(request, f"已调整：{rule.name}")
    except ValidationError as e:
        _fail(request, e)
    return _back(request, reverse("credit-rules"))


# ------------------------------------------------------------------ supermarket and fund


@login_required
@require_http_methods(["GET", "POST"])
def store(request: HttpRequest) -> HttpResponse:
    if (denied := _read(request, "credit:store")) is not None:
        return denied
    village = _village(request)
    if request.method == "POST":
        p = request.POST
        try:
            svc.goods_create(
                actor=request.user,
                village_code=p.get("village", ""),
                name=p.get("name", ""),
                unit=p.get("unit", ""),
                price=form_int(p.get("price"), "兑换积分", lo=1, hi=100000),
                stock=form_int(p.get("stock") or "0", "初始库存", hi=100000),
            )
            messages.success(request, "已上架")
        except ValidationError as e:
            _fail(request, e)
        return _back(request, reverse("credit-store"))
    return render(
        request,
        "credit/store.html",
        {
            "village": village,
            "goods": list(sel.goods(actor=request.user, village=village)),
            "may_edit": sel.may_store(actor=request.user, village=village),
            "cascade": region_cascade(actor=request.user, selected=village),
        },
    )


@login_required
@require_POST
def redeem(request: HttpRequest, household_id: int) -> HttpResponse:
    hh = sel.household_get(actor=request.user, household_id=household_id)
    if hh is None:
        raise Http404
    back = reverse("credit-household", args=[hh.pk])
    try:
        goods = sel.goods_get(actor=request.user, goods_id=form_int(request.POST.get("goods"), "商品", lo=1))
        if goods is None:
            raise ValidationError("请选择本村信用超市的商品")
        done = svc.redeem(
            actor=request.user,
            household=hh,
            goods=goods,
            quantity=form_int(request.POST.get("quantity"), "数量", lo=1, hi=100),
        )
    except ValidationError as e:
        _fail(request, e)
        return redirect(back)
    messages.success(request, f"兑换成功，单号{done.number}")
    return redirect("credit-receipt", redemption_id=done.pk)


@login_required
@require_GET
def receipt(request: HttpRequest, redemption_id: int) -> HttpResponse:
    r = sel.redemption_get(actor=request.user, redemption_id=redemption_id)
    if r is None:
        raise Http404
    return render(request, "credit/receipt.html", {"r": r, "village": region_name(r.region_code, full=True)})


@login_required
@require_http_methods(["GET", "POST"])
def fund(request: HttpRequest) -> HttpResponse:
    if (denied := _read(request, "credit:fund")) is not None:
        return denied
    village = _village(request)
    if request.method == "POST":
        p = request.POST
        try:
            code = p.get("village", "")
            goods = None
            if p.get("kind") == FundKind.PURCHASE:
                goods = (
                    sel.goods(actor=request.user, village=code)
                    .filter(pk=form_int(p.get("goods"), "采购商品", lo=1))
                    .first()
                )
            svc.fund_entry_record(
                actor=request.user,
                village_code=code,
                kind=p.get("kind", ""),
                amount=form_decimal(p.get("amount"), "金额"),
                counterparty=p.get("counterparty", ""),
                entry_date=form_date(p.get("entry_date"), "日期", past_years=1),
                goods=goods,
                quantity=form_int(p.get("quantity") or "0", "采购数量", hi=100000),
                note=p.get("note", ""),
            )
            messages.success(request, "已登记，待乡镇确认")
        except ValidationError as e:
            _fail(request, e)
        return _back(request, reverse("credit-fund"))
    ctx = sel.fund_page(actor=request.user, village=village)
    ctx["page"] = Paginator(ctx.pop("entries"), 30).get_page(request.GET.get("page"))
    ctx["cascade"] = region_cascade(actor=request.user, selected=village)
    ctx["kinds"] = FundKind.choices
    ctx["goods"] = list(sel.goods(actor=request.user, village=village))
    ctx["today"] = timezone.localdate()
    return render(request, "credit/fund.html", ctx)


@login_required
@require_POST
def fund_confirm(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = sel.fund_entry_get(actor=request.user, entry_id=entry_id)
    if entry is None:
        raise Http404
    try:
        svc.fund_entry_confirm(actor=request.user, entry=entry, approve=request.POST.get("approve") == "1")
        messages.success(request, "已处理")
    except ValidationError as e:
        _fail(request, e)
    return redirect("credit-approve")


# ------------------------------------------------------------------ 移风易俗


@login_required
@require_http_methods(["GET", "POST"])
def customs(request: HttpRequest) -> HttpResponse:
    """The village's 红白理事会 and its norms (entered by the village from its 村规民约)."""
    if (denied := _read(request, "credit:customs")) is not None:
        return denied
    village = _village(request)
    if request.method == "POST":
        p = request.POST
        code = p.get("village", "")
        try:
            if p.get("op") == "council":
                members = [
                    {"name": n, "duty": d}
                    for n, d in zip(p.getlist("member_name"), p.getlist("member_duty"), strict=False)
                ]
                svc.council_set(
                    actor=request.user,
                    village_code=code,
                    chair=p.get("chair", ""),
                    members=members,
                    established_on=form_date(p.get("established_on"), "成立日期", past_years=30),
                )
                messages.success(request, "已保存红白理事会")
            else:
                svc.norm_set(
                    actor=request.user,
                    village_code=code,
                    kind=p.get("kind", ""),
                    effective_from=form_date(
                        p.get("effective_from"), "施行日期", past_years=10, future_days=366
                    ),
                    max_tables=form_int(p.get("max_tables"), "宴席桌数上限", hi=500),
                    max_guests=form_int(p.get("max_guests"), "宾客人数上限", hi=5000),
                    max_spending=form_decimal(p.get("max_spending"), "总花费上限"),
                    max_gift=form_decimal(p.get("max_gift"), "单份礼金上限", hi=Decimal(1_000_000)),
                    source=p.get("source", ""),
                )
                messages.success(request, "已保存办理标准")
        except ValidationError as e:
            _fail(request, e)
        return _back(request, reverse("credit-customs"))
    ctx = sel.customs_page(actor=request.user, village=village)
    ctx["cascade"] = region_cascade(actor=request.user, selected=village)
    ctx["kinds"] = EventKind.choices
    ctx["member_rows"] = (ctx["council"].members if ctx["council"] else []) + [{"name": "", "duty": ""}] * 3
    return render(request, "credit/customs.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def filing_list(request: HttpRequest) -> HttpResponse:
    if (denied := _read(request, "credit:filings")) is not None:
        return denied
    village = _village(request)
    if request.method == "POST":
        p = request.POST
        code = p.get("village", "")
        try:
            hh = None
            if p.get("household"):
                hh = (
                    sel.households(actor=request.user, village=code)
                    .filter(number=p.get("household", "").strip())
                    .first()
                )
                if hh is None:
                    raise ValidationError("未找到该户编号的家庭")
            person = None
            if p.get("person_name", "").strip() and hh is not None:
                person = sel.member_named(household=hh, name=p.get("person_name", ""))
            filing = svc.filing_create(
                actor=request.user,
                village_code=code,
                kind=p.get("kind", ""),
                family=p.get("family", ""),
                event_date=form_date(p.get("event_date"), "办事日期", past_years=1, future_days=366),
                tables=form_int(p.get("tables"), "宴席桌数", hi=500),
                guests=form_int(p.get("guests"), "宾客人数", hi=5000),
                spending=form_decimal(p.get("spending"), "预计花费"),
                gift=form_decimal(p.get("gift") or "0", "单份礼金", hi=Decimal(1_000_000)),
                simplified=p.get("simplified") == "1",
                household=hh,
                person=person,
            )
        except ValidationError as e:
            _fail(request, e)
            return _back(request, reverse("credit-filings"))
        if filing.over_norm:
            messages.error(request, "已报备，但超出本村标准：" + "；".join(filing.over_items))
        else:
            messages.success(request, "已报备，符合本村标准")
        return redirect("credit-filing", filing_id=filing.pk)
    qs = sel.filings(
        actor=request.user,
        village=village,
        kind=request.GET.get("kind", ""),
        over=request.GET.get("over", ""),
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    page.object_list = _named(page.object_list)
    return render(
        request,
        "credit/filings.html",
        {
            "page": page,
            "village": village,
            "kinds": EventKind.choices,
            "kind": request.GET.get("kind", ""),
            "over": request.GET.get("over", ""),
            "may_file": sel.may_customs(actor=request.user, village=village),
            "cascade": region_cascade(actor=request.user, selected=village),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def filing(request: HttpRequest, filing_id: int) -> HttpResponse:
    f = sel.filing_get(actor=request.user, filing_id=filing_id)
    if f is None:
        raise Http404
    if request.method == "POST":
        try:
            svc.filing_advise(actor=request.user, filing=f, advice=request.POST.get("advice", ""))
            messages.success(request, "已记录理事会意见")
        except ValidationError as e:
            _fail(request, e)
        return redirect("credit-filing", filing_id=f.pk)
    return render(
        request,
        "credit/filing.html",
        {
            "f": f,
            "funeral_url": sel.funeral_case_url(actor=request.user, filing=f),
            "may_advise": sel.may_customs(actor=request.user, village=f.region_code),
        },
    )


@login_required
@require_GET
def customs_stats(request: HttpRequest) -> HttpResponse:
    if (denied := _read(request, "credit:customs_stats")) is not None:
        return denied
    year = timezone.localdate().year
    try:
        year = form_int(request.GET.get("year") or str(year), "年份", lo=2000, hi=2100)
    except ValidationError as e:
        _fail(request, e)
    return render(
        request,
        "credit/customs_stats.html",
        {"rows": sel.customs_stats(actor=request.user, year=year), "year": year},
    )
