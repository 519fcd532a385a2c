from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.signals import client_ip
from minzheng.core.spreadsheet import csv_text
from minzheng.core.views import service_errors
from minzheng.deskjobs.models import DeskJobStatus
from minzheng.deskjobs.services import desk_jobs_reap
from minzheng.people.selectors import person_get_for_actor

from . import selectors, services
from .dates import EARLIEST_MONTH, latest_date


def _require_view(request: HttpRequest) -> None:
    """The payroll pages are for payroll.view roles; others get 403 (audited), whatever the id."""
    if not can(request.user, "payroll.view"):
        try:
            require(request.user, "payroll.view", target="payroll")
        except Denied:
            raise PermissionDenied("无权查看资金发放") from None


@login_required
@require_GET
def payroll_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return render(
        request,
        "benefits/payroll_list.html",
        {
            "runs": selectors.payroll_runs_for_actor(actor=request.user),
            "jobs": selectors.payroll_jobs_for_actor(actor=request.user),
            "counties": selectors.payroll_counties_for_actor(actor=request.user),
            "month_min": f"{EARLIEST_MONTH:%Y-%m}",
            "month_max": f"{latest_date():%Y-%m}",
        },
    )


@login_required
@require_POST
def payroll_generate(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    try:
        month = dt.date.fromisoformat(request.POST.get("month", "").strip() + "-01")
    except ValueError:
        messages.error(request, _("发放月格式不正确，应为YYYY-MM"))
        return redirect("payroll-list")
    with service_errors(request):
        job, queued = services.payroll_generate_queue(
            actor=request.user, county_code=request.POST.get("county", ""), month=month, ip=client_ip(request)
        )
        if queued:
            messages.info(request, _("已提交后台生成发放名册，完成后自动打开名册"))
        else:
            messages.warning(request, _("该县该月的发放名册正在生成，请勿重复提交"))
        return redirect("payroll-job", job.pk)
    return redirect("payroll-list")


@login_required
@require_GET
def payroll_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A roll being made: its state and progress (the block polls every 2 s); once made, on to the roll
    with the usual message (an htmx poll is told to load this address, which then redirects)."""
    _require_view(request)
    job = selectors.payroll_job_get_for_actor(actor=request.user, job_id=job_id)
    if job.is_active and desk_jobs_reap():
        job.refresh_from_db()
    if job.status == DeskJobStatus.DONE and job.result_pk:
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.path
            return response
        run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=job.result_pk)
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
    partial = bool(request.headers.get("HX-Request"))
    return render(request, f"benefits/{'_' if partial else ''}payroll_job.html", {"job": job})


@login_required
@require_GET
def payroll_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _require_view(request)
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
            "actions": selectors.payroll_actions(actor=request.user, run=run),
            "corrections": selectors.payroll_corrections_for_run(actor=request.user, run=run),
            "summary": selectors.payroll_summary_by_township(actor=request.user, run=run),
            "page": Paginator(lines, 50).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def payroll_freeze(request: HttpRequest, run_id: int) -> HttpResponse:
    _require_view(request)
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    with service_errors(request):
        services.payroll_freeze(actor=request.user, run=run)
        messages.success(request, _("发放名册已审核冻结"))
    return redirect("payroll-detail", run.pk)


@login_required
@require_POST
def payroll_adjust(request: HttpRequest, run_id: int) -> HttpResponse:
    _require_view(request)
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    with service_errors(request, bad_input=_("待遇编号应为整数")):
        raw_id = request.POST.get("enrolment", "").strip()
        if not raw_id.isdigit() or len(raw_id) > 18:
            raise ValueError(raw_id)
        enrolment = selectors.enrolment_get_for_actor(actor=request.user, enrolment_id=int(raw_id))
        correction = services.payroll_adjust(
            actor=request.user,
            run=run,
            enrolment=enrolment,
            amount=services.parse_amount(request.POST.get("amount", "")),
            reason=request.POST.get("reason", ""),
        )
        if correction.status == "awaiting_approval":
            messages.success(request, _("已登记更正，金额超过复核标准，须另一名工作人员复核后计入下期名册"))
        else:
            messages.success(request, _("已登记更正，将计入下一期发放名册（已冻结的名册不作改动）"))
    return redirect("payroll-detail", run.pk)


@login_required
@require_POST
def payroll_correction_decide(request: HttpRequest) -> HttpResponse:
    """Approve or reject a correction above the threshold (the correction id is a form field)."""
    _require_view(request)
    raw_id = request.POST.get("correction", "").strip()
    if not raw_id.isdigit() or len(raw_id) > 18:
        raise Http404("未找到该更正")
    correction = selectors.payroll_correction_get_for_actor(actor=request.user, correction_id=int(raw_id))
    with service_errors(request):
        services.payroll_correction_decide(
            actor=request.user, correction=correction, approve=request.POST.get("decision") == "approve"
        )
        messages.success(request, _("已复核该更正"))
    return (
        redirect("payroll-detail", correction.source_run_id)
        if correction.source_run_id
        else redirect("payroll-list")
    )


@login_required
@require_GET
def payroll_export(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    """Bank payment file (CSV or Excel), for county finance only. It carries full ID numbers and bank
    accounts, so every export is one audited bulk reveal (services.payroll_bank_file_export). Any other
    role gets 403 (audited) whatever the id; another county's roll looks missing (404)."""
    try:
        require(request.user, "payroll.bank_file", target=f"payroll:{run_id}")
    except Denied:
        raise PermissionDenied("只有县级财务可以导出银行代发文件") from None
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
    _require_view(request)
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    rows = [
        [row["township"], row["township_name"], row["programme_label"], row["lines"], row["total"]]
        for row in selectors.payroll_summary_by_township(actor=request.user, run=run)
    ]
    text = csv_text(["乡镇代码", "乡镇", "项目", "笔数", "金额（元）"], rows)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
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
            holder_reason=request.POST.get("holder_reason", ""),
        )
        if account.active:
            messages.success(
                request,
                _("已登记收款账户：%(bank)s 尾号%(tail)s")
                % {"bank": account.bank_name, "tail": account.account_masked[-4:]},
            )
        else:
            messages.success(
                request,
                _("已登记收款账户：%(bank)s 尾号%(tail)s；户名非本人，须另一名工作人员复核后启用")
                % {"bank": account.bank_name, "tail": account.account_masked[-4:]},
            )
    return redirect("person-detail", person.pk)


@login_required
@require_POST
def payee_account_decide(request: HttpRequest, person_id: int) -> HttpResponse:
    """The second person's approval (or rejection) of an account held in another name."""
    person = person_get_for_actor(actor=request.user, person_id=person_id)
    approve = request.POST.get("decision") == "approve"
    with service_errors(request):
        services.payee_account_decide(actor=request.user, person=person, approve=approve)
        messages.success(request, _("已复核同意，收款账户已启用") if approve else _("已驳回该收款账户"))
    return redirect("person-detail", person.pk)
