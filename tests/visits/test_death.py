"""A death ends the visits line's schedule: the visitor's assignment, the 相约黎明 pair and open referrals."""

from __future__ import annotations

import datetime as dt

from minzheng.people.services import person_record_death
from minzheng.programmes.services import death_effects_apply
from minzheng.visits import selectors as sel
from minzheng.visits import services as svc
from minzheng.visits.models import Pair, VisitorAssignment
from tests.conftest import VILLAGE_A

DIED = dt.date(2026, 8, 10)


def test_the_visitor_assignment_and_the_pair_end_on_the_death_date_once(make_elder, make_user, clerk):
    elder = make_elder()
    cadre = make_user("village_assistant", VILLAGE_A)
    svc.visitor_assign(actor=clerk, elder=elder, kind="village_cadre", visitor=cadre)
    svc.pair_create(
        actor=cadre, elder=elder, frequency="daily", helper_name="邻居张姐", started_on=DIED.replace(day=1)
    )
    person_record_death(actor=clerk, person=elder, death_date=DIED)
    effects = [
        e for e in death_effects_apply(actor=clerk, person=elder, died_on=DIED) if e.line == "探访关爱"
    ]
    assert len(effects) == 2
    a = VisitorAssignment.objects.get(elder=elder)
    assert a.ended_on == DIED and "死亡" in a.end_reason
    assert Pair.objects.get(elder=elder).ended_on == DIED
    assert not sel.pairs(actor=cadre).exists()
    assert not sel.my_month(actor=cadre, month=DIED).exists()
    assert death_effects_apply(actor=clerk, person=elder, died_on=DIED) == []
