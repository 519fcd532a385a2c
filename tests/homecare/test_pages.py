from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.homecare.models import Order, OrderState

from .conftest import HOME


def test_the_operator_finds_the_elder_takes_an_order_and_dispatches_it_from_the_pages(
    clerk: Any, elder: Any, make_carer: Any
) -> None:
    carer = make_carer()
    c = Client()
    c.force_login(clerk)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    found = c.get("/homecare/orders/new/", {"q": elder.name}).content.decode()
    assert elder.id_masked in found and elder.id_number not in found
    r = c.post(
        f"/homecare/orders/new/?person={elder.pk}",
        {"person": elder.pk, "item": "JJ03", "quantity": "1", "scheduled_at": f"{tomorrow:%Y-%m-%d}T09:00"},
    )
    order = Order.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/homecare/orders/{order.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert carer.name in page and "派单" in page
    c.post(f"/homecare/orders/{order.pk}/dispatch/", {"carer_id": carer.pk})
    assert Order.objects.get().state == OrderState.DISPATCHED


def test_bad_order_input_gets_a_chinese_message_and_no_order(clerk: Any, elder: Any) -> None:
    c = Client()
    c.force_login(clerk)
    r = c.post(
        f"/homecare/orders/new/?person={elder.pk}",
        {"person": elder.pk, "item": "JJ03", "quantity": "abc", "scheduled_at": "x"},
        follow=True,
    )
    assert r.status_code == 200 and "请填写服务项目" in r.content.decode()
    assert Order.objects.count() == 0


def test_the_carer_checks_in_and_out_on_his_own_page_and_another_carer_gets_404(
    clerk: Any, take: Any, make_carer: Any
) -> None:
    from minzheng.homecare import services

    carer, other = make_carer(), make_carer(0.5)
    order = services.order_dispatch(actor=clerk, order=take(), carer=carer)
    c = Client()
    c.force_login(carer.user)
    assert f"/homecare/my/{order.pk}/" in c.get("/homecare/my/").content.decode()
    own = c.get(f"/homecare/my/{order.pk}/")
    assert "签到" in own.content.decode() and "geolocation=(self)" in own["Permissions-Policy"]
    assert "geolocation=()" in c.get("/homecare/my/")["Permissions-Policy"]
    c.post(f"/homecare/orders/{order.pk}/check_in/", {"latitude": str(HOME[0]), "longitude": str(HOME[1])})
    c.post(f"/homecare/orders/{order.pk}/check_out/", {"latitude": "", "longitude": "", "note": "定位被拒绝"})
    assert Order.objects.get().state == OrderState.SERVED
    c.post(f"/homecare/orders/{order.pk}/confirm/", {"code": order.confirm_code})
    assert Order.objects.get().state == OrderState.CONFIRMED
    o = Client()
    o.force_login(other.user)
    assert o.get(f"/homecare/my/{order.pk}/").status_code == 404


def test_the_order_list_is_scoped_and_paged_within_a_query_budget(
    clerk: Any, take: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        take()
    c = Client()
    c.force_login(clerk)
    with django_assert_max_num_queries(12):
        page = c.get("/homecare/").content.decode()
    assert page.count("/homecare/orders/") >= 3
    other = Client()
    other.force_login(make_user("township_clerk", "370812001"))
    assert "12349-" not in other.get("/homecare/").content.decode()
    assert other.get(f"/homecare/orders/{Order.objects.first().pk}/").status_code == 404


def test_a_village_assistant_is_refused_the_desk_pages(make_user: Any) -> None:
    c = Client()
    c.force_login(make_user("village_assistant", "370811001001"))
    for url in (
        "/homecare/",
        "/homecare/orders/new/",
        "/homecare/settlements/",
        "/homecare/alarms/",
        "/homecare/my/",
    ):
        assert c.get(url).status_code == 403, url


def test_a_missing_carer_or_provider_in_a_form_gets_a_chinese_message_not_a_500(
    clerk: Any, officer: Any, take: Any, provider: Any
) -> None:
    order = take()
    c = Client()
    c.force_login(clerk)
    r = c.post(f"/homecare/orders/{order.pk}/dispatch/", {"carer_id": "987654"}, follow=True)
    assert r.status_code == 200 and "请选择护理员" in r.content.decode()
    c.force_login(officer)
    r = c.post("/homecare/settlements/", {"provider": "987654", "month": "2026-01"}, follow=True)
    assert r.status_code == 200 and "请选择服务商" in r.content.decode()
    r = c.post("/homecare/settlements/", {"provider": provider.pk, "month": "bad"}, follow=True)
    assert r.status_code == 200 and "请选择结算月（年-月" in r.content.decode()


def test_the_order_list_exports_to_excel_with_masked_ids_and_the_export_is_audited(
    clerk: Any, take: Any, elder: Any
) -> None:
    from minzheng.audit.models import AuditLog

    take()
    c = Client()
    c.force_login(clerk)
    r = c.get("/homecare/orders/xlsx/", {"state": "taken"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert elder.id_number.encode() not in r.content
    assert AuditLog.objects.filter(event_type="export", target_type="homecare_order").count() == 1
