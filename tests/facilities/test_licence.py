"""Facility edit and licence expiry: the officer renews a licence through the edit page (bad input saves
nothing), the list filters expired / ending-soon filings by the policy's warning window, and the 首页
card counts them in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.facilities import selectors
from minzheng.facilities.models import Facility
from minzheng.facilities.services import facility_create
from tests.conftest import TOWN_A


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _home(officer: Any, name: str, valid_to: dt.date | None, status: str = "licensed") -> Facility:
    return facility_create(
        actor=officer,
        name=name,
        kind="nursing_home",
        operator="某公司",
        address="路1号",
        region_code=TOWN_A,
        beds_total=20,
        beds_nursing=15,
        status=status,
        filed_on=dt.date(2020, 1, 1),
        valid_to=valid_to,
    )


def _form(f: Facility, **changes: Any) -> dict[str, Any]:
    data = {
        "name": f.name,
        "kind": f.kind,
        "operator": f.operator,
        "address": f.address,
        "place_township": f.region_code,
        "beds_total": f.beds_total,
        "beds_nursing": f.beds_nursing,
        "star_rating": f.star_rating,
        "status": f.status,
        "filed_on": f.filed_on.isoformat() if f.filed_on else "",
        "valid_to": f.valid_to.isoformat() if f.valid_to else "",
    }
    return data | changes


def test_the_list_and_the_home_card_show_expired_and_ending_soon_licences(
    officer: Any, django_assert_max_num_queries: Any
) -> None:
    today = timezone.localdate()
    days = selectors.licence_warn_days(actor=officer, on=today)
    expired = _home(officer, "过期养老院", today - dt.timedelta(days=1))
    soon = _home(officer, "将到期养老院", today + dt.timedelta(days=days - 1))
    _home(officer, "长期有效养老院", today + dt.timedelta(days=days + 30))
    _home(officer, "已注销养老院", today - dt.timedelta(days=5), status="closed")
    with django_assert_max_num_queries(3):
        todo = selectors.licence_todo(officer, today)
    assert todo.count == 2 and [i.label for i in todo.items] == [expired.name, soon.name]
    c = _client(officer)
    assert [f.name for f in c.get("/facilities/?licence=expired").context["page"]] == [expired.name]
    assert [f.name for f in c.get("/facilities/?licence=expiring").context["page"]] == [soon.name]


def test_the_officer_renews_a_licence_through_the_edit_page(officer: Any) -> None:
    today = timezone.localdate()
    f = _home(officer, "续证养老院", today - dt.timedelta(days=3))
    region_field = _client(officer).get(f"/facilities/{f.pk}/edit/").content.decode()
    assert "续证养老院" in region_field
    new_end = (today + dt.timedelta(days=2 * 365)).isoformat()
    r = _client(officer).post(f"/facilities/{f.pk}/edit/", _form(f, valid_to=new_end, star_rating="3"))
    assert r.status_code == 302
    f.refresh_from_db()
    assert (f.valid_to.isoformat(), f.star_rating) == (new_end, 3)
    assert selectors.licence_todo(officer, today).count == 0


def test_a_bad_edit_is_refused_in_chinese_and_nothing_changes(officer: Any) -> None:
    f = _home(officer, "改错养老院", None)
    r = _client(officer).post(f"/facilities/{f.pk}/edit/", _form(f, beds_nursing="99"))
    assert "护理型床位不能多于床位总数" in r.content.decode()
    f.refresh_from_db()
    assert f.beds_nursing == 15


def test_another_countys_officer_gets_404_on_the_edit_page(officer: Any, make_user: Any) -> None:
    f = _home(officer, "本县养老院", None)
    other = _client(make_user("elderly_officer", "370812"))
    assert other.get(f"/facilities/{f.pk}/edit/").status_code == 404
    assert other.post(f"/facilities/{f.pk}/edit/", _form(f, name="改名")).status_code == 404
    f.refresh_from_db()
    assert f.name == "本县养老院"
