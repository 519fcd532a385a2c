"""A death closes the elder's file: no assessment falls due, a pending subsidy application is closed."""

from __future__ import annotations

import datetime as dt

from minzheng.elderly.models import ElderProfile
from minzheng.elderly.selectors import assessment_overdue
from minzheng.people.services import person_record_death
from minzheng.programmes.services import death_effects_apply
from tests.conftest import TOWN_A

DIED = dt.date(2026, 8, 10)


def test_the_profile_is_marked_and_its_old_assessment_no_longer_falls_due(make_person, make_user):
    clerk = make_user("township_clerk", TOWN_A)
    person = make_person(birth=dt.date(1940, 1, 1), name="赵奶奶")
    profile = ElderProfile.objects.create(
        person=person,
        region_code=person.region_code,
        capability_level=3,
        capability_assessed_on=dt.date(2024, 1, 1),
    )
    assert assessment_overdue(profile, DIED)
    person_record_death(actor=clerk, person=person, death_date=DIED)
    effects = [e for e in death_effects_apply(actor=clerk, person=person, died_on=DIED) if e.line == "老年人"]
    assert [e.what for e in effects] == ["老年人档案"]
    profile.refresh_from_db()
    assert profile.died_on == DIED and not assessment_overdue(profile, DIED)
    assert death_effects_apply(actor=clerk, person=person, died_on=DIED) == []


def test_a_pending_subsidy_closed_by_the_death_shows_why_on_its_page(make_person, make_user):
    """The walk saw a subsidy 不予批准 after the death with only ✗ under 审批依据: the reason was stored as a
    bare string the page could not read."""
    from django.test import Client
    from django.urls import reverse

    from minzheng.elderly.services import subsidy_apply

    clerk = make_user("township_clerk", TOWN_A)
    person = make_person(birth=dt.date(1940, 1, 1), name="钱爷爷")
    app = subsidy_apply(actor=clerk, person=person)
    person_record_death(actor=clerk, person=person, death_date=DIED)
    death_effects_apply(actor=clerk, person=person, died_on=DIED)
    app.refresh_from_db()
    assert app.status == "refused"
    officer = make_user("elderly_officer", TOWN_A[:6])
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("elderly-subsidy", args=[app.pk])).content.decode()
    assert "申请人已于2026-08-10死亡，终止办理" in page
