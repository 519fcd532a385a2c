"""Desk pages of the 12349 line (thin: permission, selector, service, template)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.spreadsheet import xlsx_bytes, xlsx_response
from minzheng.core.views import service_errors
from minzheng.people.selectors import person_get_for_actor, person_search

from . import selectors, services
from .models import Carer, DeviceKind, OrderBasis, OrderState, Settlement

OPERATOR, CARER, SETTLE = selectors.OPERATOR, selectors.CARER, selectors.SETTLE


def settle_month(value: str | None) -> dt.date:
    """The month a settlement is for, entered as YYYY-MM: only a month that has ended (at the latest the
    last one) and not before 2000; else a Chinese message saying which month may be asked."""
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    try:
        month = dt.date.fromisoformat(f"{(value or '').strip()}-01")
    except ValueError:
        raise ValidationError(_("请选择结算月（年-月，如%(m)s）") % {"m": f"{last:%Y-%m}"}) from None
    if month > last:
        raise ValidationError(
            _("结算月不能晚于%(m)s：当月尚未结束的月份不能结算") % {"m": f"{last:%Y年%m月}"}
        )
    if month.year < 2000:
        raise ValidationError(_("结算月不能早于2000年"))
    return month


def default_visit_time(now: dt.datetime) -> str:
    """The order form's proposed visit: two hours from now on the hour, if that falls in the working day
    (08:00–17:00); otherwise 09:00 of the next day — never a visit in the small hours."""
    proposed = (now + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    if not 8 <= proposed.hour <= 17:
        day = proposed.date() if proposed.hour < 8 else proposed.date() + dt.timedelta(days=1)
        proposed = proposed.replace(year=day.year, month=day.month, day=day.day, hour=9)
    return proposed.strftime("%Y-%m-%dT%H:%M")


def _desk_basis(value: str | None) -> str:
    """The bases the hotline's form may take; any other is refused by the service as 服务类型不正确."""
    value = value or OrderBasis.ELDERLY
    return value if value in (OrderBasis.ELDERLY, OrderBasis.ASSISTANCE) else "-"


def _guard(request: HttpRequest, *perms: str, target: str) -> HttpResponse | None:
    if any(can(request.user, p) for p in perms):
        return None
    try:
        require(request.user, perms[0], target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, OPERATOR, SETTLE, target="homecare:orders")) is not None:
        return refused
    state, month = request.GET.get("state", ""), request.GET.get("month", "")
    page = Paginator(selectors.order_list(actor=request.user, state=state, month=month), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "homecare/orders.html",
        {
            "page": page,
            "states": OrderState.choices,
            "state": state,
            "month": month,
            "can_take": can(request.user, OPERATOR),
        },
    )


