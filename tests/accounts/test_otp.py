from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import TOWN_A


def _login(make_user, role="sysadmin", region="370800"):
    make_user(role, region, username="adm", password="Admin-pass-123")
    c = Client()
    assert c.post("/login/", {"username": "adm", "password": "Admin-pass-123"}).status_code == 302
    return c


def test_an_admin_must_enrol_and_verify_a_totp_before_reaching_any_page(db, make_user, settings):
    settings.OTP_REQUIRED_ROLES = ["sysadmin"]
    c = _login(make_user)
    r = c.get("/people/")
    assert r.status_code == 302 and r["Location"].endswith("/otp/")
    page = c.get("/otp/").content.decode()
    assert "首次使用" in page
    device = TOTPDevice.objects.get(user__username="adm")
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert c.post("/otp/", {"token": f"{token:06d}"}).status_code == 302
    assert c.get("/people/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_token_keeps_the_user_out(db, make_user, settings):
    settings.OTP_REQUIRED_ROLES = ["township_clerk"]
    c = _login(make_user, "township_clerk", TOWN_A)
    c.get("/otp/")
    page = c.post("/otp/", {"token": "12345x"}).content.decode()
    assert "动态口令错误" in page
    assert c.get("/people/").status_code == 302


def test_roles_outside_the_setting_need_no_second_factor(db, make_user, settings):
    settings.OTP_REQUIRED_ROLES = ["sysadmin"]
    c = _login(make_user, "village_assistant", "370811001001")
    assert c.get("/people/").status_code == 200
