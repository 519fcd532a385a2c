"""跟踪转介 pages: the receiving office's list (open, overdue, all) and one referral tracked to closure
(接收 → 办理 → 办结, or 不予接收). Thin: the actions offered come from `selectors.referral_actions`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import require
from minzheng.core.labels import region_names
from minzheng.core.views import service_errors

from . import selectors, services

VIEWS = (("open", "待办理"), ("overdue", "已逾期"), ("all", "全部"))


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    require(request.user, selectors.REFER)
    view = request.GET.get("view", "open")
    if view not in dict(VIEWS):
        view = "open"
    today = timezone.localdate()
    qs = selectors.referrals_received(actor=request.user, view=view, on=today)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    names = region_names([r.to_region_code or r.region_code for r in page] + [r.region_code for r in page])
    rows = [
        {
            "ref": r,
            "office": names.get(r.to_region_code or r.region_code) or _("未知区划"),
            "place": names.get(r.region_code) or _("未知区划"),
            "overdue": r.status in r.OPEN_STATUSES and r.due_date is not None and r.due_date < today,
        }
        for r in page
    ]
    return render(
        request,
        "assistance/referrals.html",
        {"page": page, "rows": rows, "views": VIEWS, "view": view},
    )


@login_required
@require_GET
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    ref = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    names = region_names([ref.to_region_code or ref.region_code, ref.region_code])
    today = timezone.localdate()
    return render(
        request,
        "assistance/referral.html",
        {
            "ref": ref,
            "office": names.get(ref.to_region_code or ref.region_code) or _("未知区划"),
            "place": names.get(ref.region_code) or _("未知区划"),
            "overdue": ref.status in ref.OPEN_STATUSES and ref.due_date is not None and ref.due_date < today,
            "actions": selectors.referral_actions(actor=request.user, referral=ref),
        },
    )


@login_required
@require_POST
def referral_act(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    ref = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    with service_errors(request):
        services.referral_move(
            actor=request.user, referral=ref, action=action, text=request.POST.get("text", "")
        )
        messages.success(request, _("转介已更新"))
    return redirect("referral-detail", ref.pk)
