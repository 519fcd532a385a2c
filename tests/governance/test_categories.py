"""Incident categories are kept on a page by the county or city: added (time limit from policy, never
typed), retired (no new reports, old incidents untouched) and restored; each change audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.governance import services
from minzheng.governance.models import IncidentCategory

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def county(make_user: Any) -> Any:
    return make_user(Role.COUNTY_OFFICER, "370811")


def test_the_county_adds_a_category_with_a_policy_time_limit_on_the_page(county):
    r = _login(county).post(
        reverse("governance-categories"),
        {
            "form": "add",
            "name": "违章搭建",
            "office": "综合执法办",
            "days_key": "governance.incident_days.other",
        },
    )
    assert r.status_code == 302
    added = IncidentCategory.objects.get(name="违章搭建")
    assert added.active and added.office == "综合执法办"
    assert AuditLog.objects.filter(
        target_type="governance.incident_category", target_id=str(added.pk)
    ).exists()


def test_a_time_limit_that_is_not_a_policy_key_is_refused_and_nothing_is_added(county):
    r = _login(county).post(
        reverse("governance-categories"),
        {"form": "add", "name": "违章搭建", "office": "综合执法办", "days_key": "7"},
    )
    assert r.status_code == 200 and "办结时限参数" in r.content.decode()
    assert not IncidentCategory.objects.filter(name="违章搭建").exists()


def test_a_retired_category_cannot_be_reported_and_is_not_offered(county, wangge):
    dispute = IncidentCategory.objects.get(code="dispute")
    r = _login(county).post(
        reverse("governance-categories"), {"form": "active", "category": dispute.pk, "active": "0"}
    )
    assert r.status_code == 302
    dispute.refresh_from_db()
    assert not dispute.active
    with pytest.raises(ValidationError, match="已停用"):
        services.incident_report(actor=wangge, category=dispute, description="纠纷")
    assert 'value="dispute"' not in _login(wangge).get(reverse("governance-incident-new")).content.decode()
    dispute = services.incident_category_set_active(actor=county, category=dispute, active=True)
    assert services.incident_report(actor=wangge, category=dispute, description="纠纷").pk


def test_a_township_clerk_or_grid_worker_may_not_keep_the_categories(clerk, wangge):
    for user in (clerk, wangge):
        assert _login(user).get(reverse("governance-categories")).status_code == 403
        with pytest.raises(ValidationError):
            services.incident_category_add(
                actor=user, name="x", office="y", days_key="governance.incident_days.other"
            )
