"""The line's pages in one table: who gets them, who is refused, and out of scope is 404."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from minzheng.facilities.models import Facility, Residency
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A

PAGES = [
    "/facilities/",
    "/facilities/figures/",
    "/facilities/grants/",
    "/facilities/adaptations/",
    "/facilities/supervision/",
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("role", "region", "status"),
    [
        ("elderly_officer", TOWN_A[:6], 200),
        ("carer", TOWN_A, 200),
        ("city_officer", "370800", 200),
        ("village_assistant", VILLAGE_A, 403),
        ("child_director", VILLAGE_A, 403),
    ],
)
def test_each_page_is_given_to_its_roles_and_refused_to_others(
    client: Any, make_user: Callable[..., Any], url: str, role: str, region: str, status: int
) -> None:
    client.force_login(make_user(role, region))
    assert client.get(url).status_code == status


def test_the_registration_page_is_only_for_the_elderly_officer(
    client: Any, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("carer", TOWN_A))
    assert client.get("/facilities/new/").status_code == 403


def test_a_facility_and_resident_of_another_county_are_404(
    client: Any, make_user: Callable[..., Any], home: Facility, admit: Callable[..., Residency]
) -> None:
    r = admit()
    client.force_login(make_user("elderly_officer", TOWN_B[:6]))
    assert client.get(f"/facilities/{home.pk}/").status_code == 404
    assert client.get(f"/facilities/resident/{r.pk}/").status_code == 404
    assert (
        client.post(f"/facilities/resident/{r.pk}/record/", {"kind": "daily", "content": "x"}).status_code
        == 404
    )
    assert r.records.count() == 0


def test_an_outsider_cannot_admit_through_a_forged_post(
    client: Any, make_user: Callable[..., Any], home: Facility, make_person: Callable[..., Any]
) -> None:
    person = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1))
    client.force_login(make_user("carer", TOWN_A))
    client.post(
        f"/facilities/{home.pk}/admit/",
        {"id_number": person.id_number, "identity": "tekun", "monthly_fee": "1", "capability_level": "2"},
    )
    assert not Residency.objects.exists()


def test_the_api_lists_only_the_actors_facilities(
    client: Any, make_user: Callable[..., Any], home: Facility
) -> None:
    from minzheng.facilities.services import facility_create

    other = make_user("elderly_officer", TOWN_B[:6])
    facility_create(
        actor=other, name="兖州养老院", kind="nursing_home", operator="甲", address="乙", region_code=TOWN_B
    )
    client.force_login(make_user("city_officer", "370800"))
    assert {f["name"] for f in client.get("/api/v1/facilities/").json()} == {home.name, "兖州养老院"}
    client.force_login(make_user("elderly_officer", TOWN_A[:6]))
    rows = client.get("/api/v1/facilities/").json()
    assert [(f["name"], f["kind_name"]) for f in rows] == [(home.name, "敬老院")]
