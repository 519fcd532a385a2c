"""The access matrix for the 12349 pages (their ids are `pk`, outside the shared matrix's table): another
county's clerk gets exactly the answer a missing id gets, on every route and verb."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from minzheng.homecare import services
from minzheng.homecare.models import Order

from .conftest import serve

MISSING = 987654321
VERBS = ("get", "post")


def _routes() -> list[str]:
    out: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, route)
            elif isinstance(p, URLPattern) and route.startswith("homecare/") and "<int:pk>" in route:
                out.append(route)

    walk(get_resolver(), "")
    return out


def test_every_homecare_route_answers_another_countys_ids_exactly_like_missing_ones(
    make_user: Any, take: Any, make_carer: Any, clerk: Any, officer: Any, provider: Any, elder: Any
) -> None:
    order = serve(take(), clerk, make_carer())
    device, _ = services.device_register(
        actor=officer, kind="call_button", serial="CB-9", place="卧室", region_code=elder.region_code
    )
    alarm, _ = services.alarm_receive(device=device, kind="call")
    ids = {
        "orders": order.pk,
        "alarms": alarm.pk,
        "my": order.pk,
        "devices": device.pk,
        "providers": provider.pk,
    }
    outsider = make_user("township_clerk", "370812001")
    c = Client()
    c.force_login(outsider)
    routes = _routes()
    assert len(routes) >= 7
    attempts = 0
    for route in routes:
        head = route.split("/")[1]
        object_id = ids.get(head, order.pk)
        for action in ("dispatch", "confirm", "cancel"):
            url = "/" + route.replace("<int:pk>", str(object_id)).replace("<slug:action>", action)
            missing = "/" + route.replace("<int:pk>", str(MISSING)).replace("<slug:action>", action)
            for verb in VERBS:
                got, ref = getattr(c, verb)(url), getattr(c, verb)(missing)
                attempts += 1
                assert got.status_code == ref.status_code and got.status_code in (403, 404, 405), (verb, url)
                if got.status_code == 404:
                    assert got.content == ref.content
    assert attempts >= 28
    assert Order.objects.get().state == "confirmed"
