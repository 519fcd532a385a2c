"""Building heads and grid appointments can be corrected and ended, each change audited; another
township's clerk cannot touch them (404 like missing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.core import crypto
from minzheng.governance import services
from minzheng.governance.models import BuildingHead, GridAppointment
from tests.conftest import VILLAGE_A

from .conftest import GRID_A

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def head(make_person: Any, clerk: Any) -> BuildingHead:
    return services.building_head_appoint(
        actor=clerk,
        person=make_person(village=VILLAGE_A, name="楼长甲"),
        grid_code=GRID_A,
        building="1号楼",
        phone="13912345678",
        appointed_on=_today() - dt.timedelta(days=30),
    )


def test_a_building_head_is_corrected_on_the_page_and_the_audit_keeps_only_masked_phones(head, clerk):
    r = _login(clerk).post(
        reverse("governance-heads"),
        {"form": "edit", "head": head.pk, "building": "2号楼", "phone": "13800001111"},
    )
    assert r.status_code == 302
    head.refresh_from_db()
    assert head.building == "2号楼" and crypto.decrypt(head.phone_enc) == "13800001111"
    event = AuditLog.objects.filter(
        target_type="governance.building_head", event_type=AuditEvent.UPDATE
    ).get()
    assert "13800001111" not in str(event.new) and "12345678" not in str(event.old)


def test_a_building_head_steps_down_and_leaves_the_list(head, clerk):
    c = _login(clerk)
    r = c.post(
        reverse("governance-heads"), {"form": "end", "head": head.pk, "ended_on": _today().isoformat()}
    )
    assert r.status_code == 302
    head.refresh_from_db()
    assert not head.active and head.ended_on == _today()
    assert "楼长甲" not in c.get(reverse("governance-heads")).content.decode()
    assert AuditLog.objects.filter(
        target_type="governance.building_head", event_type=AuditEvent.UPDATE
    ).exists()


def test_an_end_before_the_appointment_or_a_second_end_is_refused_in_chinese(head, clerk):
    with pytest.raises(ValidationError, match="不能早于"):
        services.building_head_end(actor=clerk, head=head, ended_on=head.appointed_on - dt.timedelta(days=1))
    services.building_head_end(actor=clerk, head=head, ended_on=_today())
    r = _login(clerk).post(
        reverse("governance-heads"), {"form": "end", "head": head.pk, "ended_on": _today().isoformat()}
    )
    assert r.status_code == 200 and "已卸任" in r.content.decode()


def test_another_townships_clerk_cannot_end_the_head(head, clerk_b):
    r = _login(clerk_b).post(
        reverse("governance-heads"), {"form": "end", "head": head.pk, "ended_on": _today().isoformat()}
    )
    assert r.status_code in (200, 403)
    head.refresh_from_db()
    assert head.active


def test_a_grid_appointment_is_ended_on_the_page_and_the_worker_can_be_appointed_again(clerk, wangge):
    appointment = services.grid_appoint(
        actor=clerk, worker=wangge, grid_code=GRID_A, appointed_on=_today() - dt.timedelta(days=60)
    )
    c = _login(clerk)
    r = c.post(
        reverse("governance-grid-workers"),
        {"form": "end", "appointment": appointment.pk, "ended_on": _today().isoformat()},
    )
    assert r.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ended_on == _today()
    assert AuditLog.objects.filter(
        target_type="governance.grid_appointment", event_type=AuditEvent.UPDATE
    ).exists()
    services.grid_appoint(actor=clerk, worker=wangge, grid_code=GRID_A, appointed_on=_today())
    assert GridAppointment.objects.filter(user=wangge, ended_on__isnull=True).count() == 1


def test_a_bad_end_date_is_a_chinese_message_and_changes_nothing(clerk, wangge):
    appointment = services.grid_appoint(actor=clerk, worker=wangge, grid_code=GRID_A, appointed_on=_today())
    r = _login(clerk).post(
        reverse("governance-grid-workers"), {"form": "end", "appointment": appointment.pk, "ended_on": "x"}
    )
    assert r.status_code == 200 and "解聘日期" in r.content.decode()
    appointment.refresh_from_db()
    assert appointment.ended_on is None
