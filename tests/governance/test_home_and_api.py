from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minzheng.accounts.services import _api_token_create
from minzheng.governance import services
from minzheng.governance.models import IncidentCategory

from .conftest import GRID_A, GRID_A2

pytestmark = pytest.mark.django_db


def _report(actor: Any) -> Any:
    return services.incident_report(
        actor=actor, category=IncidentCategory.objects.get(code="safety"), description="消防通道堵塞"
    )


def test_the_township_home_shows_incidents_to_accept_and_the_worker_home_their_open_reports(wangge, clerk):
    _report(wangge)
    c = Client()
    c.force_login(clerk)
    assert "网格事件待受理" in c.get(reverse("home")).content.decode()
    c.force_login(wangge)
    body = c.get(reverse("home")).content.decode()
    assert "我上报的网格事件（办理中）" in body and "网格事件待受理" not in body


def test_the_navigation_shows_the_grid_to_the_grid_worker(wangge):
    c = Client()
    c.force_login(wangge)
    body = c.get(reverse("home")).content.decode()
    assert reverse("governance-grid") in body


def test_the_api_lists_only_the_grid_workers_households_and_incidents(wangge, wangge2, placed):
    mine = placed(GRID_A)
    theirs = placed(GRID_A2)
    incident = _report(wangge)
    token = _api_token_create(user=wangge, name="t", otp_verified=True, ip="127.0.0.1")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = c.get("/api/v1/governance/households").json()
    assert [r["number"] for r in rows] == [mine.number]
    assert [r["id"] for r in c.get("/api/v1/governance/incidents").json()] == [incident.pk]
    assert c.get(f"/api/v1/governance/incidents/{incident.pk}").json()["state"] == "已上报"
    other = _api_token_create(user=wangge2, name="t", otp_verified=True, ip="127.0.0.1")
    c2 = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert [r["number"] for r in c2.get("/api/v1/governance/households").json()] == [theirs.number]
    assert c2.get(f"/api/v1/governance/incidents/{incident.pk}").status_code == 404
