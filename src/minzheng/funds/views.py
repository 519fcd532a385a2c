"""Desk pages of the funds line (thin: permission, selector, service through `posted`, template)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.posts import posted
from minzheng.core.spreadsheet import xlsx_bytes, xlsx_response

from . import selectors, services
from .models import EntryKind, Fund, FundSource, IncomeKind

READ, MANAGE = selectors.READ, selectors.MANAGE


def _desk(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and holding funds.read (refusal audited), else 403 in Chinese."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            require(request.user, READ, target=f"funds:{view.__name__}")
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_desk
@require_http_methods(["GET", "POST"])
def fund_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        post = request.POST
        done = posted(
            request,
            lambda: services.fund_create(
                actor=user,
                name=post.get("name", ""),
                source=post.get("source", ""),
                county_code=post.get("county", ""),
                charity_fund_code=post.get("charity_fund", ""),
            ),
            ok="已设立资金",
            then=lambda f: redirect("funds-fund", f.pk),
        )
        if done:
            return done
    county = request.GET.get("county", "").strip()[:6]
    source = request.GET.get("source", "")
    source = source if source in FundSource.values else ""
    funds = selectors.fund_list(actor=user, county=county, source=source)
    defaults = list(selectors.defaults(actor=user))
    waiting = list(selectors.waiting_recoveries(actor=user, county=county)[:100])
    names = selectors.county_names(
        [f.county_code for f in funds] + [d.county_code for d in defaults] + [w.county_code for w in waiting]
    )
    for f in funds:
        f.county_name = names.get(f.county_code, "")  # type: ignore[attr-defined]
    for d in defaults:
        d.county_name = names.get(d.county_code, "")  # type: ignore[attr-defined]
        d.programme_label = selectors.programme_label(d.programme)  # type: ignore[attr-defined]
    for w in waiting:
        w.county_name = names.get(w.county_code, "")  # type: ignore[attr-defined]
        w.programme_label = selectors.programme_label(w.programme)  # type: ignore[attr-defined]
    from minzheng.charity.rules import FUNDS

    return render(
        request,
        "funds/list.html",
        {
            "funds": funds,
            "sources": FundSource.choices,
            "source": source,
            "county": county,
            "counties": selectors.counties(actor=user),
            "manage_counties": selectors.counties(actor=user, permission=MANAGE),
            "charity_funds": sorted(FUNDS.items()),
            "defaults": defaults,
            "recovered": selectors.recovered(actor=user, county=county),
            "waiting": waiting,
            "programmes": selectors.programme_choices(),
            "can_manage": can(user, MANAGE),
        },
    )


@_desk
@require_POST
def default_set(request: HttpRequest) -> HttpResponse:
    user, post = request.user, request.POST

    def do() -> object:
        fund = selectors.fund_get(actor=user, pk=form_int(post.get("fund"), "资金"))
        return services.fund_default_set(
            actor=user, programme_code=post.get("programme", ""), county_code=fund.county_code, fund=fund
        )

    return posted(request, do, ok="已设置默认资金来源", then=lambda _: redirect("funds-list")) or redirect(
        "funds-list"
    )


@_desk
@require_http_methods(["GET", "POST"])
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    fund = selectors.fund_get(actor=user, pk=pk)
    if request.method == "POST":
        post = request.POST
        done = posted(
            request,
            lambda: services.income_record(
                actor=user,
                fund=fund,
                amount=form_decimal(post.get("amount"), "收入金额"),
                income_kind=post.get("income_kind", ""),
                booked_on=form_date(post.get("booked_on"), "记账日期"),
                note=post.get("note", ""),
            ),
            ok="已登记收入，待另一名工作人员复核后入账",
            then=lambda _: redirect("funds-fund", fund.pk),
        )
        if done:
            return done
    kind = request.GET.get("kind", "")
    kind = kind if kind in EntryKind.values else ""
    page = Paginator(selectors.entries(fund=fund, kind=kind), 30).get_page(request.GET.get("page"))
    for e in page:
        e.actions = selectors.entry_actions(actor=user, entry=e)  # type: ignore[attr-defined]
    balance = selectors.balance(fund)
    opening, months = selectors.ledger_by_month(fund, closing=balance)
    return render(
        request,
        "funds/fund.html",
        {
            "fund": fund,
            "county_name": selectors.county_names([fund.county_code]).get(fund.county_code, ""),
            "balance": balance,
            "opening": opening,
            "months": months,
            "page": page,
            "kind": kind,
            "kinds": EntryKind.choices,
            "income_kinds": IncomeKind.choices,
            "today": timezone.localdate(),
            "can_record": can(user, MANAGE, region_code=fund.county_code) and not fund.charity_fund_code,
        },
    )


@_desk
@require_POST
def entry_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    entry = selectors.entry_get(actor=user, pk=pk)

    def do() -> object:
        if action == "confirm":
            return services.income_confirm(actor=user, entry=entry)
        if action == "reject":
            return services.income_reject(actor=user, entry=entry, reason=request.POST.get("reason", ""))
        from django.core.exceptions import ValidationError

        raise ValidationError("未知的操作")

    back = redirect("funds-fund", entry.fund_id)
    return posted(request, do, ok="已复核", then=lambda _: back) or back


@_desk
@require_GET
def fund_export(request: HttpRequest, pk: int) -> HttpResponse:
    fund: Fund = selectors.fund_get(actor=request.user, pk=pk)
    header = ["记账日期", "所属月份", "收支", "类型", "金额（元）", "状态", "摘要", "登记人", "复核人"]
    rows = selectors.export_rows(fund=fund)
    audit_record(
        actor=request.user,
        event_type=AuditEvent.EXPORT,
        target_type="fund",
        target_id=fund.pk,
        region_code=fund.county_code,
        detail=f"导出{fund.name}收支明细{len(rows)}行",
    )
    return xlsx_response(xlsx_bytes(header, rows, title="资金收支明细"), f"fund-{fund.pk}.xlsx")
