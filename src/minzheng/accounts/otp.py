"""Second factor (TOTP, django-otp) for staff above village level (MLPS-3). Which roles must use it is a
setting: production requires it for every role above village assistant, and always for admins."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

EXEMPT_PREFIXES = ("/login/", "/logout/", "/otp/", "/static/", "/i18n/", "/api/")


def otp_qr_data_uri(uri: str) -> str:
    """The enrolment URI (otpauth://…) as a QR code, an SVG drawn here on the server and handed to the page
    as a data: image (the CSP allows data: images; no external service, nothing leaves the machine)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


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
