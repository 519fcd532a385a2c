from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from minzheng.accounts.scoping import actor_prefix
from minzheng.accounts.signals import client_ip
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record

from . import selectors, services

BANK_HEADER = ["序号", "乡镇代码", "村(社区)代码", "姓名", "身份证号", "项目", "金额（元）", "类型", "说明"]


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
        messages.error(request, "发放月格式不正确，应为YYYY-MM")
        return redirect("payroll-list")
    try:
        run = services.payroll_generate(
            actor=request.user, county_code=request.POST.get("county", ""), month=month
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("payroll-list")
    messages.success(request, f"已生成{run.month:%Y年%m月}发放名册：{run.line_count}笔，{run.total_amount}元")
    return redirect("payroll-detail", run.pk)


@login_required
@require_GET
def payroll_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    lines = selectors.payroll_lines_for_actor(actor=request.user, run=run)
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
    try:
        services.payroll_freeze(actor=request.user, run=run)
        messages.success(request, "发放名册已审核冻结")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("payroll-detail", run.pk)


@login_required
@require_POST
def payroll_adjust(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    try:
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
        messages.success(request, "已登记调整")
    except (ValueError, KeyError):
        messages.error(request, "待遇编号和金额应为整数")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("payroll-detail", run.pk)


@login_required
@require_GET
def payroll_export(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    """Bank payment file (CSV or Excel). It carries full ID numbers, so every export is audit-logged."""
    run = selectors.payroll_run_get_for_actor(actor=request.user, run_id=run_id)
    if run.status != "frozen":
        messages.error(request, "发放名册审核冻结后才能导出银行代发文件")
        return redirect("payroll-detail", run.pk)
    rows = []
    for i, line in enumerate(
        selectors.payroll_lines_for_actor(actor=request.user, run=run).iterator(), start=1
    ):
        rows.append(
            [
                i,
                line.region_code[:9],
                line.region_code[:12],
                line.person.name,
                line.person.id_number,
                line.get_programme_display(),
                line.amount,
                line.get_kind_display(),
                line.reason,
            ]
        )
    audit_record(
        actor=request.user,
        event_type=AuditEvent.EXPORT,
        target_type="payroll.bank_file",
        target_id=run.pk,
        region_code=run.county_code,
        detail=f"导出银行代发文件{len(rows)}笔（含完整身份证号）",
        ip=client_ip(request),
    )
    name = f"payroll-{run.county_code}-{run.month:%Y%m}"
    if fmt == "xlsx":
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("代发明细")
        ws.append(BANK_HEADER)
        for r in rows:
            ws.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(BANK_HEADER)
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "no-store"
    return response


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
