"""The line's demo module seeds a station with stays (one overdue, one repeat wandering), a tracing case
whose planted match is the first suggestion, ledgers half visited and patrols, through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import vagrants as demo
from minzheng.vagrants import selectors
from minzheng.vagrants.models import Patrol, Stay, Tracing
from tests.conftest import VILLAGE_A


def test_the_demo_seeds_stays_a_tracing_match_ledgers_and_patrols(make_user, make_person):
    officer = make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6], username="shehui")
    village = make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A, username="cunxieli")
    for i in range(14):
        make_person(
            village=VILLAGE_A, birth=dt.date(1950 + i, 3, 1), sex="M" if i % 2 else "F", name=f"居民{i}号"
        )
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "寻亲1件" in line
    assert Stay.objects.count() == 6
    today = timezone.localdate()
    assert selectors.overdue_stays(actor=officer).count() == 1
    assert selectors.alerts_todo(officer, today).count == 2
    tracing = Tracing.objects.get()
    best = selectors.tracing_candidates(tracing=tracing)[0]
    assert best.person.name == tracing.claimed_name
    assert selectors.visits_todo(village, today).count == 3  # 4 at risk + 1 returned, 2 visited
    assert Patrol.objects.count() == 3
    assert demo.seed(actor=system_actor(purpose="测试"), seed=7).endswith("跳过")
