"""The cremation step when the county has no funeral home yet, and with a home left unchosen or tampered
with: a clear Chinese message (and a link to register a home for whoever may), nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.funeral.services import facility_create
from tests.conftest import VILLAGE_A, VILLAGE_B

from .conftest import DEATH, open_case


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_without_a_funeral_home_the_step_says_so_and_the_county_officer_gets_a_link(clerk, officer, elder):
    case = open_case(clerk, elder)
    officer_page = _client(officer).get(f"/funeral/{case.pk}/").content.decode()
    assert 'id="funeral-no-home"' in officer_page and "尚未登记殡仪馆" in officer_page
    assert 'id="funeral-register-home"' in officer_page and 'id="funeral-cremation"' not in officer_page
    clerk_page = _client(clerk).get(f"/funeral/{case.pk}/").content.decode()
    # The township clerk cannot register a county's funeral home: told whom to ask, no dead link.
    assert "尚未登记殡仪馆" in clerk_page and 'id="funeral-register-home"' not in clerk_page
    assert "社会事务科" in clerk_page


def test_posting_the_cremation_without_any_funeral_home_is_refused_clearly(clerk, elder):
    case = open_case(clerk, elder)
    r = _client(clerk).post(
        f"/funeral/{case.pk}/cremation/", {"funeral_home": "", "cremated_on": DEATH.isoformat()}, follow=True
    )
    assert "尚未登记殡仪馆" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "certified" and case.funeral_home_id is None


@pytest.mark.parametrize("chosen", ["", "abc", "99999999999999999999", "²", "cemetery", "other_county"])
def test_an_unchosen_or_tampered_funeral_home_is_refused_and_nothing_changes(
    clerk, officer, elder, home, make_user, chosen
):
    cemetery = facility_create(
        actor=officer, name="孝德园", kind="public_cemetery", level="county", region_code=VILLAGE_A[:6]
    )
    officer_b = make_user("social_affairs_officer", VILLAGE_B[:6])
    other = facility_create(
        actor=officer_b, name="兖州区殡仪馆", kind="funeral_home", level="county", region_code=VILLAGE_B[:6]
    )
    value = {"cemetery": str(cemetery.pk), "other_county": str(other.pk)}.get(chosen, chosen)
    case = open_case(clerk, elder)
    r = _client(clerk).post(
        f"/funeral/{case.pk}/cremation/",
        {"funeral_home": value, "cremated_on": DEATH.isoformat()},
        follow=True,
    )
    assert r.status_code == 200 and "请从列表中选择殡仪馆" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "certified" and case.funeral_home_id is None


def test_a_listed_funeral_home_records_the_cremation(clerk, elder, home):
    case = open_case(clerk, elder)
    page = _client(clerk).get(f"/funeral/{case.pk}/").content.decode()
    assert 'id="funeral-cremation"' in page and 'id="funeral-no-home"' not in page
    _client(clerk).post(f"/funeral/{case.pk}/cremation/", {"funeral_home": home.pk, "cremated_on": DEATH})
    case.refresh_from_db()
    assert case.state == "cremated" and case.funeral_home_id == home.pk
