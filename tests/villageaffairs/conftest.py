from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.villageaffairs import services
from minzheng.villageaffairs.models import CatalogueItem, Disclosure
from minzheng.villageaffairs.periods import due_q, period_start
from tests.conftest import TOWN_A, VILLAGE_A

PERIOD = "2026-03"  # a quarter's last month: monthly, quarterly and the March yearly items fall due
DAY = period_start(PERIOD) + dt.timedelta(days=5)


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def assistant(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A)


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.TOWNSHIP_CLERK, TOWN_A)


@pytest.fixture
def approver(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.TOWNSHIP_APPROVER, TOWN_A)


@pytest.fixture
def publish_all(assistant: Any) -> Callable[..., list[Disclosure]]:
    """Publish every item due in `period` for the assistant's village, but `leave` of them."""

    def go(
        period: str = PERIOD, leave: int = 0, actor: Any = None, region_code: str = VILLAGE_A
    ) -> list[Disclosure]:
        items = list(CatalogueItem.objects.filter(due_q(period)).order_by("order"))
        items = items[: len(items) - leave]
        return [
            services.disclosure_publish(
                actor=actor or assistant,
                region_code=region_code,
                period=period,
                item=i,
                text=f"{i.name}：详见公开栏",
                # the sixth of the month, or today in the month's first days (no future dates)
                published_on=min(period_start(period) + dt.timedelta(days=5), timezone.localdate()),
            )
            for i in items
        ]

    return go
