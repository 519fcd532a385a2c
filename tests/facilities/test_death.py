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


def _outings_count(actor):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from minzheng.web.selectors import home_todos

    todos = home_todos(actor=actor, on=timezone.localdate())
    return next(t.count for t in todos if t.key == "facilities.outings")


def test_a_dead_elders_pending_outing_is_ended_and_leaves_the_officers_home_page(
    admit, officer, carer, client
):
    from minzheng.facilities.models import Outing
    from minzheng.facilities.services import outing_request

    stay = admit()
    outing = outing_request(
        actor=carer,
        residency=stay,
        reason="家属接回探亲",
        leave_on=dt.date(2026, 8, 9),
        return_by=dt.date(2026, 8, 12),
    )
    assert _outings_count(officer) == 1
    person_record_death(actor=officer, person=stay.person, death_date=DIED)
    effects = death_effects_apply(actor=officer, person=stay.person, died_on=DIED)
    assert any("外出申请" in e.what and "老人死亡" in e.text for e in effects)
    outing.refresh_from_db()
    assert outing.get_state_display() == "已终止（老人死亡）"
    assert _outings_count(officer) == 0
    client.force_login(officer)
    assert "家属接回探亲" not in client.get("/").content.decode()
    assert Outing.objects.filter(state="requested").count() == 0
