"""Pages of 地名: the public search of standard names (no login, rate-limited per address), the desk
gazetteer search (every staff role, the whole city, read-only), a name's page, the reserve and the naming /
renaming applications (社会事务科, region-scoped). Thin; bad input is a Chinese message and changes
nothing."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minzheng.accounts.network import client_ip
from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core.inputs import form_date, form_decimal, form_int

from . import selectors, services
from .models import ApplicationKind, ApplicationStatus, Category, NameStatus


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def _allowed(request: HttpRequest, permission: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=f"placenames:{request.path}")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _filters(request: HttpRequest) -> tuple[str, str, str]:
    """The search's query, category and county, each checked (an unknown one is ignored)."""
    q = request.GET.get("q", "").strip()[:30]
    category = request.GET.get("category", "")
    county = request.GET.get("county", "")
    return (
        q,
        category if category in Category.values else "",
        county if county in dict(selectors.counties()) else "",
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request, selectors.READ)) is not None:
        return refused
    q, category, county = _filters(request)
    rows = selectors.gazetteer_rows(actor=request.user, q=q, category=category, region_code=county)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "placenames/search.html",
        {
            "page": page,
            "rows": selectors.described(page.object_list),
            "q": q,
            "category": category,
            "categories": Category.choices,
            "county": county,
            "counties": selectors.counties(),
            "can_manage": can(request.user, selectors.MANAGE),
        },
    )


def _throttled(request: HttpRequest) -> bool:
    """The public search answers each address at most PLACENAMES_PUBLIC_PER_MINUTE times a minute."""
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"placenames:public:{client_ip(request) or '-'}:{minute}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > settings.PLACENAMES_PUBLIC_PER_MINUTE


@require_GET
def public_search(request: HttpRequest) -> HttpResponse:
    """标准地名查询 for the public: no login; approved names with pinyin, category, location, meaning,
    history and the approval 文号, and the administrative units."""
    if _throttled(request):
        return render(
            request,
            "placenames/public.html",
            {"throttled": _("查询过于频繁，请一分钟后再试"), "categories": Category.choices},
            status=429,
        )
    q, category, county = _filters(request)
    searched = bool(q or category or county)
    page = None
    if searched:  # nothing is listed until asked for
        rows = selectors.public_gazetteer(q=q, category=category, region_code=county)
        page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "placenames/public.html",
        {
            "page": page,
            "rows": selectors.described(page.object_list) if page is not None else [],
            "searched": searched,
            "q": q,
            "category": category,
            "categories": Category.choices,
            "county": county,
            "counties": selectors.counties(),
        },
    )


@login_required
@require_GET
def place(request: HttpRequest, place_id: int) -> HttpResponse:
    item = selectors.place_get(actor=request.user, place_id=place_id)
    return render(
        request,
        "placenames/place.html",
        {
            "p": item,
            "facts": selectors.place_facts(item),
            "can_rename": can(request.user, selectors.MANAGE, region_code=item.region_code),
        },
    )


@login_required
def reserve(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request, selectors.MANAGE)) is not None:
        return refused
    if request.method == "POST":
        p = request.POST
        try:
            services.reserve_add(
                actor=request.user,
                name=p.get("name", ""),
                pinyin=p.get("pinyin", ""),
                category=p.get("category", ""),
                region_code=cascade_value(p),
                meaning=p.get("meaning", ""),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已加入备用地名库")
            return redirect("placenames-reserve")
    qs = selectors.reserve(actor=request.user)
    return render(
        request,
        "placenames/reserve.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "categories": Category.choices,
            "cascade": region_cascade(actor=request.user, selected=""),
        },
    )


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    manage = can(request.user, selectors.MANAGE)
    if (refused := _allowed(request, selectors.MANAGE if manage else selectors.APPROVE)) is not None:
        return refused
    if request.method == "POST":
        if (refused := _allowed(request, selectors.MANAGE)) is not None:
            return refused
        p = request.POST
        try:
            place_id = form_int(p.get("place"), "原地名", required=False)
            original = selectors.place_for_edit(actor=request.user, place_id=place_id) if place_id else None
            lat = form_decimal(p.get("latitude"), "纬度", required=False, places=6, hi=Decimal(90))
            lon = form_decimal(p.get("longitude"), "经度", required=False, places=6, hi=Decimal(180))
            region = original.region_code if original else cascade_value(p)
            app = services.application_submit(
                actor=request.user,
                kind=ApplicationKind.RENAMING if original else ApplicationKind.NAMING,
                proposed_name=p.get("proposed_name", ""),
                pinyin=p.get("pinyin", ""),
                category=original.category if original else p.get("category", ""),
                region_code=region,
                reason=p.get("reason", ""),
                applicant_unit=p.get("applicant_unit", ""),
                place=original,
                latitude=lat,
                longitude=lon,
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "申请已受理，待审核")
            return redirect("placenames-application", naming_id=app.pk)
    status = request.GET.get("status", "")
    status = status if status in ApplicationStatus.values else ""
    qs = selectors.applications(actor=request.user, status=status)
    rename = request.GET.get("rename", "")
    original = None
    if rename.isdigit() and len(rename) < 10:
        original = selectors.place_for_edit(actor=request.user, place_id=int(rename))
        original = original if original.status == NameStatus.STANDARD else None
    return render(
        request,
        "placenames/applications.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "statuses": ApplicationStatus.choices,
            "status": status,
            "categories": Category.choices,
            "cascade": region_cascade(actor=request.user, selected=""),
            "original": original,
            "form": request.POST,
            "can_enter": manage,
        },
    )


@login_required
def application(request: HttpRequest, naming_id: int) -> HttpResponse:
    app = selectors.application_get(actor=request.user, application_id=naming_id)
    if request.method == "POST":
        p = request.POST
        action = p.get("action", "")
        try:
            if action == "review":
                services.application_review(actor=request.user, application=app, note=p.get("note", ""))
                messages.success(request, "已审核，报请批准")
            elif action in ("approve", "reject"):
                services.application_decide(
                    actor=request.user,
                    application=app,
                    approve=action == "approve",
                    decision_no=p.get("decision_no", ""),
                    note=p.get("note", ""),
                    decided_on=form_date(p.get("decided_on"), "决定日期", required=False),
                )
                messages.success(request, "已批准" if action == "approve" else "已驳回")
            else:
                messages.error(request, "不支持的操作")
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        except ValidationError as e:
            _errors(request, e)
        return redirect("placenames-application", naming_id=app.pk)
    return render(
        request,
        "placenames/application.html",
        {
            "a": app,
            "facts": selectors.place_facts(app),
            "actions": selectors.application_actions(actor=request.user, application=app),
        },
    )
