"""The 三务公开 catalogue is kept on a page by the county or city (the shipped items stay in the
migration): an item is added with its cited source and becomes due, or retired and no longer due."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.villageaffairs import selectors, services
from minzheng.villageaffairs.models import CatalogueItem

pytestmark = pytest.mark.django_db
SOURCE = "《中华人民共和国村民委员会组织法》第三十条"


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def city(make_user: Any) -> Any:
    return make_user(Role.CITY_OFFICER, "370800")


def test_the_city_adds_a_monthly_item_which_every_village_then_owes(city):
    r = _login(city).post(
        reverse("villageaffairs-catalogue"),
        {
            "form": "add",
            "category": "village",
            "name": "移风易俗执行情况",
            "frequency": "monthly",
            "source": SOURCE,
        },
    )
    assert r.status_code == 302
    item = CatalogueItem.objects.get(name="移风易俗执行情况")
    assert item.code.startswith("CW") and item.active
    assert item in selectors.due_items("2026-03")
    assert AuditLog.objects.filter(
        target_type="villageaffairs.catalogue_item", target_id=str(item.pk)
    ).exists()


def test_a_retired_item_is_no_longer_due_and_comes_back_when_restored(city):
    item = CatalogueItem.objects.filter(frequency="monthly").first()
    assert (
        _login(city)
        .post(reverse("villageaffairs-catalogue"), {"form": "active", "item": item.pk, "active": "0"})
        .status_code
        == 302
    )
    assert item not in selectors.due_items("2026-03")
    services.catalogue_item_set_active(actor=city, item=item, active=True)
    assert item in selectors.due_items("2026-03")


def test_an_item_without_a_cited_source_or_month_is_refused_in_chinese_and_nothing_is_added(city):
    before = CatalogueItem.objects.count()
    c = _login(city)
    r = c.post(
        reverse("villageaffairs-catalogue"),
        {
            "form": "add",
            "category": "village",
            "name": "新事项",
            "frequency": "monthly",
            "source": "种子材料",
        },
    )
    assert r.status_code == 200 and "《》" in r.content.decode()
    r = c.post(
        reverse("villageaffairs-catalogue"),
        {"form": "add", "category": "village", "name": "新事项", "frequency": "yearly", "source": SOURCE},
    )
    assert r.status_code == 200 and "公开月份" in r.content.decode()
    assert CatalogueItem.objects.count() == before


def test_a_village_assistant_or_township_clerk_may_not_keep_the_catalogue(make_user):
    from tests.conftest import TOWN_A, VILLAGE_A

    for user in (make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A), make_user(Role.TOWNSHIP_CLERK, TOWN_A)):
        assert _login(user).get(reverse("villageaffairs-catalogue")).status_code == 403
        with pytest.raises(ValidationError):
            services.catalogue_item_add(
                actor=user, category="village", name="x", frequency="monthly", source=SOURCE
            )
