"""The "244" ledgers: monthly visits by the grid worker / village assistant, a missing visit this month is a
to-do; street patrols; the repeat-wandering rate per county, set-based, with its definition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.vagrants import selectors, services
from tests.conftest import VILLAGE_A


@pytest.fixture
def at_risk(staff, make_person):
    people = [make_person(village=VILLAGE_A, name=f"老人{i}") for i in range(3)]
    return [
        services.ledger_add(
            actor=staff["officer"], person=p, kind="at_risk", risk="dementia", guardian="儿子"
        )
        for p in people
    ]


def test_an_unvisited_person_this_month_is_a_todo_until_the_village_assistant_visits(staff, at_risk):
    today = timezone.localdate()
    worker = staff["village"]
    assert selectors.visits_todo(worker, today).count == 3
    services.ledger_visit(actor=worker, entry=at_risk[0], visited_on=today, at_home=True)
    todo = selectors.visits_todo(worker, today)
    assert todo.count == 2
    assert at_risk[0].person.name not in [i.label for i in todo.items]


def test_a_visit_of_last_month_does_not_count_for_this_month(staff, at_risk):
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    entry = at_risk[0]
    type(entry).objects.filter(pk=entry.pk).update(since=last_month.replace(day=1))
    entry.refresh_from_db()
    services.ledger_visit(actor=staff["village"], entry=entry, visited_on=last_month, at_home=True)
    assert selectors.visits_todo(staff["village"], today).count == 3


def test_not_at_home_needs_a_note_and_an_at_risk_entry_needs_a_reason(staff, at_risk, make_person):
    with pytest.raises(ValidationError, match="说明去向"):
        services.ledger_visit(
            actor=staff["village"], entry=at_risk[0], visited_on=timezone.localdate(), at_home=False
        )
    with pytest.raises(ValidationError, match="走失风险"):
        services.ledger_add(actor=staff["officer"], person=make_person(), kind="at_risk", risk="")


def test_the_grid_worker_visits_the_entries_of_the_grid_and_reads_no_other(staff, make_user, make_person):
    from minzheng.regions.models import Region, RegionLevel

    grid = Region.objects.filter(level=RegionLevel.GRID, code__startswith=VILLAGE_A).first()
    if grid is None:
        pytest.skip("the region fixture has no grid under village A")
    worker = make_user(Role.GRID_WORKER, grid.code)
    mine = services.ledger_add(
        actor=staff["officer"], person=make_person(), kind="at_risk", risk="mental", region_code=grid.code
    )
    other = services.ledger_add(
        actor=staff["officer"], person=make_person(name="另一人"), kind="at_risk", risk="mental"
    )
    assert list(selectors.ledger(actor=worker)) == [mine]
    assert selectors.ledger_get(actor=worker, pk=other.pk) is None
    services.ledger_visit(actor=worker, entry=mine, visited_on=timezone.localdate(), at_home=True)


def test_the_ledger_page_stays_within_a_query_budget_and_the_export_neutralises_formulas(
    staff, make_person, client, django_assert_max_num_queries
):
    import io

    from openpyxl import load_workbook

    for i in range(12):
        services.ledger_add(
            actor=staff["officer"], person=make_person(name=f"人{i}"), kind="at_risk", risk="intellectual"
        )
    services.ledger_add(
        actor=staff["officer"], person=make_person(name="=HYPERLINK(1)"), kind="at_risk", risk="mental"
    )
    client.force_login(staff["village"])
    client.get("/vagrants/ledger/")
    with django_assert_max_num_queries(12):
        r = client.get("/vagrants/ledger/")
    assert r.status_code == 200 and "人11" in r.content.decode()
    data = client.get("/vagrants/ledger/export/").content
    names = [row[0].value for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2)]
    assert "'=HYPERLINK(1)" in names


def test_a_patrol_is_recorded_with_its_campaign_and_bad_times_are_refused(staff):
    now = timezone.now()
    p = services.patrol_record(
        actor=staff["officer"],
        route="火车站—太白楼路—运河桥下",
        started_at=now - dt.timedelta(hours=3),
        ended_at=now - dt.timedelta(hours=1),
        persons_met=4,
        persons_helped=1,
        campaign="winter",
    )
    assert p.region_code == "370811" and p.get_campaign_display() == "寒冬送温暖"
    with pytest.raises(ValidationError):
        services.patrol_record(
            actor=staff["officer"],
            route="x路",
            started_at=now,
            ended_at=now - dt.timedelta(hours=1),
            persons_met=1,
        )
    with pytest.raises(ValidationError):
        services.patrol_record(
            actor=staff["village"],
            route="x路",
            started_at=now - dt.timedelta(hours=2),
            ended_at=now - dt.timedelta(hours=1),
            persons_met=1,
        )


def _stay(staff, station, person, intake_on, exit_on=None):
    s = services.stay_intake(
        actor=staff["officer"],
        station=station,
        found_by="patrol",
        found_place="广场",
        found_at=timezone.make_aware(dt.datetime.combine(intake_on, dt.time(8, 0))),
        intake_on=intake_on,
        id_number=person.id_number,
    )
    if exit_on:
        services.stay_exit(actor=staff["officer"], stay=s, kind="returned", on=exit_on)
    return s


def test_the_repeat_wandering_rate_counts_returns_of_the_year_that_came_back_the_same_year(
    staff, station, make_person, django_assert_max_num_queries
):
    year = timezone.localdate().year - 1
    a, b, c = (make_person(village=VILLAGE_A, name=n) for n in ("甲", "乙", "丙"))
    _stay(staff, station, a, dt.date(year, 3, 1), dt.date(year, 3, 5))
    _stay(staff, station, a, dt.date(year, 8, 1))  # a wandered again the same year
    _stay(staff, station, b, dt.date(year, 4, 1), dt.date(year, 4, 3))
    _stay(staff, station, c, dt.date(year, 11, 1), dt.date(year, 11, 2))
    _stay(staff, station, c, dt.date(year + 1, 1, 10))  # next year: not within the year
    with django_assert_max_num_queries(4):
        rows = selectors.repeat_rate(actor=staff["officer"], year=year)
    assert rows == [
        {"county": "任城区", "station": "任城区救助管理站", "returned": 3, "repeated": 1, "rate": "33.3%"}
    ]
    assert selectors.repeat_rate(actor=staff["other"], year=year) == []


def test_the_rate_page_shows_its_definition(staff, station, client):
    client.force_login(staff["officer"])
    html = client.get("/vagrants/rate/").content.decode()
    assert "口径" in html and "再次入站" in html
    assert client.get("/vagrants/rate/?year=abc").status_code == 200