@login_required
@require_GET
def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered order list as Excel: masked ID numbers, audited."""
    if (refused := _guard(request, OPERATOR, SETTLE, target="homecare:orders_export")) is not None:
        return refused
    qs = selectors.order_list(
        actor=request.user, state=request.GET.get("state", ""), month=request.GET.get("month", "")
    )
    header = ["工单号", "老人", "身份证号", "服务项目", "数量", "预约时间", "服务商", "护理员", "状态"]
    rows = [
        [
            o.number,
            o.person.name,
            o.person.id_masked,
            o.item.name,
            f"{o.quantity}{o.item.unit}",
            timezone.localtime(o.scheduled_at).strftime("%Y-%m-%d %H:%M"),
            o.provider.name if o.provider else "",
            o.carer.name if o.carer else "",
            o.get_state_display(),
        ]
        for o in qs[:5000]
    ]
    audit_record(
        actor=request.user,
        event_type=AuditEvent.EXPORT,
        target_type="homecare_order",
        detail=f"导出居家服务订单{len(rows)}行（证件号已脱敏）",
    )
    return xlsx_response(
        xlsx_bytes(header, rows, title="居家服务订单"), f"homecare-orders-{timezone.localdate():%Y%m%d}.xlsx"
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, OPERATOR, target="homecare:order_new")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    q = request.GET.get("q", "").strip()
    found = list(person_search(actor=request.user, q=q)[:20]) if q else []
    person = None
    if request.GET.get("person") or request.POST.get("person"):
        try:
            person = person_get_for_actor(
                actor=request.user, person_id=int(request.GET.get("person") or request.POST["person"])
            )
        except (ValueError, Http404):
            messages.error(request, _("请先查找并选择老人"))
    if request.method == "POST" and person is not None:
        with service_errors(request, bad_input=_("请填写服务项目、数量和预约时间")):
            when = dt.datetime.fromisoformat(request.POST["scheduled_at"])
            order = services.order_take(
                actor=request.user,
                person=person,
                item_code=request.POST["item"],
                quantity=form_decimal(request.POST.get("quantity"), "数量", hi=Decimal(12)),
                scheduled_at=timezone.make_aware(when) if timezone.is_naive(when) else when,
                caller=request.POST.get("caller", ""),
                note=request.POST.get("note", ""),
                # the hotline takes home-care and assistance orders; special-family care is ordered on
                # the family's page (its line checks the entitlement)
                basis=_desk_basis(request.POST.get("basis")),
            )
            messages.success(request, _("订单已受理"))
            return redirect("homecare-order", order.pk)
    today = timezone.localdate()
    return render(
        request,
        "homecare/order_new.html",
        {
            "q": q,
            "found": found,
            "person": person,
            "items": selectors.catalogue(on=today, region_code=person.region_code if person else ""),
            "default_time": default_visit_time(timezone.localtime()),
            "can_service": can(request.user, selectors.SERVICE_ORDER),
        },
    )


def _order_context(request: HttpRequest, pk: int) -> dict:
    order = selectors.order_get(actor=request.user, pk=pk)
    actions = selectors.order_actions(actor=request.user, order=order)
    codes = {a.code for a in actions}
    candidates = list(selectors.dispatch_candidates(order=order)[:20]) if "dispatch" in codes else []
    return {"order": order, "actions": actions, "codes": codes, "candidates": candidates}


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _order_context(request, pk)
    if can(request.user, CARER) and not can(request.user, OPERATOR):
        return redirect("homecare-my-order", pk)
    return render(request, "homecare/order.html", ctx)


@login_required
@require_POST
def order_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = selectors.order_get(actor=request.user, pk=pk)
    codes = {a.code for a in selectors.order_actions(actor=request.user, order=order)}
    back = "homecare-my-order" if can(request.user, CARER) else "homecare-order"
    if action not in codes:
        messages.error(request, _("当前状态下不能办理此事项"))
        return redirect(back, pk)
    p = request.POST
    with service_errors(request, bad_input=_("请选择护理员")):
        if action == "dispatch":
            carer = Carer.objects.filter(pk=int(p["carer_id"])).first()
            if carer is None:
                raise ValidationError(_("请选择护理员"))
            services.order_dispatch(actor=request.user, order=order, carer=carer)
            messages.success(request, _("已派单"))
        elif action == "check_in":
            services.order_check_in(
                actor=request.user,
                order=order,
                latitude=p.get("latitude"),
                longitude=p.get("longitude"),
                note=p.get("note", ""),
            )
            messages.success(request, _("已签到"))
        elif action == "check_out":
            services.order_check_out(
                actor=request.user,
                order=order,
                latitude=p.get("latitude"),
                longitude=p.get("longitude"),
                note=p.get("note", ""),
            )
            messages.success(request, _("已签退，请老人或家属确认"))
        elif action == "confirm":
            services.order_confirm(actor=request.user, order=order, code=p.get("code", ""))
            messages.success(request, _("服务已确认完成"))
        elif action == "cancel":
            services.order_cancel(actor=request.user, order=order, reason=p.get("reason", ""))
            messages.success(request, _("订单已取消"))
    return redirect(back, pk)


@login_required
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, CARER, target="homecare:my")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return render(request, "homecare/my_orders.html", {"orders": selectors.carer_orders(actor=request.user)})


@login_required
@require_GET
def my_order(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        require(request.user, CARER, target=f"homecare_order:{pk}")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    response = render(request, "homecare/my_order.html", _order_context(request, pk))
    # The site denies geolocation everywhere; the carer's check-in page alone may ask for it (same origin).
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settlement_list(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, SETTLE, target="homecare:settlements")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    providers = selectors.providers(actor=request.user)
    if request.method == "POST":
        with service_errors(request, bad_input=_("请选择服务商和结算月")):
            provider = providers.filter(pk=int(request.POST["provider"])).first()
            if provider is None:
                raise ValidationError(_("请选择服务商"))
            month = settle_month(request.POST.get("month"))
            s = services.settlement_make(actor=request.user, provider=provider, month=month)
            messages.success(request, _("结算单已生成，待另一人复核"))
            return redirect("homecare-settlement", s.pk)
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    page = Paginator(selectors.settlement_list(actor=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "homecare/settlements.html", {"page": page, "providers": providers, "last": last})


@login_required
@require_GET
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.settlement_get(actor=request.user, pk=pk)
    return render(
        request,
        "homecare/settlement.html",
        {
            "s": s,
            "lines": selectors.settlement_lines(settlement=s),
            "actions": selectors.settlement_actions(actor=request.user, settlement=s),
        },
    )


@login_required
@require_POST
def settlement_check(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.settlement_get(actor=request.user, pk=pk)
    with service_errors(request):
        services.settlement_check(actor=request.user, settlement=s)
        messages.success(request, _("结算单已复核"))
    return redirect("homecare-settlement", pk)


IDENTITY = {"tekun": "特困人员", "dibao": "低保对象", "poor": "低收入对象", "other": "其他老年人"}


@login_required
@require_GET
def settlement_export(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.settlement_get(actor=request.user, pk=pk)
    header = [
        "工单号",
        "老人",
        "身份证号",
        "身份",
        "服务项目",
        "数量",
        "服务时长",
        "使用免费时数",
        "服务费",
        "政府支付",
        "个人支付",
    ]
    rows = [
        [
            x.order.number,
            x.person.name,
            x.person.id_masked,
            IDENTITY.get(x.identity, ""),
            x.order.item.name,
            f"{x.order.quantity}{x.order.item.unit}",
            x.hours,
            x.free_used,
            x.amount,
            x.government,
            x.personal,
        ]
        for x in selectors.settlement_lines(settlement=s)
    ]
    audit_record(
        actor=request.user,
        event_type=AuditEvent.EXPORT,
        target_type="homecare_settlement",
        target_id=s.pk,
        region_code=s.region_code,
        detail=f"导出结算明细{len(rows)}行（证件号已脱敏）",
    )
    return xlsx_response(
        xlsx_bytes(header, rows, title="结算明细"), f"homecare-settlement-{s.pk}-{s.month:%Y%m}.xlsx"
    )


@login_required
@require_GET
def alarm_list(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, OPERATOR, target="homecare:alarms")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    state = request.GET.get("state", "")
    page = Paginator(selectors.alarm_list(actor=request.user, state=state), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "homecare/alarms.html", {"page": page, "state": state})


@login_required
@require_http_methods(["GET", "POST"])
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = selectors.alarm_get(actor=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        codes = {a.code for a in selectors.alarm_actions(actor=request.user, alarm=alarm)}
        if action not in codes:
            messages.error(request, _("当前状态下不能办理此事项"))
        else:
            try:
                if action == "acknowledge":
                    services.alarm_acknowledge(
                        actor=request.user, alarm=alarm, note=request.POST.get("note", "")
                    )
                else:
                    services.alarm_close(actor=request.user, alarm=alarm, note=request.POST.get("note", ""))
                messages.success(request, _("已处理"))
            except ValidationError as e:
                messages.error(request, "；".join(e.messages))
        return redirect("homecare-alarm", pk)
    return render(
        request,
        "homecare/alarm.html",
        {"alarm": alarm, "actions": selectors.alarm_actions(actor=request.user, alarm=alarm)},
    )


# ---------------------------------------------------------------- alarm devices: issue and revoke keys
@login_required
@require_http_methods(["GET", "POST"])
def device_list(request: HttpRequest) -> HttpResponse:
    """The devices in scope; POST registers one and shows its key on this answer only (never stored,
    never in a URL: only its SHA-256 and a prefix are kept)."""
    try:
        require(request.user, selectors.MANAGE, target="homecare:devices")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    issued = None
    if request.method == "POST":
        region = getattr(getattr(request.user, "region", None), "code", "") or ""
        try:
            device, key = services.device_register(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                serial=request.POST.get("serial", ""),
                place=request.POST.get("place", ""),
                region_code=cascade_value(request.POST) or region,  # the region cascade, never typed
            )
            issued = {"device": device, "key": key}
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    page = Paginator(selectors.device_list(actor=request.user), 50).get_page(request.GET.get("page"))
    revocable = {d.pk for d in page if selectors.device_actions(actor=request.user, device=d)}
    response = render(
        request,
        "homecare/devices.html",
        {
            "page": page,
            "issued": issued,
            "kinds": DeviceKind.choices,
            "revocable": revocable,
            "cascade": region_cascade(actor=request.user, selected=cascade_value(request.POST)),
        },
    )
    response["Cache-Control"] = "no-store"  # the key is on this page once
    return response


@login_required
@require_POST
def device_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_get(actor=request.user, pk=pk)
    if "revoke" not in {a.code for a in selectors.device_actions(actor=request.user, device=device)}:
        messages.error(request, _("当前状态下不能办理此事项"))
        return redirect("homecare-devices")
    try:
        services.device_revoke(actor=request.user, device=device, reason=request.POST.get("reason", ""))
        messages.success(request, _("已停用该设备密钥"))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("homecare-devices")


# ---------------------------------------------------------------- providers and carers
def _manage_guard(request: HttpRequest, target: str) -> HttpResponse | None:
    try:
        require(request.user, selectors.MANAGE, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


@login_required
@require_http_methods(["GET", "POST"])
def provider_list(request: HttpRequest) -> HttpResponse:
    if (refused := _manage_guard(request, "homecare:providers")) is not None:
        return refused
    if request.method == "POST":
        region = getattr(getattr(request.user, "region", None), "code", "") or ""
        with service_errors(request):
            p = services.provider_create(
                actor=request.user,
                name=request.POST.get("name", ""),
                region_code=cascade_value(request.POST) or region,  # the region cascade, never typed
                latitude=request.POST.get("latitude", ""),
                longitude=request.POST.get("longitude", ""),
                address=request.POST.get("address", ""),
                credit_code=request.POST.get("credit_code", ""),
            )
            messages.success(request, _("已登记服务商"))
            return redirect("homecare-provider", pk=p.pk)
    page = Paginator(selectors.provider_list(actor=request.user), 50).get_page(request.GET.get("page"))
    cascade = region_cascade(actor=request.user, selected=cascade_value(request.POST))
    return render(request, "homecare/providers.html", {"page": page, "cascade": cascade})


@login_required
@require_http_methods(["GET", "POST"])
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One provider: edit it, its carers (certificate, validity, service area, on duty), add a carer."""
    provider = selectors.provider_get(actor=request.user, pk=pk)
    if not selectors.may_manage(actor=request.user, region_code=provider.region_code):
        raise Http404  # the settlement desk reads providers on its statements, not here
    if request.method == "POST":
        what, post = request.POST.get("what", ""), request.POST
        with service_errors(request):
            if what == "provider":
                services.provider_update(
                    actor=request.user,
                    provider=provider,
                    name=post.get("name", ""),
                    address=post.get("address", ""),
                    credit_code=post.get("credit_code", ""),
                    latitude=post.get("latitude", ""),
                    longitude=post.get("longitude", ""),
                    active=post.get("active") == "1",
                )
            elif what == "carer_edit":
                carer = (
                    selectors.provider_carers(provider=provider)
                    .filter(pk=form_int(post.get("carer_pk"), "护理员"))
                    .first()
                )
                if carer is None:
                    raise Http404
                services.carer_update(
                    actor=request.user,
                    carer=carer,
                    certificate=post.get("certificate", ""),
                    certificate_no=post.get("certificate_no", ""),
                    certificate_valid_to=form_date(
                        post.get("certificate_valid_to"), "证书有效期至", required=False, future_days=3650
                    ),
                    region_code=post.get("region_code", ""),
                    latitude=post.get("latitude", ""),
                    longitude=post.get("longitude", ""),
                    active=post.get("active") == "1",
                )
            elif what == "new_carer":
                account = next(
                    (
                        u
                        for u in selectors.carer_accounts(actor=request.user)
                        if str(u.pk) == post.get("user")
                    ),
                    None,
                )
                if account is None:
                    raise ValidationError(_("请选择一个尚未登记的护理员账号"))
                services.carer_create(
                    actor=request.user,
                    provider=provider,
                    user=account,
                    name=post.get("name", "") or account.display_name or str(account),
                    certificate=post.get("certificate", ""),
                    certificate_no=post.get("certificate_no", ""),
                    certificate_valid_to=form_date(
                        post.get("certificate_valid_to"), "证书有效期至", required=False, future_days=3650
                    ),
                    latitude=post.get("latitude", ""),
                    longitude=post.get("longitude", ""),
                    region_code=cascade_value(post),
                )
            else:
                raise ValidationError(_("未知的操作"))
            messages.success(request, _("已保存"))
            return redirect("homecare-provider", pk=provider.pk)
    return render(
        request,
        "homecare/provider.html",
        {
            "provider": provider,
            "carers": selectors.provider_carers(provider=provider),
            "areas": selectors.service_areas(provider=provider),
            "accounts": selectors.carer_accounts(actor=request.user),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(request.POST)),
        },
    )


