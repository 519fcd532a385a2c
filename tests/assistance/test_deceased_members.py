"""A deceased member stays on the household's books (the registry keeps the record) but is neither
counted as a living member nor asked for income at intake; pages that list members mark the dead 已故."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from minzheng.accounts.system import system_actor
from minzheng.assistance.models import Application
from minzheng.people.selectors import household_members
from minzheng.people.services import person_record_death
from tests.conftest import TOWN_A


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def household_with_a_death(make_household):
    hh = make_household(size=3)
    dead = hh.memberships.exclude(relation="head").order_by("id").first().person
    person_record_death(actor=system_actor(purpose="测试数据"), person=dead, death_date=dt.date(2025, 3, 1))
    return hh, dead


def test_living_only_members_leave_out_the_deceased(household_with_a_death):
    hh, dead = household_with_a_death
    assert dead.pk in {m.person_id for m in household_members(household=hh)}
    living = household_members(household=hh, living_only=True)
    assert dead.pk not in {m.person_id for m in living}
    assert living.count() == 2


def test_the_dibao_intake_form_does_not_ask_for_a_deceased_members_income(household_with_a_death, make_user):
    hh, dead = household_with_a_death
    clerk = _client(make_user("township_clerk", TOWN_A))
    page = clerk.get(f"/assistance/new/{hh.pk}/").content.decode()
    assert f"monthly_wage_{dead.pk}" not in page
    alive = [m.person_id for m in hh.memberships.filter(person__is_alive=True)]
    assert f"monthly_wage_{alive[0]}" in page


def test_a_deceased_member_posted_to_the_intake_is_refused_and_nothing_is_saved(
    household_with_a_death, make_user
):
    hh, _dead = household_with_a_death
    clerk = _client(make_user("township_clerk", TOWN_A))
    ids = [m.person_id for m in hh.memberships.order_by("id")]
    r = clerk.post(
        f"/assistance/new/{hh.pk}/",
        {"programme": "dibao", "member": ids, "financial": "0", "residential_properties": "1"},
    )
    assert r.status_code == 200
    assert "成员信息不正确" in r.content.decode()
    assert not Application.objects.exists()


def test_the_household_page_counts_the_living_and_marks_the_dead(household_with_a_death, make_user):
    hh, _dead = household_with_a_death
    clerk = _client(make_user("township_clerk", TOWN_A))
    page = clerk.get(f"/households/{hh.pk}/").content.decode()
    assert '<dd id="living-count">2</dd>' in page
    assert "已故" in page
