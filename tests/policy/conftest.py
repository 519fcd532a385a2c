from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone


def days_ahead(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def maker(make_user: Any) -> Any:
    """The city officer who proposes (makes) a change."""
    return make_user("city_officer", "370800", username="shiji_maker")


@pytest.fixture
def checker(make_user: Any) -> Any:
    """A second city officer, who checks it."""
    return make_user("city_officer", "370800", username="shiji_checker")


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c
