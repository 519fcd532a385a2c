from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.models import Role, User
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import governance as demo
from minzheng.governance import selectors
from minzheng.governance.models import ExperimentalZone, Incident, Placement
from minzheng.people.models import Person
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_gives_the_grid_worker_households_and_incidents_the_township_can_handle(
    db, make_user, make_household
):
    for _ in range(6):
        make_household(village=VILLAGE_A)
    make_household(village="370811001002")  # a smaller community of the same street
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A, username="xiangzhen")
    make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A, username="cunxieli")
    # the demo grid worker starts in a grid of another street: the demo moves them to the township's
    # community with the most households
    make_user(Role.GRID_WORKER, "370811002001001", username="wangge")
    make_user(Role.SYSADMIN, "370800", username="admin")
    make_user(Role.COUNTY_OFFICER, "370811", username="xianji")
    make_user(Role.CITY_OFFICER, "370800", username="shiji")
    people = Person.objects.count()
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "基层治理" in line and "未生成" not in line
    wangge = User.objects.get(username="wangge")
    assert wangge.region.code.startswith(VILLAGE_A)
    assert selectors.grid_households(actor=wangge).count() == 4  # two thirds of the community's six
    assert Person.objects.count() == people  # the demo registers nobody
    assert Placement.objects.exclude(grid_code=wangge.region.code).exists()  # the neighbouring grids
    assert sorted(Incident.objects.values_list("state", flat=True)) == sorted(
        ["closed", "closed", "handled", "accepted", "reported"]
    )
    today = timezone.localdate()
    assert selectors.overdue_todo(clerk, today).count == 1
    assert selectors.readable_incidents(wangge).count() == 5
    assert ExperimentalZone.objects.count() == 2
    c = Client()
    c.force_login(wangge)
    assert "gov-households" in c.get(reverse("governance-grid")).content.decode()
