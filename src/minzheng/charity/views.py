"""Desk pages of the charity line (thin; behind charity.manage, out of scope = 404) and the 阳光慈善
public pages (no sign-in: totals and masked rows only)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.policy.selectors import PolicyMissing

from . import selectors, services
from .models import Acceptance, DonorKind, LotteryUse, ProjectKind
from .rules import FUNDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def _act(request: HttpRequest, write: Callable[[], Any], ok: str) -> bool:
    """Run one write of a form: its Chinese refusals become messages (nothing written), else `ok`."""
    try:
        write()
    except ValidationError as e:
        _errors(request, e)
        return False
    messages.success(request, ok)
    return True


def _desk(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and holding charity.manage (refusal audited), else 403 in Chinese."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            require(request.user, "charity.manage", target=f"charity:{view.__name__}")
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _region(request: HttpRequest) -> str:
    region = getattr(request.user, "region", None)
    return str(region.code) if region else ""


# ---------------------------------------------------------------- projects
@_desk
@require_GET
def projects(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProjectKind.values else ""
    q = request.GET.get("q", "").strip()[:30]
    qs = selectors.project_list(actor=request.user, kind=kind, q=q)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "charity/projects.html",
        {"page": page, "kind": kind, "q": q, "kinds": ProjectKind.choices, "query": query.urlencode()},
    )


@_desk
def project_new(request: HttpRequest) -> HttpResponse:
    orgs = list(selectors.org_list(actor=request.user))
    p = request.POST
    if request.method == "POST":
        try:
            org = selectors.org_get(actor=request.user, pk=form_int(p.get("org"), "慈善组织"))
            kind = p.get("kind", ProjectKind.PROJECT)
            project = services.project_file(
                actor=request.user,
                org=org,
                kind=kind,
                name=p.get("name", ""),
                purpose=p.get("purpose", ""),
                starts_on=form_date(p.get("starts_on"), "开始日期", future_days=366),
                ends_on=form_date(p.get("ends_on"), "结束日期", required=False, future_days=366 * 5),
                filing_number=p.get("filing_number", ""),
                platform=p.get("platform", ""),
                target=form_decimal(p.get("target"), "募捐目标", required=False),
                fund_code=p.get("fund_code", ""),
                region_code=cascade_value(p) if kind == ProjectKind.COMMUNITY else "",
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已登记：{project.name}")
            return redirect("charity-project", project.pk)
    return render(
        request,
        "charity/project_new.html",
        {
            "orgs": orgs,
            "kinds": ProjectKind.choices,
            "funds": sorted(FUNDS.items()),
            "form": p,
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
        },
    )


@login_required
@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    # Also read by the staff whose payroll draws on a fund (charity.fund_read, scoped by project_get).
    if not can(request.user, "charity.fund_read"):
        try:
            require(request.user, "charity.manage", target="charity:project")
        except Denied as e:
            return HttpResponseForbidden(e.messages[0])
    proj = selectors.project_get(actor=request.user, pk=pk)
    ctx = selectors.project_page(actor=request.user, project=proj)
    ctx["donor_kinds"] = DonorKind.choices
    ctx["today"] = timezone.localdate()
    return render(request, "charity/project.html", ctx)


@_desk
@require_POST
def receipt_issue(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.donation_get(actor=request.user, pk=pk)
    if _act(request, lambda: services.receipt_issue(actor=request.user, donation=donation), "捐赠票据已开具"):
        return redirect("charity-receipt", pk=donation.pk)
    return redirect("charity-project", pk=donation.project_id)


@_desk
@require_GET
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.donation_get(actor=request.user, pk=pk)
    return render(request, "charity/receipt.html", selectors.receipt_page(donation=donation))


@_desk
@require_POST
def donate(request: HttpRequest, pk: int) -> HttpResponse:
    proj = selectors.project_get(actor=request.user, pk=pk)
    p = request.POST
    _act(
        request,
        lambda: services.donation_record(
            actor=request.user,
            project=proj,
            donor_kind=p.get("donor_kind", ""),
            donor_name=p.get("donor_name", ""),
            amount=form_decimal(p.get("amount"), "捐赠金额"),
            received_on=form_date(p.get("received_on"), "捐赠日期"),
            restricted_purpose=p.get("restricted_purpose", ""),
        ),
        "捐赠已登记",
    )
    return redirect("charity-project", proj.pk)


@_desk
@require_POST
def spend(request: HttpRequest, pk: int) -> HttpResponse:
    proj = selectors.project_get(actor=request.user, pk=pk)
    p = request.POST
    _act(
        request,
        lambda: services.spending_record(
            actor=request.user,
            project=proj,
            purpose=p.get("purpose", ""),
            amount=form_decimal(p.get("amount"), "支出金额"),
            spent_on=form_date(p.get("spent_on"), "支出日期"),
            donation_id=form_int(p.get("donation"), "定向捐赠", required=False),
            beneficiary_count=form_int(p.get("beneficiary_count") or "0", "受益人数", hi=10_000_000),
            beneficiary_ids=selectors.person_ids_by_id_numbers(
                actor=request.user, text=p.get("beneficiary_id_numbers", "")
            ),
        ),
        "支出已登记",
    )
    return redirect("charity-project", proj.pk)


# ---------------------------------------------------------------- organisations
@_desk
def orgs(request: HttpRequest) -> HttpResponse:
    p = request.POST
    if request.method == "POST":
        try:
            org = services.org_create(
                actor=request.user,
                name=p.get("name", ""),
                credit_code=p.get("credit_code", ""),
                registered_on=form_date(p.get("registered_on"), "登记日期", past_years=80),
                region_code=_region(request),
                fundraising_from=form_date(p.get("fundraising_from"), "公开募捐资格取得日期", required=False),
                fundraising_until=form_date(
                    p.get("fundraising_until"), "公开募捐资格截止日期", required=False, future_days=3660
                ),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已登记慈善组织：{org.name}")
            return redirect("charity-org", org.pk)
    q = request.GET.get("q", "").strip()[:30]
    page = Paginator(selectors.org_list(actor=request.user, q=q), 30).get_page(request.GET.get("page"))
    return render(request, "charity/orgs.html", {"page": page, "q": q, "form": p})


@_desk
def org(request: HttpRequest, pk: int) -> HttpResponse:
    o = selectors.org_get(actor=request.user, pk=pk)
    if request.method == "POST":
        p = request.POST
        _act(
            request,
            lambda: services.org_qualify(
                actor=request.user,
                org=o,
                fundraising_from=form_date(
                    p.get("fundraising_from"), "公开募捐资格取得日期", future_days=366
                ),
                fundraising_until=form_date(
                    p.get("fundraising_until"), "公开募捐资格截止日期", required=False, future_days=3660
                ),
            ),
            "公开募捐资格已登记",
        )
        return redirect("charity-org", o.pk)
    projects = selectors.project_list(actor=request.user).filter(org=o)[:100]
    return render(
        request,
        "charity/org.html",
        {"org": o, "projects": projects, "qualified": o.may_raise_on(timezone.localdate())},
    )


@_desk
def central_care(request: HttpRequest) -> HttpResponse:
    """The form lives on the project list; a GET (a bookmark, a reload) goes back there, not to a 405."""
    if request.method != "POST":
        messages.info(request, "请在“慈善项目”页面选择年度后补足集中照护成本")
        return redirect("charity-projects")
    try:
        spending = services.central_care_draw(
            actor=request.user, year=form_int(request.POST.get("year"), "年度", lo=2000, hi=2100)
        )
    except ValidationError as e:
        _errors(request, e)
        return redirect("charity-projects")
    messages.success(request, f"已从慈善基金补足集中照护成本{spending.amount}元")
    return redirect("charity-project", spending.project_id)


# ---------------------------------------------------------------- 阳光慈善 (public)
@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:30]
    page = Paginator(selectors.public_projects(q=q), 30).get_page(request.GET.get("page"))
    return render(request, "charity/public_list.html", {"page": page, "q": q})


@require_GET
def public(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "charity/public.html", selectors.public_page(pk=pk))


# ---------------------------------------------------------------- 福彩公益金
@_desk
def lottery(request: HttpRequest) -> HttpResponse:
    p = request.POST
    if request.method == "POST":
        try:
            plan = services.lottery_plan_create(
                actor=request.user,
                year=form_int(p.get("year"), "年度", lo=2000, hi=2100),
                region_code=_region(request),
                document_number=p.get("document_number", ""),
                allocations={
                    use: form_decimal(p.get(f"amount_{use}"), f"{label}安排金额", required=False)
                    or Decimal(0)
                    for use, label in LotteryUse.choices
                },
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已编制{plan.year}年度分配计划")
            return redirect("charity-lottery-plan", plan.pk)
    page = Paginator(selectors.lottery_plans(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "charity/lottery.html",
        {"page": page, "uses": LotteryUse.choices, "form": p, "this_year": timezone.localdate().year},
    )


@_desk
@require_GET
def lottery_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.lottery_plan_get(actor=request.user, pk=pk)
    ctx = selectors.lottery_plan_page(actor=request.user, plan=plan)
    ctx["today"] = timezone.localdate()
    return render(request, "charity/lottery_plan.html", ctx)


@_desk
@require_POST
def lottery_fund(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.lottery_plan_get(actor=request.user, pk=pk)
    p = request.POST
    _act(
        request,
        lambda: services.lottery_project_fund(
            actor=request.user,
            plan=plan,
            use=p.get("use", ""),
            name=p.get("name", ""),
            grantee=p.get("grantee", ""),
            amount=form_decimal(p.get("amount"), "资助金额"),
        ),
        "资助项目已登记",
    )
    return redirect("charity-lottery-plan", plan.pk)


@_desk
@require_POST
def lottery_accept(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.lottery_project_get(actor=request.user, pk=pk)
    p = request.POST
    _act(
        request,
        lambda: services.lottery_project_accept(
            actor=request.user,
            project=project,
            passed=p.get("result") == Acceptance.PASSED,
            on=form_date(p.get("on"), "验收日期"),
            note=p.get("note", ""),
        ),
        "验收结果已登记",
    )
    return redirect("charity-lottery-plan", project.plan_id)


@_desk
@require_GET
def lottery_report(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = form_int(request.GET.get("year") or this_year, "年度", lo=2000, hi=2100)
    except ValidationError as e:
        _errors(request, e)
        year = this_year
    try:
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(
                services.lottery_report_export(actor=request.user, year=year), content_type=XLSX
            )
            response["Content-Disposition"] = f'attachment; filename="lottery-{year}.xlsx"'
            return response
        report = selectors.lottery_report(actor=request.user, year=year)
    except PolicyMissing as e:
        messages.error(request, str(e))
        report = []
    return render(request, "charity/lottery_report.html", {"report": report, "year": year})
