"""Desk pages of 诚信救助 (thin; POSTs through core.posts.posted; bad input is a Chinese message)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.core.inputs import form_date, form_int
from minzheng.core.posts import posted
from minzheng.core.spreadsheet import xlsx_response

from . import selectors, services
from .models import FindingStatus, Recovery


def _allowed(request: HttpRequest, permission: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=f"integrity:{request.path}")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


@login_required
@require_http_methods(["GET", "POST"])
def finding_list(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request, selectors.READ)) is not None:
        return refused
    if request.method == "POST" and (
        done := posted(
            request,
            lambda: services.findings_detect(actor=request.user),
            ok=lambda made: f"已比对核对报告，新认定虚报{len(made)}项",
            then=lambda _: redirect("integrity-list"),
        )
    ):
        return done
    status = request.GET.get("status", "")
    status = status if status in FindingStatus.values else ""
    region = cascade_value(request.GET)
    qs = selectors.findings(actor=request.user, status=status, region_code=region)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            services.findings_export(actor=request.user, findings=list(qs[:5000])),
            f"integrity-{timezone.localdate():%Y%m%d}.xlsx",
        )
    return render(
        request,
        "integrity/list.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "statuses": FindingStatus.choices,
            "status": status,
            "cascade": region_cascade(actor=request.user, selected=region),
            "can_find": can(request.user, "integrity.find"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding(request: HttpRequest, finding_id: int) -> HttpResponse:
    f = selectors.finding_get(actor=request.user, finding_id=finding_id)
    p = request.POST
    if request.method == "POST":
        action = p.get("action", "")
        recovery = getattr(f, "recovery", None)
        do = {
            "explain": lambda: services.finding_explain(
                actor=request.user,
                finding=f,
                explanation=p.get("explanation", ""),
                none_given=p.get("none_given") == "1",
            ),
            "decide": lambda: services.finding_decide(
                actor=request.user, finding=f, confirmed=p.get("confirmed") == "1", reason=p.get("reason", "")
            ),
            "withdraw": lambda: services.finding_withdraw(
                actor=request.user, finding=f, reason=p.get("reason", "")
            ),
            "propose": lambda: services.recovery_propose(actor=request.user, finding=f),
            "approve": lambda: services.recovery_approve(
                actor=request.user,
                recovery=_need(recovery),
                approve=p.get("approve") == "1",
                note=p.get("note", ""),
            ),
            "repay": lambda: services.repayment_record(
                actor=request.user,
                recovery=_need(recovery),
                amount=form_int(p.get("amount"), "收回金额", lo=1),
                received_on=form_date(p.get("received_on"), "收款日期"),
                receipt_no=p.get("receipt_no", ""),
            ),
        }.get(action)
        if do is not None and (
            done := posted(request, do, ok="已办理", then=lambda _: redirect("integrity-finding", f.pk))
        ):
            return done
    return render(
        request,
        "integrity/finding.html",
        {
            "f": f,
            "recovery": getattr(f, "recovery", None),
            "repayments": selectors.repayments(recovery=getattr(f, "recovery", None)),
            "today": timezone.localdate(),
            "calc": services.overpayment(finding=f),
            "actions": selectors.finding_actions(actor=request.user, finding=f),
        },
    )


def _need(recovery: object) -> Recovery:
    if not isinstance(recovery, Recovery):
        raise ValidationError("尚未登记追回")
    return recovery


@login_required
@require_GET
def finding_notice(request: HttpRequest, finding_id: int) -> HttpResponse:
    f = selectors.finding_get(actor=request.user, finding_id=finding_id)
    return render(request, "integrity/notice.html", selectors.finding_notice(finding=f))


@login_required
@require_http_methods(["GET", "POST"])
def commitment(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_get(actor=request.user, application_id=application_id)
    p = request.POST
    members = selectors.signers(application=app)

    def do() -> object:
        signer_id = form_int(p.get("signer"), "承诺人", hi=2**62)
        signer = next((m for m in members if m.pk == signer_id), None)
        if signer is None:
            raise ValidationError("承诺人须为申请家庭的现有成员")
        return services.commitment_record(
            actor=request.user,
            application=app,
            signed_on=form_date(p.get("signed_on"), "签署日期"),
            signer=signer,
        )

    if request.method == "POST" and (
        done := posted(
            request, do, ok="已登记诚信承诺书", then=lambda _: redirect("integrity-commitment", app.pk)
        )
    ):
        return done
    return render(
        request,
        "integrity/commitment.html",
        {
            "app": app,
            "c": selectors.commitment_of(application=app),
            "members": members,
            "can_commit": can(request.user, "integrity.commit", region_code=app.region_code),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def commitment_letter(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_get(actor=request.user, application_id=application_id)
    c = selectors.commitment_of(application=app)
    if c is None:
        return redirect("integrity-commitment", app.pk)
    return render(request, "integrity/letter.html", selectors.commitment_letter(commitment=c))


def _month(value: str | None) -> dt.date:
    """`YYYY-MM` (the month input) → its first day; blank is this month."""
    text = (value or "").strip()
    if not text:
        return timezone.localdate().replace(day=1)
    try:
        year, month = (int(x) for x in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValidationError("抽查月份格式应为“年-月”，如2026-11") from None


@login_required
@require_http_methods(["GET", "POST"])
def sampling(request: HttpRequest) -> HttpResponse:
    """县级抽查: the county draws the month's sample and checks each case; townships read the findings."""
    if (refused := _allowed(request, selectors.READ)) is not None:
        return refused
    p = request.POST
    try:
        month = _month(request.GET.get("month"))
    except ValidationError:
        month = timezone.localdate().replace(day=1)
    region = getattr(getattr(request.user, "region", None), "code", "")

    def check() -> object:
        case = selectors.sample_case_get(
            actor=request.user, case_id=form_int(p.get("case"), "抽查案件", hi=2**62)
        )
        return services.sample_check(
            actor=request.user, case=case, agree=p.get("agree") == "1", reason=p.get("reason", "")
        )

    def draw() -> object:
        return services.sample_draw(actor=request.user, county_code=region[:6], month=_month(p.get("month")))

    do = {"draw": draw, "check": check}.get(p.get("action", ""))
    if request.method == "POST" and do is not None:
        target = month if p.get("action") == "check" else None

        def then(result: object) -> HttpResponse:
            shown = target or getattr(result, "month", month)
            return redirect(f"{request.path}?month={shown:%Y-%m}")

        if done := posted(request, do, ok="已办理", then=then):
            return done
    cases = list(selectors.sample_cases(actor=request.user, month=month))
    return render(
        request,
        "integrity/sampling.html",
        {
            "month": month,
            "draws": selectors.sample_draws(actor=request.user, month=month),
            "rates": selectors.sample_rates(actor=request.user, month=month),
            "cases": cases,
            "can_sample": can(request.user, "integrity.sample") and len(region) == 6,
        },
    )
