"""Who reaches which page: the station's officer works its stays; another county's officer gets 404 on them
(pages, actions, API) exactly like a missing one; field workers see the ledger only; bad form input is a
Chinese message, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from minzheng.vagrants import services

PAGES = (
    "/vagrants/",
    "/vagrants/intake/",
    "/vagrants/alerts/",
    "/vagrants/tracing/",
    "/vagrants/ledger/",
    "/vagrants/ledger/add/",
    "/vagrants/patrols/",
    "/vagrants/rate/",
    "/vagrants/stations/",
)
STATION_ONLY = {p for p in PAGES if p != "/vagrants/ledger/" and p != "/vagrants/tracing/"}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_officer_opens_every_page_of_the_line(staff, station):
    c = _client(staff["officer"])
    for page in PAGES:
        assert c.get(page).status_code == 200, page


def test_a_village_assistant_reads_the_ledger_and_is_refused_the_station(staff, station):
    c = _client(staff["village"])
    assert c.get("/vagrants/ledger/").status_code == 200
    for page in STATION_ONLY | {"/vagrants/tracing/"}:
        assert c.get(page).status_code == 403, page


@pytest.mark.parametrize("action", ["care", "place", "supervise", "tracing", "confirm", "exit"])
def test_another_countys_officer_gets_404_on_a_stay_and_its_actions_like_a_missing_one(
    staff, unknown_intake, action
):
    stay = unknown_intake()
    c = _client(staff["other"])
    pairs = (
        ("get", f"/vagrants/stay/{stay.pk}/", "/vagrants/stay/987654/"),
        ("post", f"/vagrants/stay/{stay.pk}/{action}/", f"/vagrants/stay/987654/{action}/"),
        ("get", f"/api/v1/vagrants/stays/{stay.pk}", "/api/v1/vagrants/stays/987654"),
    )
    for verb, url, missing in pairs:
        got, ref = getattr(c, verb)(url), getattr(c, verb)(missing)
        assert got.status_code == ref.status_code == 404, url
    stay.refresh_from_db()
    assert stay.state == "in_station"


def test_the_ledger_visit_of_another_village_is_404(staff, make_person, make_user):
    from tests.conftest import VILLAGE_B

    other = make_person(village=VILLAGE_B)
    entry = services.ledger_add(actor=staff["other"], person=other, kind="at_risk", risk="dementia")
    assert _client(staff["village"]).get(f"/vagrants/ledger/{entry.pk}/visit/").status_code == 404


def test_bad_input_on_the_forms_is_a_chinese_message_and_changes_nothing(staff, station, unknown_intake):
    c = _client(staff["officer"])
    r = c.post(
        "/vagrants/intake/",
        {"station": station.pk, "found_by": "patrol", "found_on": "9999-01-01", "intake_on": "abc"},
        follow=True,
    )
    assert r.status_code == 200 and "发现日期" in r.content.decode()
    stay = unknown_intake()
    r = c.post(f"/vagrants/stay/{stay.pk}/care/", {"kind": "meal", "on": "2026-13-40"}, follow=True)
    assert "救助日期格式" in r.content.decode()
    r = c.post(f"/vagrants/stay/{stay.pk}/confirm/", {"person": "9" * 30}, follow=True)
    assert r.status_code == 200
    r = c.post(
        "/vagrants/patrols/",
        {"route": "x", "day": "2026-01-01", "start": "25:99", "persons_met": "NaN"},
        follow=True,
    )
    assert r.status_code == 200 and "时间格式" in r.content.decode()
    stay.refresh_from_db()
    assert stay.state == "in_station" and not stay.care.exists()


def test_the_intake_lookup_api_answers_masked_and_audits_without_the_number(staff, station, make_person):
    from minzheng.audit.models import AuditLog

    person = make_person(name="查询人")
    c = _client(staff["officer"])
    r = c.post(
        "/api/v1/vagrants/lookup",
        {"station": station.pk, "id_number": person.id_number},
        content_type="application/json",
    )
    assert r.status_code == 200
    body = r.json()
    assert body["found"] and body["name"] == "查询人" and body["id_number"] == person.id_masked
    assert person.id_number not in r.content.decode()
    assert AuditLog.objects.filter(target_type="vagrant.lookup", target_id=str(person.pk)).exists()
    other = _client(staff["other"]).post(
        "/api/v1/vagrants/lookup", {"station": station.pk, "id_number": "x"}, content_type="application/json"
    )
    assert other.status_code == 404


def test_the_stays_list_stays_within_a_query_budget(staff, unknown_intake, django_assert_max_num_queries):
    for i in range(8):
        unknown_intake(name=f"无名{i}")
    c = _client(staff["officer"])
    c.get("/vagrants/")
    with django_assert_max_num_queries(12):
        r = c.get("/vagrants/")
    assert r.content.decode().count("/vagrants/stay/") >= 8


def test_the_person_page_shows_the_persons_stays_and_ledger_entries(staff, station, make_person):
    import datetime as dt

    from django.utils import timezone

    person = make_person(name="孙六")
    today = timezone.localdate()
    stay = services.stay_intake(
        actor=staff["officer"],
        station=station,
        found_by="police",
        found_place="汽车站",
        found_at=timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0))),
        intake_on=today,
        id_number=person.id_number,
    )
    services.stay_exit(actor=staff["officer"], stay=stay, kind="escorted", on=today)
    html = _client(staff["officer"]).get(f"/people/{person.pk}/").content.decode()
    assert f"救助记录#{stay.pk}" in html and "返乡流浪乞讨人员" in html
    village_html = _client(staff["village"]).get(f"/people/{person.pk}/").content.decode()
    assert f"救助记录#{stay.pk}" not in village_html and "返乡流浪乞讨人员" in village_html
