"""Authentication against what an outside probe broke: the token endpoint (guessing, rollback of the
failure count, write lock held while hashing), lockout behind a proxy and password spraying, tokens that
never died, the second factor skipped through the API, and off-site redirects after login."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test import Client, RequestFactory
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.accounts.models import ApiToken, User
from minzheng.accounts.network import client_ip
from minzheng.accounts.services import (
    api_token_issue,
    user_change_role,
    user_set_password,
)
from minzheng.audit.models import AuditLog
from tests.conftest import TOWN_A, VILLAGE_A

PASSWORD = "Right-pass-123"
PROXY = "10.0.0.1"
TOKEN_URL = "/api/v1/auth/token"


def _token(
    c: Client, username: str, password: str = PASSWORD, otp: str = "", name: str = "", **extra: Any
) -> Any:
    fields = {"name": name} if name else {}
    body = {"username": username, "password": password, **({"otp": otp} if otp else {}), **fields}
    return c.post(TOKEN_URL, body, content_type="application/json", **extra)


def _login(c: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return c.post("/login/", {"username": username, "password": password}, **extra)


def _via(address: str) -> dict[str, str]:
    """A request that reaches us through the proxy on behalf of `address`."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


def _earlier(minutes: float) -> None:
    """Move every recorded failure `minutes` into the past (time passes for the lockout)."""
    delta = dt.timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# ------------------------------------------------------------------ 1. the token endpoint
def test_wrong_passwords_at_the_token_endpoint_are_audited_counted_and_lock_it(db, make_user):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    c = Client()
    answers = [_token(c, "clerk", "wrong").status_code for _ in range(5)]
    # Each failure outlives the refused request: audited and counted by the shared lockout.
    assert AuditLog.objects.filter(event_type="login_failed", target_id="clerk").count() == 5
    assert answers[:4] == [401] * 4 and answers[4] == 429
    locked = _token(c, "clerk")
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"] and "分钟后再试" in locked.json()["detail"]
    assert AuditLog.objects.filter(event_type="lockout", target_id="clerk").exists()
    assert not ApiToken.objects.exists()


def test_the_token_endpoint_and_the_login_page_share_one_lockout(db, make_user):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    make_user("township_clerk", TOWN_A, username="clerk2", password=PASSWORD)
    for _ in range(5):
        _login(Client(), "clerk", "wrong")
    assert _token(Client(), "clerk").status_code == 429
    for _ in range(5):
        _token(Client(), "clerk2", "wrong")
    page = _login(Client(), "clerk2")
    assert page.status_code == 429 and "锁定" in page.content.decode()


def test_the_password_is_hashed_with_no_write_transaction_open(db, make_user, rf, monkeypatch):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    depths: list[int] = []
    real = User.check_password

    def spy(self: User, raw: str) -> bool:
        depths.append(len(connection.atomic_blocks))
        return real(self, raw)

    monkeypatch.setattr(User, "check_password", spy)
    outside = len(connection.atomic_blocks)  # the test's own wrapping transaction
    api_token_issue(request=rf.post("/"), username="clerk", password=PASSWORD)
    with pytest.raises(ValidationError):
        api_token_issue(request=rf.post("/"), username="clerk", password="wrong")
    assert depths == [outside, outside]


# ------------------------------------------------------------------ 2. client address, back-off, spraying
def test_the_client_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy(settings):
    rf = RequestFactory()
    settings.MINZHENG_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "198.51.100.7"  # not from our proxy: the header is anyone's
    assert client_ip(rf.get("/", **_via("203.0.113.5"))) == "203.0.113.5"
    # A client-supplied address at the left is ignored: the right-most untrusted hop wins, through two
    # of our proxies (the second one inside the trusted CIDR).
    chained = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.1.2.3")
    assert client_ip(chained) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="junk")) == PROXY
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY)) == PROXY
    settings.MINZHENG_TRUSTED_PROXIES = []
    assert client_ip(rf.get("/", **_via("203.0.113.5"))) == PROXY


def test_behind_the_proxy_five_bad_requests_hold_the_admin_for_a_minute_not_half_an_hour(
    db, make_user, settings
):
    settings.MINZHENG_TRUSTED_PROXIES = [PROXY]
    make_user("sysadmin", "370800", username="admin", password=PASSWORD)
    attacker = Client(**_via("203.0.113.5"))
    for _ in range(5):
        _login(attacker, "admin", "wrong")
    assert _login(Client(**_via("192.0.2.10")), "admin").status_code == 429
    assert AccessFailureLog.objects.filter(ip_address="203.0.113.5").count() == 5  # the real address
    _earlier(1.1)
    assert _login(Client(**_via("192.0.2.10")), "admin").status_code == 302


def test_the_account_wait_doubles_with_each_further_failure_and_refused_tries_do_not_count(db, make_user):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    c = Client()
    for _ in range(5):
        _login(c, "clerk", "wrong")
    for _ in range(10):  # hammering during the wait neither counts nor lengthens it
        assert _login(c, "clerk", "wrong").status_code == 429
    assert AccessFailureLog.objects.filter(username="clerk").count() == 5
    _earlier(1.1)
    assert _login(c, "clerk", "wrong").status_code == 429  # the sixth failure: now two minutes
    _earlier(1.1)
    still = _login(c, "clerk")  # the right password too: the account waits, whoever asks
    assert still.status_code == 429 and "1分钟后再试" in still.content.decode()
    _earlier(1.0)
    assert _login(c, "clerk").status_code == 302


