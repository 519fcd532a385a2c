"""临时救助 where the emergency happens, no hukou limit: a temporary case for a person whose household
is registered outside the clerk's region (found by the ID number and name they present); the case belongs
to the village of the emergency, in the clerk's region."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.scoping import scope
from minzheng.core.inputs import form_int
from minzheng.core.views import service_errors
from minzheng.regions.models import Region

from . import services

FIELDS = ("id_number", "name", "region_code", "amount_requested", "emergency_kind", "emergency_description")


@login_required
@require_http_methods(["GET", "POST"])
def temporary_elsewhere(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "assistance.intake")
    except Denied as denied:  # a role without intake reads why (audited by require), never a 500
        return HttpResponseForbidden(denied.messages[0])
    villages = scope(Region.objects.filter(level="village"), request.user, field="code")
    villages = villages.order_by("code")[:500]
    post = request.POST if request.method == "POST" else None
    if post is not None:
        with service_errors(request):
            app = services.temporary_application_elsewhere(
                actor=request.user,
                id_number=post.get("id_number", ""),
                name=post.get("name", ""),
                region_code=post.get("region_code", ""),
                amount_requested=form_int(post.get("amount_requested"), "申请金额", lo=1),
                emergency_kind=post.get("emergency_kind", ""),
                emergency_description=post.get("emergency_description", ""),
            )
            messages.success(request, _("已登记临时救助申请，请登记核对授权书后提交受理"))
            return redirect("application-detail", app.pk)
    form = {k: (post.get(k, "") if post is not None else "") for k in FIELDS if k != "id_number"}
    return render(
        request,
        "assistance/temporary_elsewhere.html",
        {"villages": villages, "form": form},
        status=400 if post is not None else 200,
    )
