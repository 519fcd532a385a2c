"""The line's demo module seeds a station with stays in every state (overdue, in outside care, returned,
referred, repeat wandering), a tracing case with a photo whose planted match is the first suggestion,
ledgers half visited, winter patrols and a repeat-wandering rate, through the services; it takes people from
the county and never one another line already uses."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import vagrants as demo
from minzheng.people.models import UnidentifiedRecord
from minzheng.vagrants import selectors
from minzheng.vagrants.models import LedgerEntry, LedgerVisit, Patrol, Placement, Stay, Tracing
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
    assert Stay.objects.count() == 8
    assert set(Stay.objects.values_list("state", flat=True)) == {"in_station", "outside", "exited"}
    assert set(Stay.objects.exclude(exit_kind="").values_list("exit_kind", flat=True)) == {
        "escorted",
        "returned",
        "facility",
    }
    assert Placement.objects.get().visits.exists()
    today = timezone.localdate()
    assert selectors.overdue_stays(actor=officer).count() == 1
    assert selectors.alerts_todo(officer, today).count == 2
    tracing = Tracing.objects.get()
    best = selectors.tracing_candidates(tracing=tracing)[0]
    assert best.person.name == tracing.claimed_name
    assert selectors.visits_todo(village, today).count == 3  # 4 at risk + 1 returned, 2 visited
    assert UnidentifiedRecord.objects.get(person=tracing.stay.person).photo
    assert Patrol.objects.filter(campaign="winter").count() == 2
    assert set(LedgerEntry.objects.values_list("kind", flat=True)) == {"at_risk", "returned"}
    assert LedgerVisit.objects.filter(entry__kind="returned").exists()
    if today.timetuple().tm_yday > 40:  # the repeat wandering lies within this year
        (row,) = selectors.repeat_rate(actor=officer, year=today.year)
        assert (row["returned"], row["repeated"]) == (2, 1)
    assert demo.seed(actor=system_actor(purpose="测试"), seed=7).endswith("跳过")


def test_the_demo_takes_people_from_the_county_and_leaves_those_another_line_uses(make_user, make_person):
    """The demo village alone may be too small (the fresh-clone walk skipped the line): the county's
    adults are taken, but never one an elderly assessment, a funeral case or an enrolment names."""
    from minzheng.benefits.services import enrolment_create
    from tests.conftest import VILLAGE_B

    make_user(Role.SOCIAL_AFFAIRS_OFFICER, VILLAGE_A[:6], username="shehui")
    make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A, username="cunxieli")
    town_b = "370811002001"
    people = [make_person(village=VILLAGE_A, birth=dt.date(1970, 1, 1), name=f"本村{i}号") for i in range(4)]
    people += [
        make_person(village=town_b, birth=dt.date(1975 + i, 1, 1), name=f"外村{i}号") for i in range(12)
    ]
    used = people[0]
    enrolment_create(
        actor=None,
        programme="high_age",
        person=used,
        household=None,
        amount=100,
        first_month=timezone.localdate().replace(day=1),
    )
    make_person(village=VILLAGE_B, birth=dt.date(1970, 1, 1), name="外县")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=3)
    assert "跳过" not in line
    named = set(Stay.objects.values_list("person_id", flat=True)) | set(
        LedgerEntry.objects.values_list("person_id", flat=True)
    )
    assert used.pk not in named
    assert not Stay.objects.filter(person__region_code__startswith=VILLAGE_B[:6]).exists()