def test_password_spraying_from_one_address_is_stopped_and_other_users_behind_the_proxy_are_not(
    db, make_user, settings
):
    settings.MINZHENG_TRUSTED_PROXIES = [PROXY]
    for i in range(10):
        make_user("township_clerk", TOWN_A, username=f"c{i}", password=PASSWORD)
    sprayer = Client(**_via("203.0.113.5"))
    answers = [_login(sprayer, f"c{i}", f"guess-{g}").status_code for i in range(9) for g in range(4)]
    assert 429 in answers and answers[-1] == 429  # 4 guesses × 9 accounts never reach 5 on one account
    refused = _login(sprayer, "c9")
    assert refused.status_code == 429 and "本机登录失败次数过多" in refused.content.decode()
    assert _token(sprayer, "c9").status_code == 429
    assert AuditLog.objects.filter(event_type="lockout").exists()
    colleague = Client(**_via("192.0.2.10"))  # same proxy, another desk
    assert _login(colleague, "c9").status_code == 302
    _earlier(10.1)
    assert _login(Client(**_via("203.0.113.5")), "c9").status_code == 302


# ------------------------------------------------------------------ 3. token lifetime and revocation
def test_a_token_lives_for_the_configured_days_and_not_a_moment_longer(db, make_user, settings):
    settings.MINZHENG_API_TOKEN_DAYS = 7
    make_user("village_assistant", VILLAGE_A, username="xieli", password=PASSWORD)
    key = _token(Client(), "xieli").json()["token"]
    token = ApiToken.objects.get()
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 401


def test_a_password_change_or_a_role_change_kills_every_token_of_the_user(db, make_user):
    user = make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    first = _token(Client(), "clerk").json()["token"]
    second = _token(Client(), "clerk").json()["token"]
    user_set_password(actor=user, user=user, password="Another-pass-456")
    assert Client().get("/api/v1/auth/me", **_bearer(first)).status_code == 401
    assert Client().get("/api/v1/auth/me", **_bearer(second)).status_code == 401
    assert _token(Client(), "clerk", PASSWORD).status_code == 401
    third = _token(Client(), "clerk", "Another-pass-456").json()["token"]
    admin = make_user("sysadmin", "370800")
    user_change_role(actor=admin, user=user, role="township_approver", region_code=TOWN_A)
    assert Client().get("/api/v1/auth/me", **_bearer(third)).status_code == 401
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {"修改密码", "角色变更"}


def test_the_owner_sees_only_name_and_prefix_and_revokes_a_token(db, make_user):
    user = make_user("village_assistant", VILLAGE_A, username="xieli", password=PASSWORD)
    key = _token(Client(), "xieli", name="张三的手机").json()["token"]
    c = Client()
    c.force_login(user)
    page = c.get("/account/tokens/").content.decode()
    assert key[:8] in page and "张三的手机" in page and key not in page and key[8:] not in page
    token = ApiToken.objects.get()
    assert c.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 401
    assert "本人吊销" in c.get("/account/tokens/").content.decode()
    assert AuditLog.objects.filter(
        target_type="api_token", target_id=str(token.pk), event_type="update"
    ).exists()


def test_the_admin_lists_and_revokes_anyones_token_and_a_colleague_cannot(db, make_user):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    key = _token(Client(), "clerk").json()["token"]
    token = ApiToken.objects.get()
    colleague = Client()
    colleague.force_login(make_user("township_clerk", TOWN_A))
    assert colleague.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert colleague.get("/account/tokens/all/").status_code == 404
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 200
    admin = Client()
    admin.force_login(make_user("sysadmin", "370800"))
    listing = admin.get("/account/tokens/all/").content.decode()
    assert "clerk" in listing and key[:8] in listing and key not in listing
    assert admin.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == "管理员吊销"


