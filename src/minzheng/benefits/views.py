from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.scoping import actor_prefix
from minzheng.accounts.signals import client_ip
from minzheng.core.views import service_errors
from minzheng.people.selectors import person_get_for_actor

from . import selectors, services


@login_required
@require_GET
def payroll_list(request: HttpRequest) -> HttpResponse:
    prefix = actor_prefix(request.user) or ""
    return render(
        request,
        "benefits/payroll_list.html",
        {
            "runs": selectors.payroll_runs_for_actor(actor=request.user),
            "county": prefix[:6] if len(prefix) >= 6 else "",
        },
    )


@login_required
@require_POST
def payroll_generate(request: HttpRequest) -> HttpResponse:
    try:
        month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        messages.error(request, _("发放月格式不正确，应为YYYY-MM"))
        return redirect("payroll-list")
    with service_errors(request):
        run = services.payroll_generate(
            actor=request.user, county_code=request.POST.get("county", ""), month=month
        )
        messages.success(
            request,
            _("已生成%(month)s发放名册：%(count)s笔，%(total)s元")
            % {
                "month": dateformat.format(run.month, _("Y年m月")),
                "count": run.line_count,
                "total": run.total_amount,
            },
        )
        return redirect("payroll-detail", run.pk)
    return redirect("payroll-list")


@login_required
@require_GET
def payroll_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    lines = selectors.payroll_lines_for_actor(actor=request.user, run=run)
    missing = selectors.payroll_lines_without_account_count(actor=request.user, run=run)
    if missing:
        messages.warning(
            request,
            _(
                "本名册有%(count)s笔的领取人未登记收款账户，银行代发文件中这些笔的银行账号为空"
                "（备注“未登记收款账户”），请先在人员页面登记收款账户"
            )
            % {"count": missing},
        )
    return render(
        request,
        "benefits/payroll_detail.html",
        {
            "run": run,
            "summary": selectors.payroll_summary_by_township(actor=request.user, run=run),
            "page": Paginator(lines, 50).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def payroll_freeze(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    with service_errors(request):
        services.payroll_freeze(actor=request.user, run=run)
        messages.success(request, _("发放名册已审核冻结"))
    return redirect("payroll-detail", run.pk)


@login_required
@require_POST
def payroll_adjust(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    with service_errors(request, bad_input=_("待遇编号和金额应为整数")):
        enrolment = selectors.enrolment_get_for_actor(
            actor=request.user, enrolment_id=int(request.POST["enrolment"])
        )
        services.payroll_adjust(
            actor=request.user,
            run=run,
            enrolment=enrolment,
            amount=int(request.POST.get("amount", "0")),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("已登记调整"))
    return redirect("payroll-detail", run.pk)


@login_required
@require_GET
def payroll_export(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    """Bank payment file (CSV or Excel). It carries full ID numbers and bank accounts, so every export is
    one audited bulk reveal (services.payroll_bank_file_export)."""
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    with service_errors(request):
        bank_file = services.payroll_bank_file_export(
            actor=request.user, run=run, fmt=fmt, ip=client_ip(request)
        )
        response = HttpResponse(bank_file.content, content_type=bank_file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{bank_file.filename}"'
        response["Cache-Control"] = "no-store"
        return response
    return redirect("payroll-detail", run.pk)


@login_required
@require_GET
def payroll_summary_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    """The month's summary by township and programme (笔数、金额), for the county's finance office."""
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["乡镇代码", "乡镇", "项目", "笔数", "金额（元）"])
    for row in selectors.payroll_summary_by_township(actor=request.user, run=run):
        writer.writerow(
            [row["township"], row["township_name"], row["programme_label"], row["lines"], row["total"]]
        )
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="payroll-summary-{run.county_code}-{run.month:%Y%m}.csv"'
    )
    return response


@login_required
@require_POST
def payee_account_set(request: HttpRequest, person_id: int) -> HttpResponse:
    """Set or change a person's payee account from the person page. Out-of-region looks missing (404);
    the full account number is never echoed back (messages and redirect carry the masked tail only)."""
    person = person_get_for_actor(actor=request.user, person_id=person_id)
    raw_date = request.POST.get("valid_from", "").strip()
    try:
        valid_from = dt.date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        messages.error(request, _("启用日期格式不正确，应为YYYY-MM-DD"))
        return redirect("person-detail", person.pk)
    with service_errors(request):
        account = services.payee_account_set(
            actor=request.user,
            person=person,
            bank_name=request.POST.get("bank_name", ""),
            account_number=request.POST.get("account_number", ""),
            holder_name=request.POST.get("holder_name", ""),
            valid_from=valid_from,
        )
        messages.success(
            request,
            _("已登记收款账户：%(bank)s 尾号%(tail)s")
            % {"bank": account.bank_name, "tail": account.account_masked[-4:]},
        )
    return redirect("person-detail", person.pk)
