"""Access of the governance pages: every page that takes an object id answers an out-of-scope object
exactly like a missing one (404), with every verb; every page refuses an actor without its permission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minzheng.accounts.models import Role
from minzheng.governance import services
from minzheng.governance.models import IncidentCategory, MatterType
from tests.conftest import TOWN_B, VILLAGE_A

from .conftest import GRID_A

pytestmark = pytest.mark.django_db
MISSING = 987654321
VERBS = ("get", "post")


@pytest.fixture
def records(placed, wangge, clerk, make_user, make_person) -> dict[str, Any]:
    """One record of each kind in 任城区 王邹街道 (TOWN_A)."""
    hh = placed(GRID_A)
    incident = services.incident_report(
        actor=wangge, category=IncidentCategory.objects.get(code="other"), description="路灯不亮"
    )
    county = make_user(Role.COUNTY_OFFICER, "370811")
    worker = services.worker_create(
        actor=county,
        name="张社工",
        region_code=VILLAGE_A,
        post="staff",
        grade=3,
        hired_on=dt.date(2020, 1, 1),
    )
    assistant = make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A)
    person = make_person(village=VILLAGE_A, name="申请人")
    request = services.window_request_take(
        actor=assistant, person=person, matter=MatterType.objects.get(target="high_age")
    )
    zone = services.zone_create(
        actor=county,
        name="任城区实验区",
        level="provincial",
        region_code="370811",
        approved_on=dt.date(2021, 5, 1),
    )
    return {
        "household": hh.pk,
        "incident": incident.pk,
        "worker": worker.pk,
        "request": request.pk,
        "zone": zone.pk,
    }


ROUTES = (
    ("governance-household", "household"),
    ("governance-incident", "incident"),
    ("governance-incident-photo", "incident"),
    ("governance-worker", "worker"),
    ("governance-window-request", "request"),
    ("governance-zone", "zone"),
)


@pytest.mark.parametrize(
    "role, region",
    [
        (Role.TOWNSHIP_CLERK, TOWN_B),
        (Role.COUNTY_OFFICER, "370812"),
        (Role.GRID_WORKER, "370811001001002"),
        (Role.VILLAGE_ASSISTANT, "370812001001"),
    ],
)
def test_an_out_of_scope_record_answers_exactly_like_a_missing_one(records, make_user, role, region):
    c = Client()
    c.force_login(make_user(role, region))
    for name, kind in ROUTES:
        for verb in VERBS:
            there = getattr(c, verb)(reverse(name, args=[records[kind]]))
            missing = getattr(c, verb)(reverse(name, args=[MISSING]))
            assert there.status_code == missing.status_code, (name, verb)
            assert there.status_code in (403, 404, 405), (name, verb)
    for action in ("accept", "handle", "close"):
        there = c.post(reverse("governance-incident-act", args=[records["incident"], action]))
        missing = c.post(reverse("governance-incident-act", args=[MISSING, action]))
        assert there.status_code == missing.status_code


PAGES = (
    "governance-home",
    "governance-grid",
    "governance-grid-export",
    "governance-place",
    "governance-place-template",
    "governance-heads",
    "governance-grid-workers",
    "governance-incidents",
    "governance-incident-new",
    "governance-rates",
    "governance-workers",
    "governance-paygrades",
    "governance-window",
    "governance-zones",
)


def test_an_actor_without_a_line_permission_is_refused_every_page(make_user):
    c = Client()
    c.force_login(make_user(Role.CARER, "370811001"))
    for name in PAGES:
        assert c.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize(
    "role, region, allowed",
    [
        (
            Role.GRID_WORKER,
            GRID_A,
            {"governance-grid", "governance-grid-export", "governance-incidents", "governance-incident-new"},
        ),
        (Role.VILLAGE_ASSISTANT, VILLAGE_A, {"governance-window"}),
    ],
)
def test_field_workers_reach_only_their_own_pages(make_user, role, region, allowed):
    c = Client()
    c.force_login(make_user(role, region))
    for name in PAGES:
        status = c.get(reverse(name)).status_code
        assert (status == 200) == (name in allowed), (name, status)


def test_the_api_answers_an_out_of_scope_incident_like_a_missing_one(records, make_user):
    from minzheng.accounts.services import _api_token_create

    other = make_user(Role.TOWNSHIP_CLERK, TOWN_B)
    token = _api_token_create(user=other, name="t", otp_verified=True, ip="127.0.0.1")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    there = c.get(f"/api/v1/governance/incidents/{records['incident']}")
    missing = c.get(f"/api/v1/governance/incidents/{MISSING}")
    assert there.status_code == missing.status_code == 404
