"""Login events → audit log. Recording only; no business logic lives here."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record

from .network import client_ip

__all__ = ["client_ip"]  # kept importable from here for the views that already do


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(
        actor=user, event_type=AuditEvent.LOGIN, target_type="user", target_id=user.pk, ip=client_ip(request)
    )


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            actor=user,
            event_type=AuditEvent.LOGOUT,
            target_type="user",
            target_id=user.pk,
            ip=client_ip(request),
        )


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=username,
        event_type=AuditEvent.LOGIN_FAILED,
        target_type="user",
        target_id=username,
        outcome="failed",
        ip=client_ip(request),
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any) -> None:
    audit_record(
        actor=username,
        event_type=AuditEvent.LOCKOUT,
        target_type="user",
        target_id=str(username)[:64],
        outcome="locked",
        ip=str(ip_address or "")[:64],
    )
