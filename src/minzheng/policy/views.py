from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.scoping import has_role
from minzheng.core.views import service_errors

from .models import PolicyParameter
from .services import policy_parameter_change


@login_required
@require_GET
def parameters(request: HttpRequest) -> HttpResponse:
    """Every policy figure with its history (in force and past), its source and who changed it."""
    rows = PolicyParameter.objects.select_related("created_by").order_by(
        "key", "region_prefix", "hukou_type", "-effective_from"
    )
    return render(
        request,
        "policy/parameters.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "can_edit": has_role(request.user, "city_officer"),
        },
    )


@login_required
@require_POST
def change(request: HttpRequest) -> HttpResponse:
    try:
        value = Decimal(request.POST.get("value", ""))
        start = dt.date.fromisoformat(request.POST.get("effective_from", ""))
    except (InvalidOperation, ValueError):
        messages.error(request, _("参数值应为数字，生效日期格式应为YYYY-MM-DD"))
        return redirect("policy-parameters")
    with service_errors(request):
        policy_parameter_change(
            actor=request.user,
            key=request.POST.get("key", ""),
            value=value,
            effective_from=start,
            source=request.POST.get("source", ""),
            region_prefix=request.POST.get("region_prefix", ""),
            hukou_type=request.POST.get("hukou_type", ""),
        )
        messages.success(request, _("已登记新的政策参数，自生效日期起用于试算、审批、发放和监测"))
    return redirect("policy-parameters")
