"""The 儿童基本生活保障 roster page: thin, read through the selector, behind `children.read`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from minzheng.accounts.permissions import Denied, require

from .selectors import child_roster


@login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "children.read", target="children:roster")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    month = timezone.localdate().replace(day=1)
    page = Paginator(child_roster(actor=request.user, month=month), 50).get_page(request.GET.get("page"))
    return render(request, "children/roster.html", {"page": page, "month": month})
