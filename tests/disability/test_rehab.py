"""Community rehabilitation (enrol, attendance, leave) and assistive-device rental (stock, loan, return,
the overdue to-do), through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minzheng.disability import selectors, services
from minzheng.disability.models import DeviceStock, DeviceType, RehabSite
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A

D = dt.date(2026, 3, 2)


def test_a_site_takes_people_up_to_its_capacity_marks_days_and_lets_them_leave(make_person, make_user):
    clerk = make_user("township_clerk", TOWN_A)
    site = RehabSite.objects.create(name="仙营康复站", region_code=VILLAGE_A, capacity=1)
    a, b = make_person(village=VILLAGE_A), make_person(village=VILLAGE_A)
    e = services.rehab_enrol(actor=clerk, site=site, person=a, start_date=D)
    with pytest.raises(ValidationError, match="满员"):
        services.rehab_enrol(actor=clerk, site=site, person=b, start_date=D)
    services.rehab_attendance_mark(actor=clerk, enrolment=e, day=D, mark="present")
    services.rehab_attendance_mark(actor=clerk, enrolment=e, day=D, mark="leave")
    assert [x.mark for x in e.days.all()] == ["leave"]
    with pytest.raises(ValidationError, match="在站期间"):
        services.rehab_attendance_mark(actor=clerk, enrolment=e, day=D - dt.timedelta(days=1), mark="present")
    services.rehab_leave(
        actor=clerk, enrolment=e, end_date=D + dt.timedelta(days=30), reason="病情稳定回归家庭"
    )
    assert services.rehab_enrol(actor=clerk, site=site, person=b, start_date=D).pk
    with pytest.raises(ValidationError):
        services.rehab_enrol(actor=make_user("township_clerk", TOWN_B), site=site, person=b, start_date=D)


def test_a_loan_takes_one_off_stock_its_return_puts_it_back_and_overdue_loans_are_a_todo(
    make_person, make_user
):
    clerk = make_user("township_clerk", TOWN_A)
    site = RehabSite.objects.create(name="仙营服务点", region_code=VILLAGE_A, capacity=10)
    chair = DeviceType.objects.create(name="轮椅", loan_days=90)
    stock = DeviceStock.objects.create(site=site, device=chair, on_hand=1)
    person = make_person(village=VILLAGE_A, name="借轮椅人")
    loan = services.device_lend(actor=clerk, stock=stock, person=person, lent_on=D)
    assert loan.due_on == D + dt.timedelta(days=90)
    with pytest.raises(ValidationError, match="已无库存"):
        services.device_lend(actor=clerk, stock=stock, person=person, lent_on=D)
    later = D + dt.timedelta(days=91)
    todo = selectors.overdue_todo(clerk, later)
    assert todo.count == 1 and "借轮椅人" in todo.items[0].label
    assert selectors.overdue_todo(make_user("township_clerk", TOWN_B), later).count == 0
    services.device_return(actor=clerk, loan=loan, returned_on=later)
    stock.refresh_from_db()
    assert stock.on_hand == 1 and selectors.overdue_todo(clerk, later).count == 0
    with pytest.raises(ValidationError, match="已归还"):
        services.device_return(actor=clerk, loan=loan, returned_on=later)
