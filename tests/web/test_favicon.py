"""The browser asks /favicon.ico on every first load: it gets the app's icon, not a 404 in the console."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_favicon_is_the_pwa_icon_for_anyone() -> None:
    got = Client().get("/favicon.ico")
    assert got.status_code in (301, 302), got.status_code
    assert got["Location"].endswith("mobile/icon-192.png"), got["Location"]
