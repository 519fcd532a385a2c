"""Care services for special-difficulty families (seed 001, 基本生活照料) through homecare: an officer orders
a service for an entitled member from the person page; the order is homecare's (catalogue item, provider
and carer, check-in/out) and the family's panel shows how far it has got."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.homecare import services as homecare
from minzheng.homecare.models import Order, OrderBasis, OrderState
from minzheng.people.models import Household
from minzheng.specialfamilies import services
from tests.conftest import TOWN_A
from tests.homecare.conftest import HOME, serve

from .conftest import certify, enrol, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def carer(make_user: Any) -> Any:
    officer = make_user("elderly_officer", "370811")
    provider = homecare.provider_create(
        actor=officer,
        name="康乐居家养老服务公司",
        region_code=TOWN_A,
        latitude="35.410000",
        longitude="116.580000",
    )
    return homecare.carer_create(
        actor=officer,
        provider=provider,
        user=make_user("carer", TOWN_A),
        name="王护理",
        certificate="养老护理员（四级）",
        certificate_no="HL2021001",
        latitude=str(HOME[0] + Decimal("0.009")),
        longitude=str(HOME[1]),
    )


def _family(make_household: Any, clerk: Any) -> tuple[Any, Any]:
    """A dibao household with a severely disabled child (category 1, entitled to care) and its head."""
    hh = make_household(size=2)
    Household.objects.filter(pk=hh.pk).update(latitude=HOME[0], longitude=HOME[1])
    enrol("dibao", hh)
    severe = member(hh)
    certify(clerk, severe, 1)
    return severe, member(hh, "head")


def _order(clerk: Any, person: Any) -> Order:
    return services.care_order_take(
        actor=clerk,
        person=person,
        item_code="JJ14",
        quantity=Decimal(2),
        scheduled_at=timezone.now() + dt.timedelta(hours=2),
        note="每周两次",
    )


def test_an_entitled_member_gets_a_care_order_that_homecare_dispatches_serves_and_the_panel_follows(
    client: Any, make_household: Any, clerk: Any, carer: Any
) -> None:
    severe, _head = _family(make_household, clerk)
    order = _order(clerk, severe)
    assert (order.basis, order.state, order.person_id) == (OrderBasis.SPECIAL, OrderState.TAKEN, severe.pk)
    client.force_login(clerk)
    page = client.get(f"/people/{severe.pk}/").content.decode()
    assert 'id="sf-care-orders"' in page and "已受理" in page and 'id="sf-care-form"' in page
    order = serve(order, clerk, carer)  # the 12349 dispatch, the carer's check-in and check-out, confirmed
    assert order.state == OrderState.CONFIRMED and order.check_in_at and order.check_out_at
    page = client.get(f"/people/{severe.pk}/").content.decode()
    assert "已完成" in page and "康乐居家养老服务公司" in page and "王护理" in page


def test_a_member_not_entitled_to_care_is_refused_and_no_order_is_made(
    make_household: Any, clerk: Any
) -> None:
    _severe, head = _family(make_household, clerk)  # the head has no loss of capability
    with pytest.raises(ValidationError, match="不享受特殊困难家庭照护服务"):
        _order(clerk, head)
    assert not Order.objects.exists()


def test_the_panel_form_orders_and_bad_input_answers_in_chinese(
    client: Any, make_household: Any, clerk: Any
) -> None:
    severe, _head = _family(make_household, clerk)
    client.force_login(clerk)
    url = f"/specialfamilies/person/{severe.pk}/care-order/"
    tomorrow = f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}T09:00"
    r = client.post(url, {"item": "JJ14", "quantity": "很多", "scheduled_at": tomorrow}, follow=True)
    assert "数量" in r.content.decode() and not Order.objects.exists()
    r = client.post(url, {"item": "JJ14", "quantity": "1", "scheduled_at": tomorrow})
    assert r.status_code == 302 and Order.objects.get().basis == OrderBasis.SPECIAL


def test_the_hotline_form_cannot_take_a_special_family_order_around_the_entitlement_check(
    client: Any, make_household: Any, clerk: Any
) -> None:
    _severe, head = _family(make_household, clerk)
    client.force_login(clerk)
    when = f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}T09:00"
    r = client.post(
        "/homecare/orders/new/",
        {"person": head.pk, "item": "JJ14", "quantity": "1", "scheduled_at": when, "basis": "special"},
    )
    assert r.status_code == 200 and "服务类型不正确" in r.content.decode()
    assert not Order.objects.exists()


def test_an_officer_without_the_permission_cannot_order(make_household: Any, clerk: Any, make_user: Any):
    severe, _head = _family(make_household, clerk)
    with pytest.raises(ValidationError):
        _order(make_user("village_assistant", "370811001001"), severe)
    assert not Order.objects.exists()


def test_care_orders_are_settled_per_provider_and_month_by_the_bought_service_rule_and_paid_from_their_fund(
    client: Any, make_household: Any, clerk: Any, carer: Any, make_user: Any
) -> None:
    from minzheng.funds import services as funds
    from minzheng.homecare.models import Settlement
    from minzheng.policy.selectors import policy_resolve
    from tests.funds.conftest import funded

    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    severe, _head = _family(make_household, clerk)
    order = serve(_order(clerk, severe), clerk, carer)  # JJ14 × 2
    Order.objects.filter(pk=order.pk).update(
        check_out_at=timezone.make_aware(dt.datetime.combine(last_month, dt.time(10)))
    )
    maker, checker = make_user("county_officer", "370811"), make_user("county_finance", "370811")
    provider = carer.provider
    client.force_login(maker)
    r = client.post(
        "/homecare/assistance/",
        {"provider": provider.pk, "month": f"{last_month:%Y-%m}", "basis": "special"},
    )
    s = Settlement.objects.get(basis=OrderBasis.SPECIAL)
    assert r.status_code == 302 and r["Location"].endswith(f"/{s.pk}/")
    price = Decimal(
        str(
            policy_resolve(on=last_month, region_code=provider.region_code, hukou_type="").get(
                "assistance.service.hour_price"
            )
        )
    )
    hours = order.service_hours
    assert (s.orders, s.hours, s.total, s.personal) == (
        1,
        hours,
        (hours * price).quantize(Decimal("0.01")),
        0,
    )
    assert s.lines.get().order_id == order.pk
    page = client.get(f"/homecare/assistance/settlements/{s.pk}/").content.decode()
    assert "特殊困难家庭照护服务" in page and "特殊困难家庭成员" in page and severe.name in page
    # the assistance-services settlement of the same provider and month does not take the care order
    with pytest.raises(ValidationError, match="没有已完成的社会救助服务类"):
        homecare.service_settlement_make(actor=maker, provider=provider, month=last_month)
    with pytest.raises(ValidationError, match="特殊困难家庭照护服务的默认资金来源"):
        homecare.service_settlement_check(actor=checker, settlement=s)
    fund = funded(checker, maker, "10000", name="任城区福彩公益金", source="lottery")
    funds.fund_default_set(actor=checker, programme_code="sf_care", county_code="370811", fund=fund)
    checked = homecare.service_settlement_check(actor=checker, settlement=s)
    assert checked.state == "checked" and checked.fund_entry.fund == fund
    assert (checked.fund_entry.amount, checked.fund_entry.spending_line) == (s.total, "care")
