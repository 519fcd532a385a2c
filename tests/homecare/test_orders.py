from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.audit.models import AuditLog
from minzheng.homecare import selectors, services
from minzheng.homecare.models import Order, OrderState, ServiceItem

from .conftest import serve


def test_the_catalogue_holds_the_28_xiashan_items_with_chinese_names_units_and_dated_prices(db: Any) -> None:
    items = ServiceItem.objects.all()
    assert items.count() == 28
    assert {i.unit for i in items} == {"次", "小时"}
    assert all(i.effective_from and i.price > 0 and "《" in i.source for i in items)
    assert "协助更衣" in {i.name for i in items}


def test_dispatch_proposes_only_carers_within_the_policy_radius_nearest_first(
    take: Any, make_carer: Any, django_assert_max_num_queries: Any
) -> None:
    near = make_carer(1.0, "近")
    nearer = make_carer(0.2, "更近")
    make_carer(3.5, "远")
    order = take()
    with django_assert_max_num_queries(2):
        found = list(selectors.dispatch_candidates(order=order))
    assert [c.pk for c in found] == [nearer.pk, near.pk]
    assert abs(found[1].distance_km - 1.0) < 0.01


def test_an_order_is_taken_dispatched_checked_in_and_out_and_confirmed_with_the_code(
    take: Any, make_carer: Any, clerk: Any
) -> None:
    carer = make_carer()
    order = take()
    assert [a.code for a in selectors.order_actions(actor=clerk, order=order)] == ["dispatch", "cancel"]
    order = serve(order, clerk, carer)
    assert order.state == OrderState.CONFIRMED
    assert order.confirmed_how == "老人或家属报确认码"
    assert order.check_in_lat == Decimal("35.414100") and order.check_out_lat is None
    assert AuditLog.objects.filter(target_type="homecare_order", target_id=str(order.pk)).count() == 5


def test_a_carer_cannot_check_in_an_order_dispatched_to_another_carer(
    take: Any, make_carer: Any, clerk: Any
) -> None:
    mine, other = make_carer(), make_carer(0.5)
    order = services.order_dispatch(actor=clerk, order=take(), carer=mine)
    with pytest.raises(ValidationError, match="不是派给您的订单"):
        services.order_check_in(actor=other.user, order=order, latitude="35.4", longitude="116.5")
    assert selectors.order_actions(actor=other.user, order=order) == []


def test_check_in_without_a_position_needs_a_chinese_reason_and_changes_nothing(
    take: Any, make_carer: Any, clerk: Any
) -> None:
    carer = make_carer()
    order = services.order_dispatch(actor=clerk, order=take(), carer=carer)
    with pytest.raises(ValidationError, match="未能取得定位"):
        services.order_check_in(actor=carer.user, order=order)
    assert Order.objects.get(pk=order.pk).state == OrderState.DISPATCHED


def test_a_wrong_confirmation_code_is_refused_and_the_operator_can_record_a_phone_confirmation(
    take: Any, make_carer: Any, clerk: Any
) -> None:
    carer = make_carer()
    order = services.order_dispatch(actor=clerk, order=take(), carer=carer)
    order = services.order_check_in(actor=carer.user, order=order, latitude="35.4141", longitude="116.587")
    order = services.order_check_out(actor=carer.user, order=order, latitude="35.4141", longitude="116.587")
    wrong = "0000" if order.confirm_code != "0000" else "1111"
    with pytest.raises(ValidationError, match="确认码不正确"):
        services.order_confirm(actor=carer.user, order=order, code=wrong)
    order = services.order_confirm(actor=clerk, order=order)
    assert order.confirmed_how == "话务员电话回访确认"


def test_a_carer_outside_the_radius_cannot_be_dispatched(take: Any, make_carer: Any, clerk: Any) -> None:
    far = make_carer(4.0)
    with pytest.raises(ValidationError, match="服务半径"):
        services.order_dispatch(actor=clerk, order=take(), carer=far)


def test_another_townships_clerk_cannot_take_an_order_for_the_elder(make_user: Any, elder: Any) -> None:
    other = make_user("township_clerk", "370812001")
    with pytest.raises(ValidationError):
        services.order_take(
            actor=other, person=elder, item_code="JJ01", quantity=Decimal(1), scheduled_at=elder.created_at
        )
    assert Order.objects.count() == 0


def test_loading_the_catalogue_again_adds_nothing_and_a_flushed_table_is_refilled(db: Any) -> None:
    from minzheng.accounts.system import system_actor

    assert services.catalogue_load(actor=system_actor(purpose="测试")) == 0
    ServiceItem.objects.all().delete()
    assert services.catalogue_load(actor=system_actor(purpose="测试")) == 28


def test_a_position_of_zero_zero_is_no_position_and_needs_a_note(
    take: Any, make_carer: Any, clerk: Any
) -> None:
    carer = make_carer()
    order = services.order_dispatch(actor=clerk, order=take(), carer=carer)
    with pytest.raises(ValidationError, match="签到说明"):
        services.order_check_in(actor=carer.user, order=order, latitude="0", longitude="0")
    assert Order.objects.get(pk=order.pk).state == OrderState.DISPATCHED
    done = services.order_check_in(
        actor=carer.user, order=order, latitude="0", longitude="0", note="定位失败"
    )
    assert done.state == OrderState.SERVING and done.check_in_lat is None
