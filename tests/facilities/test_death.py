"""A resident's death discharges the stay on the death date with reason 死亡, once."""

from __future__ import annotations

import datetime as dt

from minzheng.facilities.models import Residency
from minzheng.people.services import person_record_death
from minzheng.programmes.services import death_effects_apply

DIED = dt.date(2026, 8, 10)


def test_the_open_stay_is_discharged_with_reason_death_on_the_death_date(admit, officer):
    stay = admit()
    person_record_death(actor=officer, person=stay.person, death_date=DIED)
    effects = death_effects_apply(actor=officer, person=stay.person, died_on=DIED)
    assert [e.line for e in effects if e.line == "养老机构"] == ["养老机构"]
    stay = Residency.objects.get(pk=stay.pk)
    assert (stay.discharged_on, stay.discharge_reason) == (DIED, "死亡")
    assert death_effects_apply(actor=officer, person=stay.person, died_on=DIED) == []