# ---------------------------------------------------------------- 社会救助服务类 (物质+服务)
@login_required
@require_http_methods(["GET", "POST"])
def service_assistance(request: HttpRequest) -> HttpResponse:
    """Eligible people without a service order this month, people served and hours by month, and the
    providers' monthly settlements of these services (made here; checked below by another person)."""
    from minzheng.core.posts import posted

    user = request.user
    if refused := _guard(
        request, selectors.SERVICE_ORDER, selectors.SERVICE_SETTLE, target="homecare:assistance"
    ):
        return refused
    can_settle = can(user, selectors.SERVICE_SETTLE)
    if request.method == "POST":

        def make() -> Settlement:
            require(user, selectors.SERVICE_SETTLE, target="homecare:assistance_settle")
            provider = (
                selectors.service_providers(actor=user)
                .filter(pk=form_int(request.POST.get("provider"), "服务商"))
                .first()
            )
            if provider is None:
                raise Http404("服务商不存在")
            month = settle_month(request.POST.get("month"))
            basis = request.POST.get("basis") or OrderBasis.ASSISTANCE
            if basis not in selectors.BOUGHT:
                raise ValidationError(_("请选择结算的服务类型"))
            return services.service_settlement_make(actor=user, provider=provider, month=month, basis=basis)

        if done := posted(
            request,
            make,
            ok="已生成结算单，待另一名工作人员复核",
            then=lambda s: redirect("homecare-service-settlement", s.pk),
        ):
            return done
    today = timezone.localdate()
    unserved = (
        Paginator(selectors.service_unserved(actor=user, on=today), 30).get_page(request.GET.get("page"))
        if can(user, selectors.SERVICE_ORDER)
        else None
    )
    last = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "homecare/assistance.html",
        {
            "page": unserved,
            "figures": selectors.service_figures(actor=user),
            "settlements": selectors.service_settlements(actor=user)[:24] if can_settle else [],
            "providers": selectors.service_providers(actor=user) if can_settle else [],
            "can_settle": can_settle,
            "bases": [(b, OrderBasis(b).label) for b in selectors.BOUGHT],
            "can_order": can(user, OPERATOR),
            "last": last,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_settlement(request: HttpRequest, pk: int) -> HttpResponse:
    from minzheng.core.posts import posted

    user = request.user
    if refused := _guard(request, selectors.SERVICE_SETTLE, target="homecare:assistance_settlement"):
        return refused
    s = selectors.service_settlement_get(actor=user, pk=pk)
    if request.method == "POST" and (
        done := posted(
            request,
            lambda: services.service_settlement_check(actor=user, settlement=s),
            ok="已复核，服务费已从救助资金支付",
            then=lambda _: redirect("homecare-service-settlement", s.pk),
        )
    ):
        return done
    return render(
        request,
        "homecare/assistance_settlement.html",
        {
            "s": s,
            "lines": s.lines.select_related("order__item", "person").order_by("pk"),
            "can_check": s.state == Settlement.MADE and s.made_by_id != user.pk,
        },
    )
