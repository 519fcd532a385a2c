from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import region_children_for_actor
from minzheng.core.posts import posted
from minzheng.core.views import service_errors

from . import services
from .models import HukouScope, PolicyParameter
from .selectors import (
    ConsumptionEntry,
    consumption_entry_problems,
    consumption_page,
    consumption_pending,
    policy_page,
)


@login_required
@require_GET
def parameters(request: HttpRequest) -> HttpResponse:
    """Every policy figure: in force, proposed or scheduled (with the actions the user may take), history."""
    page = policy_page(actor=request.user, today=timezone.localdate())
    return render(request, "policy/parameters.html", {"page": page})


def _chosen_region(request: HttpRequest) -> str:
    """The deepest region picked in the county → township → village cascade. A level left on “—” ends
    the choice there, and a stale lower choice from another branch is ignored."""
    chosen = ""
    for code in request.POST.getlist("region_prefix") or request.GET.getlist("region_prefix"):
        code = code.strip()
        if not code or (chosen and not code.startswith(chosen)):
            break
        chosen = code
    return chosen


@login_required
@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """Options of the next level of the region cascade on the proposal form."""
    code = _chosen_region(request)
    regions = region_children_for_actor(actor=request.user, code=code) if code else []
    return render(request, "web/_region_options.html", {"regions": regions})


@login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    try:
        value = Decimal(request.POST.get("value", "").strip().replace(",", ""))
        start = dt.date.fromisoformat(request.POST.get("effective_from", "").strip())
    except (InvalidOperation, ValueError):
        messages.error(request, _("参数值应为数字，生效日期格式应为YYYY-MM-DD"))
        return redirect("policy-parameters")
    with service_errors(request):
        services.policy_parameter_propose(
            actor=request.user,
            key=request.POST.get("key", ""),
            value=value,
            effective_from=start,
            source=request.POST.get("source", ""),
            region_prefix=_chosen_region(request),
            hukou_type=request.POST.get("hukou_type", ""),
        )
        messages.success(request, _("已提出调整，须由另一名市级民政干部复核批准后，自生效日期起使用"))
    return redirect("policy-parameters")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    row = get_object_or_404(PolicyParameter.objects.defer("value"), pk=pk)  # read safely by the service
    note = request.POST.get("note", "")
    with service_errors(request):
        if action == "approve" and row.batch:
            services.policy_batch_approve(
                actor=request.user, proposal=row, confirm_lower=request.POST.get("confirm_lower") == "1"
            )
            messages.success(request, _("已整体批准该方案，自生效日期起用于试算、审批、发放和监测"))
        elif action == "approve":
            services.policy_proposal_approve(actor=request.user, proposal=row)
            messages.success(request, _("已批准，自生效日期起用于试算、审批、发放和监测"))
        elif action == "reject":
            services.policy_proposal_reject(actor=request.user, proposal=row, note=note)
            messages.success(request, _("已驳回该调整"))
        elif action == "withdraw":
            services.policy_proposal_withdraw(actor=request.user, proposal=row, note=note)
            messages.success(request, _("已撤回该调整"))
        else:
            messages.error(request, _("不支持的操作"))
    if request.POST.get("back") == "consumption":
        return redirect("policy-consumption")
    return redirect("policy-parameters")


FIELDS = ("consumption_urban", "consumption_rural", "ratio", "effective_month", "source")
RECORD_FIELDS = ("year", "urban", "rural", "record_source")


def _number(text: str, label: str) -> Decimal:
    try:
        number = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("“%(label)s”应为数字") % {"label": label}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(label)s”应为数字") % {"label": label})
    return number


def _entry(data: Any) -> ConsumptionEntry:
    """The officer's figures from the form; a field that is not a number is refused in Chinese."""
    return ConsumptionEntry(
        consumption={
            HukouScope.URBAN: _number(data.get("consumption_urban", ""), _("上年城镇居民人均消费支出")),
            HukouScope.RURAL: _number(data.get("consumption_rural", ""), _("上年农村居民人均消费支出")),
        },
        ratio=_number(data.get("ratio", ""), _("挂钩比例")),
    )


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip() + "-01")
    except ValueError:
        raise ValidationError(_("请选择执行月份（年-月）")) from None


def _year(text: str) -> int:
    text = text.strip()
    if not (text.isdigit() and len(text) == 4):
        raise ValidationError(_("请填写统计年度（四位数字）"))
    return int(text)


def _consumption_page(
    request: HttpRequest,
    entry: ConsumptionEntry | None,
    form: dict[str, str],
    recorded: dict[str, str] | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "policy/consumption.html",
        {
            "lines": consumption_page(actor=request.user, today=today, entry=entry),
            "entered": entry is not None,
            "pending": consumption_pending(actor=request.user, today=today),
            "can_propose": can(request.user, "policy.propose"),
            "form": form,
            "last_year": today.year - 1,
            "recorded": recorded or {"year": str(today.year - 1)},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consumption(request: HttpRequest) -> HttpResponse:
    """Standards linked to consumption (seed 002): per county and hukou type, the standard computed from
    last year's per-capita consumption beside the standard in force. A city officer enters the figures
    and the ratio (试算), then adopts them: the new dated standards are proposed through the policy
    services and take effect from the chosen month once a second city officer approves them here."""
    try:
        require(request.user, "policy.consumption", target="policy:consumption")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    data = request.POST if request.method == "POST" else request.GET
    trial = data.get("action") == "trial"
    form = {name: data.get(name, "").strip() for name in FIELDS}
    entry = None
    if request.method == "POST" and data.get("action") == "record":
        recorded = {name: data.get(name, "").strip() for name in RECORD_FIELDS}

        def record() -> list[PolicyParameter]:
            return services.policy_consumption_record(
                actor=request.user,
                year=_year(recorded["year"]),
                consumption={
                    HukouScope.URBAN: _number(recorded["urban"], _("城镇居民人均消费支出")),
                    HukouScope.RURAL: _number(recorded["rural"], _("农村居民人均消费支出")),
                },
                source=recorded["record_source"],
            )

        done = posted(
            request,
            record,
            ok=_("已录入年度人均消费支出，须由另一名市级民政干部复核批准后计入政策参数"),
            then=lambda _rows: redirect("policy-consumption"),
        )
        if done:
            return done
        return _consumption_page(request, None, form, recorded)
    if request.method == "POST" and not trial:

        def adopt() -> list[PolicyParameter]:
            return services.policy_consumption_adopt(
                actor=request.user,
                entry=_entry(data),
                effective_from=_month(form["effective_month"]),
                source=form["source"],
            )

        done = posted(
            request,
            adopt,
            ok=_("已提出新的低保标准，须由另一名市级民政干部复核批准后，自执行月份起使用"),
            then=lambda _rows: redirect("policy-consumption"),
        )
        if done:
            return done
    elif trial:
        # 试算 is a POST (the token never ends up in an address); the figures are bounded as in adoption
        try:
            entry = _entry(data)
            problems = consumption_entry_problems(entry)
            if problems:
                raise ValidationError(problems)
        except ValidationError as e:
            entry = None
            messages.error(request, "；".join(e.messages))
    return _consumption_page(request, entry, form)
