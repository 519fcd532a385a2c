"""A death stops the elder's 12349 orders: open ones end as 已终止 (服务对象死亡), the carer sees it on
their list, the funeral case lists it next to the stopped benefits; a second call changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.homecare import selectors, services
from minzheng.homecare.models import Order, OrderState
from minzheng.people.services import person_record_death
from minzheng.programmes.services import death_effects_apply, death_effects_recorded

from .conftest import serve


def _die(clerk: Any, person: Any) -> dt.date:
    died = timezone.localdate()
    person_record_death(actor=clerk, person=person, death_date=died)
    return died


def test_an_order_in_service_ends_as_terminated_and_shows_so_on_the_carers_list(
    take: Any, make_carer: Any, clerk: Any, elder: Any
) -> None:
    carer = make_carer()
    order = services.order_dispatch(actor=clerk, order=take(), carer=carer)
    order = services.order_check_in(actor=carer.user, order=order, latitude="35.4141", longitude="116.587")
    waiting = take()
    died = _die(clerk, elder)
    effects = death_effects_apply(actor=clerk, person=elder, died_on=died)
    homecare = [e for e in effects if e.line == "居家服务"]
    assert len(homecare) == 2 and all("服务对象死亡" in e.text for e in homecare)
    order.refresh_from_db()
    assert order.state == OrderState.TERMINATED and order.get_state_display() == "已终止"
    assert order.cancel_reason.startswith("服务对象死亡") and order.ended_at is not None
    assert Order.objects.get(pk=waiting.pk).state == OrderState.TERMINATED
    mine = list(selectors.carer_orders(actor=carer.user))
    assert [(o.pk, o.get_state_display()) for o in mine] == [(order.pk, "已终止")]
    assert selectors.todo_carer(carer.user, died).count == 0  # nothing left to do
    assert selectors.order_actions(actor=carer.user, order=order) == []


def test_a_second_call_stops_nothing_and_records_nothing(take: Any, clerk: Any, elder: Any) -> None:
    take()
    died = _die(clerk, elder)
    first = death_effects_apply(actor=clerk, person=elder, died_on=died)
    audits = AuditLog.objects.count()
    assert death_effects_apply(actor=clerk, person=elder, died_on=died) == []
    assert AuditLog.objects.count() == audits
    assert death_effects_recorded(person=elder) == first


def test_an_order_served_before_the_death_is_still_confirmed_and_settled_not_terminated(
    take: Any, make_carer: Any, clerk: Any, elder: Any
) -> None:
    carer = make_carer()
    done = serve(take(), clerk, carer)
    died = _die(clerk, elder)
    death_effects_apply(actor=clerk, person=elder, died_on=died)
    done.refresh_from_db()
    assert done.state == OrderState.CONFIRMED


def test_the_carers_list_hides_an_order_terminated_more_than_a_week_ago(
    take: Any, make_carer: Any, clerk: Any, elder: Any
) -> None:
    carer = make_carer()
    order = services.order_dispatch(actor=clerk, order=take(), carer=carer)
    death_effects_apply(actor=clerk, person=elder, died_on=_die(clerk, elder))
    Order.objects.filter(pk=order.pk).update(ended_at=timezone.now() - selectors.ENDED_SHOWN * 2)
    assert list(selectors.carer_orders(actor=carer.user)) == []


def test_the_funeral_stop_ends_the_order_and_the_case_page_and_receipt_list_it(
    take: Any, make_carer: Any, clerk: Any, elder: Any, make_user: Any
) -> None:
    from django.test import Client

    from minzheng.funeral.services import facility_create, funeral_benefits_stop
    from tests.funeral.conftest import open_case, through_subsidy

    officer = make_user("social_affairs_officer", elder.region_code[:6])
    home = facility_create(
        actor=officer,
        name="任城区殡仪馆",
        kind="funeral_home",
        level="county",
        region_code=elder.region_code[:6],
    )
    order = services.order_dispatch(actor=clerk, order=take(), carer=make_carer())
    case = through_subsidy(clerk, open_case(clerk, elder), home)
    case = funeral_benefits_stop(actor=clerk, case=case)
    assert Order.objects.get(pk=order.pk).state == OrderState.TERMINATED
    c = Client()
    c.force_login(clerk)
    for url in (f"/funeral/{case.pk}/", f"/funeral/{case.pk}/letter/receipt/"):
        html = c.get(url).content.decode()
        assert 'id="funeral-services"' in html and order.number in html and "服务对象死亡" in html


def test_a_service_delivered_at_the_door_after_a_date_is_later_activity_and_one_before_is_not(
    take: Any, make_carer: Any, clerk: Any, elder: Any
) -> None:
    from minzheng.programmes.services import activity_after

    order = serve(take(), clerk, make_carer())
    served_on = timezone.localtime(order.check_in_at).date()
    later = activity_after(person=elder, after=served_on - dt.timedelta(days=1))
    assert any(f"{served_on:%Y年%m月%d日}接受居家上门服务（工单{order.number}）" in line for line in later)
    assert not any("居家上门服务" in line for line in activity_after(person=elder, after=served_on))
