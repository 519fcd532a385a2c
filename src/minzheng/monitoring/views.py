from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import can
from minzheng.core.views import service_errors

from . import selectors, services
from .models import WorkStatus


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    qs = selectors.alert_worklist(
        actor=request.user, status=request.GET.get("status", "open"), rule=request.GET.get("rule", "")
    )
    return render(
        request,
        "monitoring/worklist.html",
        {
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "month": selectors.latest_published_month(),
            "statuses": WorkStatus.choices,
            "rules": sorted(services.screening_rules(), key=lambda r: r.code),
            "runs": selectors.runs() if can(request.user, "screening.run") else [],
        },
    )


@login_required
@require_POST
def handle(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get_for_actor(actor=request.user, alert_id=alert_id)
    action = request.POST.get("action", "")
    with service_errors(request):
        services.alert_handle(
            actor=request.user, alert=alert, action=action, note=request.POST.get("note", "")
        )
        if action == "open_case" and alert.household_id:
            return redirect("application-new", alert.household_id)
        messages.success(request, _("已处理"))
    return redirect("alert-worklist")


@login_required
@require_GET
def run_progress(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/_runs.html", {"runs": selectors.runs()})
