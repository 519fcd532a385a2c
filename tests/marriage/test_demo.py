"""The line's demo module books, registers and opens a cooling-off period through the line's services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import marriage as demo
from minzheng.marriage.models import Appointment, RegistryOffice
from tests.conftest import VILLAGE_A


def test_the_demo_seeds_a_graded_office_with_bookings_a_cancellation_and_a_rebooking(make_user, make_person):
    make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6], username="shehui")
    today = timezone.localdate()
    for i in range(12):
        make_person(birth=dt.date(today.year - 30, 1, 1 + i), sex="M", name=f"男{i}")
        make_person(birth=dt.date(today.year - 28, 2, 1 + i), sex="F", name=f"女{i}")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=3)
    assert "5A" in line
    assert RegistryOffice.objects.get().grade == "5A"
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"booked", "cancelled"} <= statuses
    assert Appointment.objects.filter(rebooked_from__isnull=False).count() == 1
    assert Appointment.objects.filter(party_b__basis="permit").count() == 1