# ------------------------------------------------------------------ 4. the second factor on every path
def _enrolled(make_user: Any, role: str = "township_clerk") -> tuple[User, TOTPDevice]:
    user = make_user(role, TOWN_A, username="clerk", password=PASSWORD)
    return user, TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def test_a_role_that_needs_totp_gets_no_token_on_the_password_alone(db, make_user, make_household, settings):
    settings.OTP_REQUIRED_ROLES = ["township_clerk"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _, device = _enrolled(make_user)
    person = make_household(size=1).memberships.get().person
    c = Client()
    bare = _token(c, "clerk")
    assert bare.status_code == 401 and "动态口令" in bare.json()["detail"]
    assert _token(c, "clerk", otp="000000" if _code(device) != "000000" else "111111").status_code == 401
    assert AuditLog.objects.filter(event_type="login_failed", target_id="clerk").count() == 2
    key = _token(c, "clerk", otp=_code(device)).json()["token"]
    assert Client().post(f"/api/v1/people/{person.pk}/reveal", **_bearer(key)).status_code == 200


def test_an_account_without_a_device_is_told_to_enrol_and_gets_no_token(db, make_user, settings):
    settings.OTP_REQUIRED_ROLES = ["township_clerk"]
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    answer = _token(Client(), "clerk", otp="123456")
    assert answer.status_code == 401 and "绑定" in answer.json()["detail"]


def test_a_session_that_has_not_passed_the_second_factor_gets_a_chinese_403_from_the_api(
    db, make_user, make_household, settings
):
    settings.OTP_REQUIRED_ROLES = ["township_clerk"]
    _, device = _enrolled(make_user)
    person = make_household(size=1).memberships.get().person
    c = Client()
    assert _login(c, "clerk").status_code == 302
    for call in (c.get("/api/v1/people/"), c.post(f"/api/v1/people/{person.pk}/reveal")):
        assert call.status_code == 403 and "动态口令" in call.json()["detail"]
    assert c.post("/otp/", {"token": _code(device)}).status_code == 302
    assert c.get("/api/v1/people/").status_code == 200


def test_a_token_issued_before_the_role_needed_totp_stops_working_when_it_does(db, make_user, settings):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    key = _token(Client(), "clerk").json()["token"]
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 200
    settings.OTP_REQUIRED_ROLES = ["township_clerk"]
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 401


# ------------------------------------------------------------------ 5. next stays on this site
def test_the_otp_page_follows_next_only_within_this_site(db, make_user, settings):
    settings.OTP_REQUIRED_ROLES = ["township_clerk"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _, device = _enrolled(make_user)
    for target, expected in (
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/x", "/"),
        ("/%5Celsewhere.example/x", "/"),  # /\elsewhere: browsers read the backslash as a slash
        ("/people/", "/people/"),
    ):
        c = Client()
        _login(c, "clerk")
        answer = c.post(f"/otp/?next={target}", {"token": _code(device)})
        assert answer.status_code == 302 and answer["Location"] == expected, target
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same code may serve the next round


def test_the_login_page_follows_next_only_within_this_site(db, make_user):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    for target in ("https://elsewhere.example/", "//elsewhere.example/x", "/%5Celsewhere.example/x"):
        off = Client().post(f"/login/?next={target}", {"username": "clerk", "password": PASSWORD})
        assert off.status_code == 302 and "elsewhere" not in off["Location"], target
    on = Client().post("/login/?next=/people/", {"username": "clerk", "password": PASSWORD})
    assert on["Location"] == "/people/"


def test_a_password_reset_from_the_console_also_kills_the_users_tokens(db, make_user, monkeypatch):
    make_user("township_clerk", TOWN_A, username="clerk", password=PASSWORD)
    key = _token(Client(), "clerk").json()["token"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Console-pass-789")
    call_command("changepassword", "clerk", stdout=io.StringIO())
    assert Client().get("/api/v1/auth/me", **_bearer(key)).status_code == 401
    assert _login(Client(), "clerk", "Console-pass-789").status_code == 302
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "123")
    with pytest.raises(CommandError):
        call_command("changepassword", "clerk", stdout=io.StringIO())
    assert _login(Client(), "clerk", "Console-pass-789").status_code == 302


def test_the_token_lists_cost_the_same_few_queries_however_many_tokens(
    db, make_user, django_assert_max_num_queries
):
    admin = Client()
    admin.force_login(make_user("sysadmin", "370800"))
    owner = make_user("village_assistant", VILLAGE_A, username="xieli", password=PASSWORD)
    mine = Client()
    mine.force_login(owner)
    for i in range(12):
        make_user("township_clerk", TOWN_A, username=f"c{i}", password=PASSWORD)
        _token(Client(), f"c{i}")
        _token(Client(), "xieli")
    with django_assert_max_num_queries(8):
        assert admin.get("/account/tokens/all/").content.decode().count("c11") == 1
    with django_assert_max_num_queries(8):
        assert mine.get("/account/tokens/").content.decode().count("/revoke/") == 12


def test_a_user_changes_their_password_on_the_page_and_their_tokens_die(make_user):
    from django.test import Client

    from minzheng.accounts.models import ApiToken

    user = make_user("township_clerk", "370811001", password="Old-pass-word-1")
    ApiToken.objects.create(
        user=user, key_hash="x" * 64, prefix="abcd1234", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    c = Client()
    c.force_login(user)
    r = c.post("/account/password/", {"old": "wrong", "new": "N3w-pass-word!", "again": "N3w-pass-word!"})
    assert "原密码不正确" in r.content.decode()
    r = c.post("/account/password/", {"old": "Old-pass-word-1", "new": "N3w-pass-word!", "again": "other"})
    assert "不一致" in r.content.decode()
    r = c.post(
        "/account/password/", {"old": "Old-pass-word-1", "new": "N3w-pass-word!", "again": "N3w-pass-word!"}
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("N3w-pass-word!")
    assert not ApiToken.objects.filter(user=user, revoked=False).exists()
    assert c.get("/").status_code == 200  # this session stays signed in
