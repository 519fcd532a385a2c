from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import funeral as demo
from minzheng.funeral import selectors
from minzheng.funeral.models import Burial, FuneralCase
from tests.conftest import TOWN_A, VILLAGE_A

from .conftest import enrol

OTHER_TOWN_VILLAGE = VILLAGE_A[:6] + "002001"  # another street of the same county


def test_the_demo_seeds_facilities_cases_in_several_steps_and_an_overdue_one(make_user, make_person):
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A, username="xiangzhen")
    make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6], username="shehui")
    today = timezone.localdate()
    for i in range(6):
        p = make_person(village=VILLAGE_A, birth=dt.date(today.year - 85, 1, 1 + i), name=f"老人{i}")
        enrol(p, "high_age", 100)
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "身后一件事5件" in line
    assert sorted(FuneralCase.objects.values_list("state", flat=True)) == sorted(
        ["closed", "closed", "subsidised", "cremated", "certified"]
    )
    assert Burial.objects.count() == 4
    assert selectors.overdue_todo(clerk, today).count == 1
    closed = FuneralCase.objects.filter(state="closed").first()
    assert closed.stops.filter(programme="high_age", action="ended").exists()


def test_the_demo_takes_the_countys_elders_when_the_demo_township_has_too_few(make_user, make_person):
    """A fresh `make run` has a handful of elders per township: the demo draws on the whole county, the
    township's clerk keeps a case of their own (overdue on the 首页), the county officer handles the rest."""
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A, username="xiangzhen")
    officer = make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6], username="shehui")
    today = timezone.localdate()
    make_person(village=VILLAGE_A, birth=dt.date(today.year - 62, 3, 1), name="本镇居民")
    for i in range(5):
        make_person(village=OTHER_TOWN_VILLAGE, birth=dt.date(today.year - 78, 2, 1 + i), name=f"邻镇老人{i}")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=3)
    assert "身后一件事5件" in line, line
    assert FuneralCase.objects.count() == 5 and Burial.objects.count() == 4
    assert selectors.overdue_todo(clerk, today).count == 1
    assert FuneralCase.objects.filter(person__name="本镇居民", state="certified").exists()
    rates = selectors.eco_burial_rates(actor=officer)
    assert sum(r.total for r in rates) == 4 and sum(r.eco for r in rates) >= 1
