from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import can
from minzheng.core.labels import amount, number, region_names
from minzheng.core.views import service_errors

from . import selectors, services
from .models import WorkStatus

# Evidence labels (Chinese, from the rules) whose figure is money: shown as 794元, not 794.0.
MONEY_WORDS = ("收入", "标准", "资产", "自付", "失业金", "资本", "金额", "人均上限", "边缘上限")


def evidence_rows(evidence: Any) -> list[tuple[str, str]]:
    """The alert's evidence as people read it: figures without a float's trailing .0, money with 元, a
    ratio as a percentage (the stored JSON keeps the numbers)."""
    if not isinstance(evidence, dict):
        return []
    rows = []
    for key, value in evidence.items():
        if isinstance(value, bool) or value is None or not isinstance(value, int | float | str):
            text = "—" if value is None else str(value)
        elif isinstance(value, str):
            text = value
        elif "比例" in key:
            text = amount(value, "比例")
        elif any(word in key for word in MONEY_WORDS):
            text = amount(value)
        else:
            text = number(value)
        rows.append((str(key), text))
    return rows


def place_name(code: str, names: dict[str, str]) -> str:
    """Where an alert is, as a township officer reads it: the township and the village (王邹街道 孟楼村)."""
    here = names.get(code, "")
    if not here:
        return _("未知区划")
    town = names.get(code[:9], "") if len(code) > 9 else ""
    return f"{town} {here}" if town else here


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    qs = selectors.alert_worklist(
        actor=request.user, status=request.GET.get("status", "open"), rule=request.GET.get("rule", "")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    villages = {a.household.region_code for a in page.object_list if a.household is not None}
    codes = [*(a.region_code for a in page.object_list), *villages]
    names = region_names([*codes, *(c[:9] for c in codes if len(c) > 9)])  # one query for the page
    heads = selectors.household_heads(
        a.household_id for a in page.object_list if a.household_id
    )  # one query for the page
    for a in page.object_list:
        a.region_name = place_name(a.region_code, names)  # type: ignore[attr-defined]
        a.household_label = (  # type: ignore[attr-defined]
            selectors.household_label(
                head=heads.get(a.household.pk, ""), village=names.get(a.household.region_code, "")
            )
            if a.household is not None
            else ""
        )
        a.evidence_rows = evidence_rows(a.evidence)  # type: ignore[attr-defined]
    return render(
        request,
        "monitoring/worklist.html",
        {
            "page": page,
            "month": selectors.latest_published_month(),
            "statuses": WorkStatus.choices,
            "rules": sorted(services.screening_rules(), key=lambda r: r.code),
            "runs": _runs() if can(request.user, "screening.run") else [],
        },
    )


def _runs() -> list[Any]:
    runs = list(selectors.runs())
    for r in runs:
        r.engine_label = selectors.engine_label(r.engine)  # type: ignore[attr-defined]
    return runs


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
    """The worklist's progress fragment, polled by htmx; opened by hand it is the worklist it belongs to."""
    if request.headers.get("HX-Request") != "true":
        return redirect("alert-worklist")
    return render(request, "monitoring/_runs.html", {"runs": _runs()})
