"""A death closes the person's 244 ledger entry: no more monthly visits fall due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.funeral.models import FuneralCase
from minzheng.people.services import person_record_death
from minzheng.programmes.services import death_effects_apply
from minzheng.vagrants import selectors, services
from minzheng.vagrants.models import LedgerEntry
from tests.conftest import TOWN_A, VILLAGE_A


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


def _open_funeral(make_user, person, died):
    from minzheng.funeral.services import funeral_case_open

    return funeral_case_open(
        actor=make_user(Role.TOWNSHIP_CLERK, TOWN_A),
        person=person,
        death_date=died,
        death_place="家中",
        certificate_number="J370811202600888",
        family_name="孙小二",
        family_relation="儿子",
    )


def test_a_death_date_before_a_244_ledger_visit_is_refused_naming_the_visit(staff, make_person, make_user):
    person = make_person(village=VILLAGE_A, birth=dt.date(1950, 1, 1), name="孙大爷")
    today = timezone.localdate()
    entry = services.ledger_add(
        actor=staff["officer"],
        person=person,
        kind="at_risk",
        risk="dementia",
        since=today - dt.timedelta(days=30),
    )
    visited = today - dt.timedelta(days=4)
    services.ledger_visit(actor=staff["village"], entry=entry, visited_on=visited, at_home=True)
    with pytest.raises(ValidationError, match=rf"流浪救助：{visited:%Y年%m月%d日}244台账走访"):
        _open_funeral(make_user, person, today - dt.timedelta(days=10))
    person.refresh_from_db()
    assert person.is_alive and not FuneralCase.objects.exists()
    assert _open_funeral(make_user, person, visited).person == person  # the visit's own day is not later


def test_a_death_date_before_a_patrol_finding_a_stays_intake_and_exit_is_refused(
    staff, station, make_person, make_user
):
    person = make_person(village=VILLAGE_A, birth=dt.date(1960, 3, 1), name="周流浪")
    today = timezone.localdate()
    found = today - dt.timedelta(days=6)
    stay = services.stay_intake(
        actor=staff["officer"],
        station=station,
        found_by="patrol",
        found_place="火车站广场",
        found_at=timezone.make_aware(dt.datetime.combine(found, dt.time(22, 0))),
        intake_on=found + dt.timedelta(days=1),
        id_number=person.id_number,
    )
    with pytest.raises(ValidationError) as refused:
        _open_funeral(make_user, person, today - dt.timedelta(days=20))
    text = refused.value.messages[0]
    assert (
        f"{found:%Y年%m月%d日}街面巡查发现" in text
        and f"{stay.intake_on:%Y年%m月%d日}入任城区救助管理站" in text
    )
    services.stay_exit(actor=staff["officer"], stay=stay, kind="left", on=today - dt.timedelta(days=2))
    with pytest.raises(
        ValidationError, match=rf"{today - dt.timedelta(days=2):%Y年%m月%d日}离开任城区救助管理站"
    ):
        _open_funeral(make_user, person, today - dt.timedelta(days=3))
    assert not FuneralCase.objects.exists()
