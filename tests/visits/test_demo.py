from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.demo.lines.visits import seed
from minzheng.visits import selectors as sel
from minzheng.visits.models import Pair, Visit, VisitorAssignment
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_makes_special_elders_assigns_them_and_records_visits_and_pairs(make_user, make_person):
    make_user("township_clerk", TOWN_A, username="xiangzhen")
    cadre = make_user("village_assistant", VILLAGE_A, username="cunxieli")
    make_user("volunteer", VILLAGE_A, username="zhiyuan")
    for i in range(9):
        make_person(birth=dt.date(1940 + i, 5, 1), name=f"老人{i}")
    make_person(birth=dt.date(1990, 1, 1), name="青年")
    line = seed(actor=system_actor(purpose="测试"), seed=1)
    assert "特殊困难老年人9人" in line
    assert VisitorAssignment.objects.filter(visitor=cadre).count() == 9
    assert Visit.objects.filter(visitor=cadre).exists()
    assert Pair.objects.count() == 6
    assert sel.pairs_silent(actor=cadre, on=timezone.localdate()).count() == 1
