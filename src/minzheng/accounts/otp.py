"""Second factor (TOTP, django-otp) for staff above village level (MLPS-3). Which roles must use it is a
setting: production requires it for every role above village assistant, and always for admins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

EXEMPT_PREFIXES = ("/login/", "/logout/", "/otp/", "/static/", "/i18n/", "/api/")


def otp_required(user: Any) -> bool:
    roles = set(getattr(settings, "OTP_REQUIRED_ROLES", ()))
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") in roles


class RequireOTPMiddleware:
    """After the password, a user whose role needs a second factor reaches nothing but the OTP pages until
    verified in this session (the API uses tokens issued after the same check)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            otp_required(user)
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect("otp-verify")
        return self.get_response(request)
