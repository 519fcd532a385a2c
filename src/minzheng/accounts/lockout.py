"""Login throttling shared by the login page and the token endpoint (both go through django-axes):

- per account, exponential back-off: after MINZHENG_LOCKOUT_THRESHOLD failures the account waits
  1, 2, 4 … minutes (capped at MINZHENG_LOCKOUT_MAX_MINUTES) counted from its last failure, so nobody can
  hold an account locked for long with a handful of requests, yet guessing stays slow;
- per client address, across accounts: MINZHENG_IP_FAILURE_LIMIT failures within
  MINZHENG_IP_FAILURE_WINDOW_MINUTES make that address wait (password spraying: a few guesses on many
  accounts).

Attempts refused during a wait are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so
hammering does not lengthen it. The address is `network.client_ip` (AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .network import client_ip

ACCOUNT = "account"
ADDRESS = "address"
Credentials = dict[str, Any] | None


def _minutes(name: str) -> dt.timedelta:
    return dt.timedelta(minutes=float(getattr(settings, name)))


def lock_state(
    request: HttpRequest, credentials: dict[str, Any] | None = None
) -> tuple[dt.datetime, str] | None:
    """When the account or the client address may try again, and which of the two waits (the later one)."""
    now = timezone.now()
    found: list[tuple[dt.datetime, str]] = []
    username = get_client_username(request, credentials)
    if username:
        agg = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
        ).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        over = (agg["n"] or 0) - int(settings.MINZHENG_LOCKOUT_THRESHOLD)
        if over >= 0 and agg["last"] is not None:
            wait = min(
                _minutes("MINZHENG_LOCKOUT_BASE_MINUTES") * 2 ** min(over, 30),
                _minutes("MINZHENG_LOCKOUT_MAX_MINUTES"),
            )
            if agg["last"] + wait > now:
                found.append((agg["last"] + wait, ACCOUNT))
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    if ip:
        window = _minutes("MINZHENG_IP_FAILURE_WINDOW_MINUTES")
        limit = int(settings.MINZHENG_IP_FAILURE_LIMIT)
        recent = list(
            AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=now - window)
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)[:limit]
        )
        if len(recent) >= limit:  # free again once the limit-th latest failure leaves the window
            found.append((recent[-1] + window, ADDRESS))
    return max(found) if found else None


class BackoffHandler(AxesDatabaseHandler):
    """axes' database handler (it records every failure in its own short transaction) with the lock
    decision above instead of axes' fixed count (AXES_LOCK_OUT_AT_FAILURE is off for that reason)."""

    def is_locked(self, request: Any, credentials: Credentials = None) -> bool:
        return lock_state(request, credentials) is not None

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out:  # already refused: axes has signalled it
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


def lockout_message(request: HttpRequest, credentials: Credentials = None) -> str:
    state = lock_state(request, credentials)
    if state is None:
        return _("登录失败次数过多，已暂时锁定，请稍后再试。")
    until, which = state
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    if which == ADDRESS:
        return _("本机登录失败次数过多，已暂时锁定，请%(minutes)s分钟后再试。") % {"minutes": minutes}
    return _(
        "该账号登录失败次数过多，已暂时锁定，请%(minutes)s分钟后再试。如非本人操作，请联系系统管理员。"
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with a Chinese reason and the wait; JSON for the API."""
    message = lockout_message(request, credentials)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)
