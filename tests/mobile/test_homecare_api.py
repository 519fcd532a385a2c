"""A carer's phone checks in and out of a home-care order through /api/v1/mobile/; another carer's order
answers 404 like a missing one."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minzheng.homecare import services
from minzheng.homecare.models import Order, OrderState
from tests.homecare.conftest import (  # noqa: F401  (the home-care line's own fixtures)
    HOME,
    assessed,
    clerk,
    elder,
    make_carer,
    officer,
    provider,
    record_level,
    take,
)


def test_the_carer_checks_in_and_out_from_the_phone_and_another_carer_gets_404(
    clerk: Any,  # noqa: F811
    take: Any,  # noqa: F811
    make_carer: Any,  # noqa: F811
) -> None:
    carer, other = make_carer(), make_carer(0.5, name="李护理")
    order = services.order_dispatch(actor=clerk, order=take(), carer=carer)
    c = Client()
    c.force_login(carer.user)
    mine = c.get("/api/v1/mobile/homecare/orders").json()
    assert [o["id"] for o in mine] == [order.pk] and mine[0]["person"] == "户主"
    where = {"latitude": float(HOME[0]), "longitude": float(HOME[1])}
    o = Client()
    o.force_login(other.user)
    url = "/api/v1/mobile/homecare/orders/{}/check_in"
    stranger = o.post(url.format(order.pk), where, content_type="application/json")
    missing = o.post(url.format(987654321), where, content_type="application/json")
    assert stranger.status_code == missing.status_code == 404 and stranger.json() == missing.json()
    r = c.post(url.format(order.pk), where, content_type="application/json")
    assert r.status_code == 200, r.content
    r = c.post(
        f"/api/v1/mobile/homecare/orders/{order.pk}/check_out",
        {"note": "定位被拒绝"},
        content_type="application/json",
    )
    assert r.status_code == 200 and Order.objects.get().state == OrderState.SERVED
    assert r.json()["state_label"] == Order.objects.get().get_state_display()
