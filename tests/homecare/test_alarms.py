from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minzheng.homecare import services
from minzheng.homecare.models import Alarm
from tests.conftest import TOWN_A


@pytest.fixture
def device(officer: Any, elder: Any) -> tuple[Any, str]:
    return services.device_register(
        actor=officer,
        kind="call_button",
        serial="CB-0001",
        place="张三家卧室",
        region_code=TOWN_A,
        person=elder,
    )


def test_a_device_posts_an_alarm_with_its_own_key_and_repeats_are_deduplicated(
    device: tuple[Any, str],
) -> None:
    dev, key = device
    c = Client()
    r1 = c.post(
        "/api/v1/homecare/alarms", {"kind": "call"}, content_type="application/json", HTTP_X_DEVICE_KEY=key
    )
    r2 = c.post(
        "/api/v1/homecare/alarms", {"kind": "call"}, content_type="application/json", HTTP_X_DEVICE_KEY=key
    )
    assert r1.status_code == r2.status_code == 200, r1.content
    assert r1.json()["created"] is True and r2.json() == {**r1.json(), "created": False, "repeats": 1}
    assert Alarm.objects.count() == 1
    assert dev.key_hash != key and key.startswith(dev.key_prefix)


def test_a_wrong_or_missing_device_key_is_refused(device: tuple[Any, str]) -> None:
    c = Client()
    assert (
        c.post("/api/v1/homecare/alarms", {"kind": "call"}, content_type="application/json").status_code
        == 401
    )
    bad = c.post(
        "/api/v1/homecare/alarms",
        {"kind": "call"},
        content_type="application/json",
        HTTP_X_DEVICE_KEY="dev_x",
    )
    assert bad.status_code == 401
    assert Alarm.objects.count() == 0


def test_an_unknown_alarm_kind_gets_a_chinese_400(device: tuple[Any, str]) -> None:
    c = Client()
    r = c.post(
        "/api/v1/homecare/alarms", {"kind": "x"}, content_type="application/json", HTTP_X_DEVICE_KEY=device[1]
    )
    assert r.status_code == 400 and "报警类型" in r.json()["detail"]


def test_an_alarm_is_acknowledged_then_closed_with_a_note_and_a_new_report_opens_a_new_one(
    device: tuple[Any, str], clerk: Any
) -> None:
    alarm, _ = services.alarm_receive(device=device[0], kind="call")
    alarm = services.alarm_acknowledge(actor=clerk, alarm=alarm)
    with pytest.raises(ValidationError, match="处置说明"):
        services.alarm_close(actor=clerk, alarm=alarm, note=" ")
    alarm = services.alarm_close(actor=clerk, alarm=alarm, note="电话联系老人，误按")
    assert alarm.state == "closed" and alarm.closed_by == clerk
    again, created = services.alarm_receive(device=device[0], kind="call")
    assert created and again.pk != alarm.pk


def test_the_alarm_list_shows_the_townships_alarms_and_another_township_sees_them_as_missing(
    device: tuple[Any, str], clerk: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    alarm, _ = services.alarm_receive(device=device[0], kind="left_bed")
    c = Client()
    c.force_login(clerk)
    with django_assert_max_num_queries(12):
        page = c.get("/homecare/alarms/").content.decode()
    assert "离床未归" in page and "张三家卧室" in page
    r = c.post(f"/homecare/alarms/{alarm.pk}/", {"action": "close", "note": "已上门查看"})
    assert r.status_code == 302 and Alarm.objects.get().state == "closed"
    other = Client()
    other.force_login(make_user("township_clerk", "370812001"))
    assert other.get(f"/homecare/alarms/{alarm.pk}/").status_code == 404
