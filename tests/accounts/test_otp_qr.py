"""TOTP enrolment shows a QR code of the device's otpauth URI next to the manual key: an SVG drawn on the
server, inlined as a data: image (CSP img-src 'self' data:), no external service."""

from __future__ import annotations

import base64
import re
from typing import Any

import qrcode
import qrcode.image.svg
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice


def _enrolling(make_user: Any, settings: Any) -> Client:
    settings.OTP_REQUIRED_ROLES = ["sysadmin"]
    make_user("sysadmin", "370800", username="adm", password="Admin-pass-123")
    c = Client()
    assert c.post("/login/", {"username": "adm", "password": "Admin-pass-123"}).status_code == 302
    return c


def test_the_enrolment_page_shows_a_qr_code_of_this_devices_uri_beside_the_key(
    make_user: Any, settings: Any
) -> None:
    c = _enrolling(make_user, settings)
    response = c.get("/otp/")
    page = response.content.decode()
    src = re.search(r'<img id="otp-qr" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert src, page
    svg = base64.b64decode(src.group(1)).decode()
    assert svg.startswith("<svg") and "<path" in svg and "http" not in svg.replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user__username="adm", confirmed=False)
    expected = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4
    )
    assert svg == expected.to_string(encoding="unicode")  # this device's secret, not any other
    assert 'id="otp-secret"' in page  # the manual key stays for phones that cannot scan
    assert response["Cache-Control"] == "no-store"


def test_a_confirmed_user_sees_no_qr_code(make_user: Any, settings: Any) -> None:
    from django_otp.oath import totp

    c = _enrolling(make_user, settings)
    c.get("/otp/")
    device = TOTPDevice.objects.get(user__username="adm")
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert c.post("/otp/", {"token": f"{token:06d}"}).status_code == 302
    c.logout()
    assert c.post("/login/", {"username": "adm", "password": "Admin-pass-123"}).status_code == 302
    assert 'id="otp-qr"' not in c.get("/otp/").content.decode()
