"""The line's demo module seeds cases in several states and an adoption through the line's services."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import protection as demo
from minzheng.protection.models import Adoption, ProtectionCase
from minzheng.protection.selectors import protection_todo
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_seeds_cases_in_several_states_one_overdue_and_a_certified_adoption(make_user, make_person):
    director = make_user(Role.CHILD_DIRECTOR, VILLAGE_A, username="ertongzhuren")
    make_user(Role.CHILD_SUPERVISOR, TOWN_A, username="dudao")
    make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6], username="ertong")
    today = timezone.localdate()
    for i in range(7):
        make_person(village=VILLAGE_A, birth=dt.date(today.year - 8, 1, 1 + i), name=f"儿童{i}")
    make_person(village=VILLAGE_A, birth=dt.date(today.year - 2, 3, 1), name="幼儿")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "5件个案" in line
    states = sorted(ProtectionCase.objects.values_list("state", flat=True))
    assert states == sorted(["closed", "following", "planned", "assessed", "reported"])
    assert Adoption.objects.get().state == "certified"
    assert protection_todo(director, today).count == 1


def test_a_village_with_few_children_takes_the_townships_and_the_supervisor_has_every_case(
    make_user, make_person
):
    make_user(Role.CHILD_DIRECTOR, VILLAGE_A, username="ertongzhuren")
    supervisor = make_user(Role.CHILD_SUPERVISOR, TOWN_A, username="dudao")
    make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6], username="ertong")
    today = timezone.localdate()
    for i in range(2):
        make_person(village=VILLAGE_A, birth=dt.date(today.year - 8, 1, 1 + i), name=f"本村儿童{i}")
    for i in range(4):
        make_person(village=TOWN_A + "002", birth=dt.date(today.year - 9, 2, 1 + i), name=f"邻村儿童{i}")
    assert "5件个案" in demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert ProtectionCase.objects.filter(assignments__user=supervisor).distinct().count() == 5
    assert protection_todo(supervisor, today).count == 1


def test_a_township_with_few_children_takes_the_countys_and_the_supervisor_has_his_townships_cases(
    make_user, make_person
):
    """The walk: a fresh demo seeded no case (演示乡镇儿童不足，跳过). The county makes up the five; the
    township's cases are assigned to its supervisor, the others are the county officer's."""
    make_user(Role.CHILD_DIRECTOR, VILLAGE_A, username="ertongzhuren")
    supervisor = make_user(Role.CHILD_SUPERVISOR, TOWN_A, username="dudao")
    officer = make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6], username="ertong")
    today = timezone.localdate()
    make_person(village=TOWN_A + "002", birth=dt.date(today.year - 9, 2, 1), name="邻村儿童")
    make_person(village=TOWN_A + "003", birth=dt.date(today.year - 12, 2, 1), name="本镇儿童")
    for i in range(4):
        make_person(
            village=VILLAGE_A[:6] + "002001", birth=dt.date(today.year - 10, 3, 1 + i), name=f"外镇{i}"
        )
    make_person(village=VILLAGE_A[:6] + "002001", birth=dt.date(today.year - 1, 3, 1), name="外镇幼儿")
    assert "5件个案" in demo.seed(actor=system_actor(purpose="测试"), seed=7)
    cases = ProtectionCase.objects.all()
    assert cases.count() == 5
    theirs = {c.pk for c in cases if c.region_code.startswith(TOWN_A)}
    assert len(theirs) == 2
    assert set(cases.filter(assignments__user=supervisor).values_list("pk", flat=True)) == theirs
    c = Client()
    c.force_login(supervisor)
    listing = c.get("/protection/").content.decode()
    for pk in theirs:
        assert f'href="/protection/{pk}/"' in listing
        assert c.get(f"/protection/{pk}/").status_code == 200
    assert protection_todo(officer, today).count == 1
