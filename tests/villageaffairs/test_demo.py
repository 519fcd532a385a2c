"""The line's demo module fills the demo township's villages: cunxieli's village complete last month and
two items short this month, a correction with its history, questions open, answered and closed."""

from __future__ import annotations

from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import villageaffairs as demo
from minzheng.regions.models import Region
from minzheng.villageaffairs import selectors
from minzheng.villageaffairs.models import (
    DisclosureRevision,
    Finding,
    FindingState,
    Matter,
    Question,
    QuestionState,
)
from minzheng.villageaffairs.periods import period_of, previous_period
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_seeds_a_complete_and_an_incomplete_period_and_questions_in_every_state(make_user):
    make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A, username="cunxieli")
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A, username="xiangzhen")
    make_user(Role.TOWNSHIP_APPROVER, TOWN_A, username="shenpi")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "村务公开" in line
    village = Region.objects.get(code=VILLAGE_A)
    this = period_of(timezone.localdate())
    assert selectors.village_period(village=village, period=previous_period(this))["complete"]
    assert selectors.village_period(village=village, period=this)["missing"] == 2
    assert DisclosureRevision.objects.filter(number=2, reason__gt="").exists()
    states = set(Question.objects.values_list("state", flat=True))
    assert states == set(QuestionState.values)
    rates = selectors.completeness(actor=clerk, period=previous_period(this))["township"]
    assert 0 < rates[0].published < rates[0].expected
    assert selectors.villages_missing(actor=clerk, period=this).exists()
    assert Finding.objects.filter(state=FindingState.RECTIFIED).count() == 1
    assert Matter.objects.get().state == "consulted"
    # run twice (setup_demo on an existing city) adds nothing
    before = DisclosureRevision.objects.count()
    assert "已存在" in demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert DisclosureRevision.objects.count() == before
