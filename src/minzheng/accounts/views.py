from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record

from .signals import client_ip


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
            return redirect(request.GET.get("next") or "home")
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
