"""What people read on the governance and credit pages: figures as people write them, and households by
their head's name and village, never a bare household number."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minzheng.accounts.models import Role
from minzheng.governance import services
from minzheng.governance.models import IncidentCategory
from minzheng.people.selectors import household_labels

from .conftest import GRID_A

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_home_page_shows_the_pay_target_and_zone_targets_as_people_write_them(make_user):
    body = _login(make_user(Role.CITY_OFFICER, "370800")).get(reverse("governance-home")).content.decode()
    assert "65000" in body
    assert ".0000" not in body


def test_a_household_reads_as_its_heads_name_and_village(make_household):
    hh = make_household()
    assert household_labels(household_ids=[hh.pk]) == {hh.pk: "户主户（安祥社区）"}


def test_the_incident_and_household_pages_name_the_household_by_head_and_village(placed, wangge):
    hh = placed(GRID_A)
    incident = services.incident_report(
        actor=wangge,
        category=IncidentCategory.objects.get(code="dispute"),
        description="楼道堆物",
        household=hh,
    )
    c = _login(wangge)
    for url in (
        reverse("governance-incident", args=[incident.pk]),
        reverse("governance-household", args=[hh.pk]),
        reverse("governance-grid"),
        reverse("governance-incident-new"),
    ):
        body = c.get(url).content.decode()
        assert "户主" in body, url
        assert hh.number not in body, url


def test_a_household_number_past_any_key_reads_as_missing_not_a_server_error(make_user):
    """The walk opened /governance/grid/households/<2**63>/ and got an OverflowError (500)."""
    client = _login(make_user(Role.CITY_OFFICER, "370800"))
    for pk in (2**63, 2**64, 9999999999999999999):
        assert client.get(reverse("governance-household", args=[pk])).status_code == 404


def test_the_pay_target_is_not_called_met_while_some_workers_have_no_pay_set():
    """The walk read 年均待遇 66000 元 已达到 with only 3 of 12 workers priced."""
    from decimal import Decimal

    from minzheng.governance.selectors import PaySummary

    assert PaySummary(12, 3, Decimal(66000), Decimal(65000), "").meets is None
    assert PaySummary(12, 12, Decimal(66000), Decimal(65000), "").meets is True
    assert PaySummary(12, 12, Decimal(60000), Decimal(65000), "").meets is False
