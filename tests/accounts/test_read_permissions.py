"""People, cases and alerts are read by the civil-affairs staff of the region only: a carer, a volunteer,
an organisation's filer and the system admin find no one, even inside their region (walk of issue 13)."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from minzheng.assistance.selectors import application_list
from minzheng.monitoring.selectors import alert_worklist
from minzheng.people.selectors import person_get_for_actor, person_search
from tests.conftest import TOWN_A, VILLAGE_A

OUTSIDERS = [("carer", TOWN_A), ("volunteer", VILLAGE_A), ("org_filer", TOWN_A[:6]), ("sysadmin", TOWN_A[:6])]


@pytest.mark.parametrize(("role", "region"), OUTSIDERS)
def test_roles_outside_case_work_find_no_one_and_open_no_record(role, region, make_user, make_person):
    person = make_person()
    outsider = make_user(role, region)
    assert not person_search(actor=outsider, q="").exists()
    with pytest.raises(Http404):
        person_get_for_actor(actor=outsider, person_id=person.pk)
    assert not application_list(actor=outsider).exists()
    assert not alert_worklist(actor=outsider).exists()


def test_a_clerk_and_the_new_lines_staff_still_read_people_of_their_region(make_user, make_person):
    person = make_person()
    staff = (("township_clerk", TOWN_A), ("elderly_officer", TOWN_A[:6]), ("grid_worker", TOWN_A))
    for role, region in staff:
        assert person_get_for_actor(actor=make_user(role, region), person_id=person.pk) == person


def test_an_outsider_gets_a_404_for_a_person_page_and_no_search_in_the_navigation(make_user, make_person):
    person = make_person()
    filer = make_user("org_filer", TOWN_A[:6])
    c = Client()
    c.force_login(filer)
    assert c.get(f"/people/{person.pk}/").status_code == 404
    home = c.get("/").content.decode()
    assert "人员检索" not in home and "社会救助" not in home and "尚未分配角色" not in home


def test_the_new_lines_offices_open_their_rosters(make_user):
    c = Client()
    c.force_login(make_user("elderly_officer", TOWN_A[:6]))
    assert c.get("/elderly/").status_code == 200
    c.force_login(make_user("child_welfare_officer", TOWN_A[:6]))
    assert c.get("/children/").status_code == 200
