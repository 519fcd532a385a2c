"""The phone's pages: the bottom bar from the registry, the PWA files, the field forms' offline marker,
camera and position."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from minzheng.accounts.permissions import can
from minzheng.mobile.selectors import BOTTOM_MAX, bottom_nav
from minzheng.people.models import Person
from minzheng.programmes.registry import NavEntry, nav_entries, register_nav, unregister_nav
from tests.conftest import TOWN_A, VILLAGE_A

FIELD = (
    ("village_assistant", VILLAGE_A),
    ("child_director", VILLAGE_A),
    ("carer", TOWN_A),
    ("grid_worker", VILLAGE_A + "001"),
    ("volunteer", VILLAGE_A),
)


@pytest.mark.parametrize(("role", "region"), FIELD)
def test_each_field_role_gets_three_to_five_bottom_entries_it_may_open(
    make_user: Any, role: str, region: str
) -> None:
    user = make_user(role, region)
    entries = bottom_nav(user)
    assert 3 <= len(entries) <= BOTTOM_MAX, entries
    assert entries[0]["url"] == "/"
    by_url = {e.url_name: e for e in nav_entries()}
    from django.urls import resolve

    for e in entries:
        registered = by_url[resolve(e["url"]).url_name]
        assert e["label"] == registered.label
        assert not registered.permission or can(user, registered.permission)


def test_desk_roles_keep_the_top_menu_and_get_no_bottom_bar(make_user: Any) -> None:
    clerk = make_user("township_clerk", TOWN_A)
    assert bottom_nav(clerk) == []
    c = Client()
    c.force_login(clerk)
    assert 'class="bottom-nav"' not in c.get("/").content.decode()


def test_the_bottom_bar_follows_the_registry_not_a_list_of_roles(make_user: Any) -> None:
    assistant = make_user("village_assistant", VILLAGE_A)
    before = bottom_nav(assistant)
    # An entry the assistant may not open never shows, even when its page is a field page.
    hidden = NavEntry("儿童月度核查", "children-checks", "child.monthly_check", order=1)
    register_nav(hidden)
    try:
        assert bottom_nav(assistant) == before
    finally:
        unregister_nav(hidden)


def test_the_home_page_of_a_village_assistant_shows_the_bottom_bar_and_the_sync_bar(make_user: Any) -> None:
    c = Client()
    c.force_login(make_user("village_assistant", VILLAGE_A))
    html = c.get("/").content.decode()
    assert 'class="bottom-nav"' in html and 'href="/visits/"' in html
    assert "data-sync-user" in html and "/api/v1/mobile/sync" in html
    assert 'rel="manifest"' in html and "css/mobile.css" in html and "js/offline.js" in html


def test_the_service_worker_is_javascript_allowed_the_whole_site_and_never_cached_long(
    client: Client,
) -> None:
    r = client.get("/mobile/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/"
    assert r["Cache-Control"] == "no-cache"
    body = r.content.decode()
    assert "caches.open" in body and "/mobile/offline/" in body and "&quot;" not in body


def test_the_manifest_makes_the_site_installable_with_icons_that_exist(client: Client) -> None:
    r = client.get("/mobile/manifest.webmanifest")
    assert r["Content-Type"].startswith("application/manifest+json")
    data = json.loads(r.content)
    assert data["start_url"] == "/" and data["scope"] == "/" and data["display"] == "standalone"
    sizes = {i["sizes"] for i in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_offline_page_opens_without_signing_in(client: Client) -> None:
    r = client.get("/mobile/offline/")
    assert r.status_code == 200 and "当前没有网络" in r.content.decode()


def test_the_offline_page_sets_no_csrf_cookie_under_a_login_form_being_filled(client: Client) -> None:
    # The service worker fetches it on install, often right after a sign-out: a new csrftoken cookie
    # then would make the login form on screen fail with 403.
    r = client.get("/mobile/offline/")
    assert r.status_code == 200 and "csrftoken" not in r.cookies
    assert "csrftoken" in client.get("/login/").cookies


def test_the_elder_visit_form_carries_the_offline_marker_the_camera_and_may_ask_for_the_position(
    phone: Client, elder: Person
) -> None:
    r = phone.get(f"/visits/elder/{elder.pk}/")
    html = r.content.decode()
    assert 'data-offline-kind="visits"' in html and f'data-offline-subject="{elder.pk}"' in html
    assert 'capture="environment"' in html and "js/geo.js" in html
    assert "geolocation=(self)" in r["Permissions-Policy"]
    assert "geolocation=()" in phone.get("/visits/")["Permissions-Policy"]


def test_a_visit_posted_online_from_the_form_ignores_the_phone_fields(phone: Client, elder: Person) -> None:
    from django.utils import timezone

    from minzheng.visits.models import Visit

    r = phone.post(
        f"/visits/elder/{elder.pk}/",
        {
            "visited_on": timezone.localdate().isoformat(),
            "mode": "home",
            "health": "good",
            "safety": "safe",
            "needs": ["none"],
            "client_key": "5b0c7c4e-8a63-4a57-9d59-0a9f1b1f5c11",
            "geo_latitude": "35.4",
            "geo_longitude": "116.5",
        },
    )
    assert r.status_code == 302 and Visit.objects.filter(elder=elder).count() == 1


def test_the_service_worker_is_installed_only_once_signed_in_never_from_the_login_page(
    make_user: Any,
) -> None:
    # installed from the login page, the worker's fetch of the offline page raced the login form's CSRF cookie
    anonymous = Client().get("/login/").content.decode()
    assert "js/offline.js" in anonymous and "data-sw=" not in anonymous
    c = Client()
    c.force_login(make_user("village_assistant", VILLAGE_A))
    assert 'data-sw="/mobile/sw.js"' in c.get("/").content.decode()


def test_the_service_worker_keeps_pages_for_the_hours_the_setting_gives(
    client: Client, settings: Any
) -> None:
    from minzheng.mobile.views import SW_VERSION

    settings.MOBILE_PAGE_CACHE_HOURS = 6
    body = client.get("/mobile/sw.js").content.decode()
    assert "var MAX_AGE_MS = 21600000;" in body
    assert f'"minzheng-{SW_VERSION}"' in body and SW_VERSION != "1"  # bumped: old workers drop their caches
    assert "X-Cache-Owner" in body and "X-Kept-At" in body


def test_each_signed_in_page_names_an_opaque_cache_owner_that_differs_between_users(
    make_user: Callable[..., Any],
) -> None:
    a, b = make_user("village_assistant", VILLAGE_A), make_user("village_assistant", VILLAGE_A)
    owners = []
    for user in (a, b, a):
        c = Client()
        c.force_login(user)
        owners.append(c.get("/")["X-Cache-Owner"])
    assert owners[0] == owners[2] != owners[1]
    assert str(a.pk) != owners[0] and len(owners[0]) == 20
    assert "X-Cache-Owner" not in Client().get("/mobile/offline/")
