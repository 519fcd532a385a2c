"""Device keys for the alarm API from the desk: the elderly officer registers a care home's device and
sees its key once (only the hash is kept), revokes it, and the alarm API refuses it from then on; bad
input answers in Chinese and saves nothing; another county's device reads as missing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minzheng.audit.models import AuditLog
from minzheng.homecare import services
from minzheng.homecare.models import Device


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _alarm(key: str) -> int:
    return (
        Client()
        .post(
            "/api/v1/homecare/alarms",
            {"kind": "call"},
            content_type="application/json",
            HTTP_X_DEVICE_KEY=key,
        )
        .status_code
    )


def test_the_key_is_shown_once_stored_hashed_and_refused_after_revocation(officer: Any, elder: Any) -> None:
    c = _client(officer)
    r = c.post(
        "/homecare/devices/",
        {"kind": "call_button", "serial": "CB-1", "place": "幸福院201室", "region_code": elder.region_code},
    )
    html = r.content.decode()
    device = Device.objects.get(serial="CB-1")
    key = html.split('<p class="mono wrap-any">')[1].split("<")[0]
    assert key.startswith(device.key_prefix) and device.key_hash == services.device_key_hash(key)
    assert r["Cache-Control"] == "no-store"
    assert key not in c.get("/homecare/devices/").content.decode()
    assert not AuditLog.objects.filter(detail__contains=key).exists()
    assert _alarm(key) in (200, 201)
    c.post(f"/homecare/devices/{device.pk}/revoke/", {"reason": "设备遗失"})
    device.refresh_from_db()
    assert not device.active
    assert _alarm(key) == 401


def test_a_revocation_without_a_reason_is_refused_in_chinese_and_the_key_still_works(
    officer: Any, elder: Any
) -> None:
    device, key = services.device_register(
        actor=officer, kind="smoke", serial="SM-1", place="厨房", region_code=elder.region_code
    )
    r = _client(officer).post(f"/homecare/devices/{device.pk}/revoke/", {"reason": " "}, follow=True)
    assert "请填写停用原因" in r.content.decode()
    device.refresh_from_db()
    assert device.active and _alarm(key) in (200, 201)


def test_registering_without_a_serial_saves_nothing(officer: Any) -> None:
    r = _client(officer).post("/homecare/devices/", {"kind": "call_button", "serial": "", "place": "卧室"})
    assert r.status_code == 200 and "请填写设备序列号和安装位置" in r.content.decode()
    assert not Device.objects.exists()


def test_another_countys_officer_cannot_see_or_revoke_the_device(
    officer: Any, elder: Any, make_user: Any
) -> None:
    device, _ = services.device_register(
        actor=officer, kind="call_button", serial="CB-2", place="卧室", region_code=elder.region_code
    )
    other = _client(make_user("elderly_officer", "370812"))
    assert "CB-2" not in other.get("/homecare/devices/").content.decode()
    assert other.post(f"/homecare/devices/{device.pk}/revoke/", {"reason": "x"}).status_code == 404
    device.refresh_from_db()
    assert device.active


def test_the_device_list_costs_a_fixed_number_of_queries(
    officer: Any, elder: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        services.device_register(
            actor=officer, kind="call_button", serial=f"CB-{i}", place="卧室", region_code=elder.region_code
        )
    c = _client(officer)
    with django_assert_max_num_queries(12):
        assert c.get("/homecare/devices/").status_code == 200


def test_a_carer_is_refused_the_device_page(make_user: Any) -> None:
    assert _client(make_user("carer", "370811001")).get("/homecare/devices/").status_code == 403
