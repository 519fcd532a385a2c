"""Region isolation: a township clerk sees only that township — by URL, API, search and export."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from minzheng.accounts.models import User
from minzheng.people.selectors import person_search
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B


@pytest.fixture
def two_towns(make_household, make_user):
    mine = make_household(village=VILLAGE_A, size=2)
    theirs = make_household(village=VILLAGE_B, size=2)
    clerk = make_user("township_clerk", TOWN_A)
    return mine, theirs, clerk


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_another_townships_person_and_household_are_404_by_url(two_towns):
    mine, theirs, clerk = two_towns
    c = _client(clerk)
    mine_p = mine.memberships.first().person_id
    theirs_p = theirs.memberships.first().person_id
    assert c.get(f"/people/{mine_p}/").status_code == 200
    assert c.get(f"/households/{mine.pk}/").status_code == 200
    missing = c.get("/people/999999/")
    other = c.get(f"/people/{theirs_p}/")
    assert other.status_code == missing.status_code == 404
    assert c.get(f"/households/{theirs.pk}/").status_code == 404
    assert c.post(f"/people/{theirs_p}/reveal/").status_code == 404


def test_another_townships_person_is_404_by_api_exactly_like_a_missing_one(two_towns):
    _mine, theirs, clerk = two_towns
    c = _client(clerk)
    theirs_p = theirs.memberships.first().person_id
    other = c.get(f"/api/v1/people/{theirs_p}")
    missing = c.get("/api/v1/people/999999")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert c.get(f"/api/v1/people/households/{theirs.pk}").status_code == 404
    listed = c.get("/api/v1/people/").json()
    assert {p["region_code"][:9] for p in listed["items"]} == {TOWN_A}


def test_search_by_full_id_number_does_not_find_another_townships_person(two_towns):
    _, theirs, clerk = two_towns
    person = theirs.memberships.first().person
    assert list(person_search(actor=clerk, q=person.id_number)) == []
    city = User.objects.create(username="city", role="city_officer", region=clerk.region.parent.parent)
    assert list(person_search(actor=city, q=person.id_number)) == [person]
    page = _client(clerk).post("/people/", {"q": person.id_number})
    assert page.status_code == 200
    assert person.id_masked not in page.content.decode()


def test_export_contains_only_the_actors_township(two_towns):
    _mine, _theirs, clerk = two_towns
    response = _client(clerk).post("/people/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    assert {r[5][:9] for r in rows} == {TOWN_A}
    assert TOWN_B not in {r[5][:9] for r in rows}


@pytest.mark.parametrize(
    "mutate",
    [
        lambda u: setattr(u, "region", None),
        lambda u: setattr(u, "role", "mayor"),
        lambda u: setattr(u, "is_active", False),
    ],
)
def test_a_user_with_no_region_unknown_role_or_inactive_sees_nothing(two_towns, mutate):
    _, _, clerk = two_towns
    mutate(clerk)
    assert person_search(actor=clerk).count() == 0


def test_a_city_officer_sees_every_township(two_towns, make_user):
    city = make_user("city_officer", "370800")
    assert person_search(actor=city).count() == 4
