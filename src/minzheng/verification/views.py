from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.signals import client_ip
from minzheng.assistance.selectors import application_get_for_actor
from minzheng.core.views import service_errors

from . import selectors, services
from .display import report_display
from .pdf import report_pdf


@login_required
@require_POST
def verify(request: HttpRequest, application_id: int) -> HttpResponse:
    app = application_get_for_actor(actor=request.user, application_id=application_id)
    with service_errors(request):
        report = services.verification_run(
            actor=request.user, application=app, month=request.POST.get("month") or None
        )
        messages.success(
            request, _("核对完成：%(conclusion)s") % {"conclusion": report.get_conclusion_display()}
        )
        return redirect("verification-report", report.pk)
    return redirect("application-detail", app.pk)


@login_required
@require_GET
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    r = selectors.report_get_for_actor(actor=request.user, report_id=report_id)  # out of scope: 404
    with service_errors(request):
        services.verification_report_read(
            actor=request.user, report=r, what="查看核对报告（含存款、养老金等）", ip=client_ip(request)
        )
        response = render(
            request,
            "verification/report.html",
            {"report": r, "app": r.application, "view": report_display(r)},
        )
        response["Cache-Control"] = "no-store"
        return response
    return redirect("application-detail", r.application_id)


@login_required
@require_GET
def report_print(request: HttpRequest, report_id: int) -> HttpResponse:
    r = selectors.report_get_for_actor(actor=request.user, report_id=report_id)
    with service_errors(request):
        services.verification_report_read(
            actor=request.user, report=r, what="打印核对报告（含存款等余额）", ip=client_ip(request)
        )
        response = HttpResponse(report_pdf(r), content_type="application/pdf")
        response["Cache-Control"] = "no-store"
        return response
    return redirect("application-detail", r.application_id)
