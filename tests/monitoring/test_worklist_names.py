"""The screening worklist names a household by its head (masked after the surname) and village, not by
its 16-digit number; the runs table names the engine in Chinese."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minzheng.monitoring.models import Alert, RunStatus, ScreeningRun
from tests.conftest import TOWN_A


def _alert(run, hh, i=0):
    head = hh.memberships.get(relation="head").person
    return Alert.objects.create(
        run=run,
        month=run.month,
        rule=f"rule_{i}",
        rule_name="收入超标",
        severity="high",
        id_hash=f"{i:064d}",
        id_masked="3708**********0021",
        household_no=hh.number,
        person=head,
        household=hh,
        region_code=hh.region_code,
        evidence={},
        trend="new",
    )


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_an_alert_shows_the_heads_masked_name_and_village_not_the_household_number(make_household, make_user):
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    run = ScreeningRun.objects.create(month="2026-10", status=RunStatus.PUBLISHED)
    _alert(run, hh)
    page = _client(make_user("township_clerk", TOWN_A)).get("/monitoring/").content.decode()
    table = page[page.index('<table id="alerts">') :]
    assert f"{head.name[0]}*" in table and "户（" in table
    assert hh.number not in table


def test_the_worklist_reads_heads_and_villages_in_a_fixed_number_of_queries(
    make_household, make_user, django_assert_max_num_queries
):
    run = ScreeningRun.objects.create(month="2026-10", status=RunStatus.PUBLISHED)
    _alert(run, make_household(size=2), 0)
    c = _client(make_user("township_clerk", TOWN_A))
    c.get("/monitoring/")
    with CaptureQueriesContext(connection) as one:
        c.get("/monitoring/")
    for i in range(1, 6):
        _alert(run, make_household(size=2), i)
    with django_assert_max_num_queries(len(one)):
        page = c.get("/monitoring/").content.decode()
    table, cards = page[page.index('<table id="alerts">') :], page[: page.index('<table id="alerts">')]
    assert table.count("户（") == 6 and cards.count('class="alert-card"') == 6


def test_the_runs_table_names_the_engine_in_chinese(make_user):
    ScreeningRun.objects.create(month="2026-10", engine="duckdb", status=RunStatus.PUBLISHED)
    page = (
        _client(make_user("city_officer", "370800"))
        .get("/monitoring/runs/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "快照库" in page and "duckdb" not in page


def test_the_progress_fragment_opened_by_hand_is_the_worklist_it_belongs_to(make_user):
    """The walk opened /monitoring/runs/ and read a bare fragment with no title or layout."""
    response = _client(make_user("city_officer", "370800")).get("/monitoring/runs/")
    assert response.status_code == 302 and response["Location"] == "/monitoring/"
