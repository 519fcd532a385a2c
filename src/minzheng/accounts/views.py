from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.views import service_errors

from .network import client_ip
from .permissions import can
from .selectors import api_token_get_for_actor, api_tokens_for_admin, api_tokens_of_actor
from .services import api_token_revoke


def safe_next(request: HttpRequest, default: str = "home") -> str:
    """The `next` to follow after a login step, only if it stays on this site (else `default`)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP token; a user without a confirmed device first enrols one (secret shown once)."""
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending: TOTPDevice | None = None
    if device is None:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="default", confirmed=False
        )
        target = pending
    else:
        target = device
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if token.isdigit() and target.verify_token(token):
            if pending is not None:
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
            otp_login(request, target)
            audit_record(
                actor=user,
                event_type=AuditEvent.LOGIN,
                target_type="otp",
                target_id=user.pk,
                detail="动态口令验证通过",
                ip=client_ip(request),
            )
            return redirect(safe_next(request))
        audit_record(
            actor=user,
            event_type=AuditEvent.LOGIN_FAILED,
            target_type="otp",
            target_id=user.pk,
            outcome="failed",
            detail="动态口令错误",
            ip=client_ip(request),
        )
        messages.error(request, _("动态口令错误，请重新输入"))
    secret = base64.b32encode(bytes.fromhex(pending.key)).decode() if pending is not None else ""
    return render(
        request,
        "accounts/otp.html",
        {
            "enrol": pending is not None,
            "secret": secret,
            "uri": pending.config_url if pending is not None else "",
        },
    )


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens (name and prefix only: a key is shown once, when issued)."""
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens_of_actor(actor=request.user)[:200], "admin_view": False, "now": timezone.now()},
    )


@login_required
@require_GET
def token_list_admin(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "users.manage"):
        raise Http404("页面不存在")
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens_for_admin(actor=user)[:500], "admin_view": True, "now": timezone.now()},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get_for_actor(actor=request.user, token_id=token_id)
    own = token.user_id == request.user.pk
    with service_errors(request):
        api_token_revoke(actor=request.user, token=token, ip=client_ip(request))
        messages.success(request, _("令牌已吊销"))
    return redirect("account-tokens" if own else "account-tokens-admin")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: the old password, then the new one twice; the change goes through `user_set_password`
    (validated, audited, every API token revoked) and this session stays signed in."""
    from django.contrib.auth import update_session_auth_hash

    from .services import user_set_password

    user = request.user
    if request.method == "POST":
        old, new, again = (request.POST.get(k, "") for k in ("old", "new", "again"))
        with service_errors(request):
            if not user.check_password(old):
                raise ValidationError(_("原密码不正确"))
            if new != again:
                raise ValidationError(_("两次输入的新密码不一致"))
            user_set_password(actor=user, user=user, password=new)  # type: ignore[arg-type]
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改，原有接口令牌已全部吊销"))
            return redirect("home")
    return render(request, "accounts/password.html")
