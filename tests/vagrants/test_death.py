"""A death closes the person's 244 ledger entry: no more monthly visits fall due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.people.services import person_record_death
from minzheng.programmes.services import death_effects_apply
from minzheng.vagrants import selectors, services
from minzheng.vagrants.models import LedgerEntry
from tests.conftest import VILLAGE_A


def test_the_ledger_entry_is_closed_and_leaves_the_visit_todo(staff, make_person):
    person = make_person(village=VILLAGE_A, birth=dt.date(1950, 1, 1), name="孙大爷")
    entry = services.ledger_add(actor=staff["officer"], person=person, kind="at_risk", risk="dementia")
    today = timezone.localdate()
    assert selectors.visits_todo(staff["village"], today).count == 1
    person_record_death(actor=staff["officer"], person=person, death_date=today)
    effects = death_effects_apply(actor=staff["officer"], person=person, died_on=today)
    assert [e.line for e in effects if e.line == "流浪救助"] == ["流浪救助"]
    assert not LedgerEntry.objects.get(pk=entry.pk).active
    assert selectors.visits_todo(staff["village"], today).count == 0
    assert death_effects_apply(actor=staff["officer"], person=person, died_on=today) == []
