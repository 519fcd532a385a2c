"""Out of scope reads as missing: another county's condolence list, tekun file and family members."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.specialfamilies import selectors, services

from .conftest import certify, enrol, member, this_month


def _severe_in_other_county(make_household: Any, make_user: Any) -> tuple[Any, Any]:
    clerk_b = make_user("township_clerk", "370812001")
    hh = make_household(village="370812001001", size=2)
    enrol("dibao", hh)
    person = member(hh)
    certify(clerk_b, person, 1)
    county_b = make_user("county_officer", "370812")
    run = services.condolence_prepare(
        actor=county_b, county_code="370812", festival="spring", year=this_month().year, month=this_month()
    )
    return person, run


def test_another_countys_condolence_list_and_tekun_file_answer_like_missing_ones(
    make_household: Any, make_user: Any
) -> None:
    person, run = _severe_in_other_county(make_household, make_user)
    c = Client()
    c.force_login(make_user("county_officer", "370811"))
    for verb in ("get", "post"):
        for url, missing in (
            (f"/specialfamilies/condolence/{run.pk}/", "/specialfamilies/condolence/987654321/"),
            (f"/specialfamilies/tekun/person/{person.pk}/", "/specialfamilies/tekun/person/987654321/"),
            (f"/specialfamilies/person/{person.pk}/grant/", "/specialfamilies/person/987654321/grant/"),
            (
                f"/specialfamilies/person/{person.pk}/care-order/",
                "/specialfamilies/person/987654321/care-order/",
            ),
        ):
            got, ref = getattr(c, verb)(url), getattr(c, verb)(missing)
            assert got.status_code == ref.status_code and got.status_code in (404, 405)
            assert got.content == ref.content


def test_lists_and_exports_hold_no_out_of_scope_people(make_household: Any, make_user: Any) -> None:
    person, run = _severe_in_other_county(make_household, make_user)
    county_a = make_user("county_officer", "370811")
    assert not selectors.family_members(actor=county_a, on=timezone.localdate()).exists()
    assert not selectors.condolence_runs(actor=county_a).exists()
    c = Client()
    c.force_login(county_a)
    assert person.name not in c.get("/specialfamilies/").content.decode()
    assert c.post(f"/specialfamilies/condolence/{run.pk}/", {"action": "decide"}).status_code == 404
    run.refresh_from_db()
    assert run.state == "draft"


def test_roles_without_the_line_are_refused_its_pages(client: Any, make_user: Any) -> None:
    client.force_login(make_user("carer", "370811001"))
    for url in ("/specialfamilies/", "/specialfamilies/condolence/", "/specialfamilies/tekun/"):
        assert client.get(url).status_code == 403
    assert client.post("/specialfamilies/export/").status_code == 403
