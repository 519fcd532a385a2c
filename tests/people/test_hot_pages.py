"""The hot pages at city scale (issue 21): the population figures come from the monthly summary, the
person list pages without counting the population, the name search is a prefix of the normalised name,
and each page reads in a number of queries that does not grow with the rows it shows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditLog
from minzheng.benefits.selectors import enrolments_for_person
from minzheng.benefits.services import enrolment_create
from minzheng.people.models import Person, RegionPopulation
from minzheng.people.selectors import person_search, population_figure
from minzheng.people.services import person_record_death, population_refresh
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B

SYSTEM = system_actor(purpose="测试数据")
MONTH = dt.date(2026, 11, 1)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _person_counts(queries: CaptureQueriesContext) -> list[str]:
    """The statements that count over the registry's persons (what a city-sized page must never run)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if re.search(r'COUNT\(.*FROM "people_person"(?! INNER JOIN)', q["sql"])
    ]


def _row(code: str) -> RegionPopulation:
    return RegionPopulation.objects.get(month=MONTH, region_code=code)


def test_the_population_summary_counts_the_living_and_the_households_at_every_level(
    make_household: Callable[..., Any], make_person: Callable[..., Any]
) -> None:
    make_household(village=VILLAGE_A, size=3)
    make_household(village=VILLAGE_B, size=2)
    dead = make_person(village=VILLAGE_A)
    person_record_death(actor=SYSTEM, person=dead, death_date=dt.date(2026, 1, 5))

    population_refresh(actor=SYSTEM, on=dt.date(2026, 11, 20))

    assert (_row(VILLAGE_A).persons, _row(VILLAGE_A).households) == (3, 1)
    assert (_row(TOWN_A).persons, _row(VILLAGE_A[:6]).persons) == (3, 3)
    assert (_row(VILLAGE_B).persons, _row(VILLAGE_B[:6]).households) == (2, 1)
    assert (_row("3708").persons, _row("3708").households) == (5, 2)
    assert AuditLog.objects.filter(target_type="people.population", target_id="2026-11").exists()


def test_a_second_refresh_of_the_month_replaces_its_rows_instead_of_adding_to_them(
    make_household: Callable[..., Any],
) -> None:
    make_household(size=2)
    population_refresh(actor=SYSTEM, on=MONTH)
    make_household(size=1)
    call_command("population_refresh", "--month", "2026-11", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _row("3708").persons == 3
    assert RegionPopulation.objects.filter(month=MONTH, region_code=VILLAGE_A).count() == 1


def test_a_staff_member_reads_the_latest_figure_of_their_own_region_and_nothing_outside_it(
    make_household: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    make_household(village=VILLAGE_A, size=2)
    make_household(village=VILLAGE_B, size=4)
    population_refresh(actor=SYSTEM, on=dt.date(2026, 10, 1))
    make_household(village=VILLAGE_A, size=1)
    population_refresh(actor=SYSTEM, on=MONTH)
    clerk = make_user("township_clerk", TOWN_A)

    figure = population_figure(actor=clerk)
    assert figure is not None and (figure.month, figure.persons) == (MONTH, 3)
    assert population_figure(actor=clerk, region_code=VILLAGE_B) is None
    assert population_figure(actor=SYSTEM) is not None
    assert population_figure(actor=SYSTEM).persons == 7  # type: ignore[union-attr]


def test_the_home_page_shows_the_regions_population_from_the_summary_without_counting_persons(
    make_household: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    make_household(size=3)
    population_refresh(actor=SYSTEM)
    c = _client(make_user("township_clerk", TOWN_A))
    with CaptureQueriesContext(connection) as queries:
        body = c.get("/").content.decode()
    assert 'id="population"' in body and "3 人" in body
    assert _person_counts(queries) == []


def test_the_person_list_pages_next_and_previous_in_queries_that_do_not_grow_with_the_population(
    make_person: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    clerk = make_user("township_clerk", TOWN_A)
    c = _client(clerk)
    for _ in range(3):
        make_person()
    c.get("/people/")
    with CaptureQueriesContext(connection) as few:
        c.get("/people/")
    for _ in range(60):
        make_person()
    population_refresh(actor=SYSTEM)
    with CaptureQueriesContext(connection) as many:
        first = c.get("/people/").content.decode()
    second = c.post("/people/", {"page": "2"}, headers={"HX-Request": "true"}).content.decode()
    third = c.post("/people/", {"page": "3"}, headers={"HX-Request": "true"}).content.decode()

    assert len(many) <= len(few) + 1  # the summary row read once there is one
    assert _person_counts(many) == []
    assert "63 人" in first and "下一页" in first and "上一页" not in first
    assert "第 2 页" in second and "下一页" in second and "上一页" in second
    assert len(re.findall(r'href="/people/\d+/"', third)) == 3 and "下一页" not in third


def test_a_name_is_found_by_its_beginning_whatever_the_spaces_width_or_case_typed(
    make_person: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    zhang = make_person(name="张三丰")
    smith = make_person(name="Smith John")
    make_person(name="李张三")
    clerk = make_user("township_clerk", TOWN_A)

    assert list(person_search(actor=clerk, q="张三")) == [zhang]
    assert list(person_search(actor=clerk, q="张 三")) == [zhang]
    assert list(person_search(actor=clerk, q="ｓｍｉｔｈ")) == [smith]
    assert list(person_search(actor=clerk, q="三丰")) == []  # a prefix, not any part of the name


def test_the_person_page_reads_in_the_same_number_of_queries_however_many_enrolments_the_household_has(
    make_household: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    child = hh.memberships.get(relation="child").person

    def enrol(first: dt.date) -> None:
        enrolment_create(
            actor=SYSTEM, programme="dibao", person=head, household=hh, amount=500, first_month=first
        )

    enrol(dt.date(2020, 1, 1))
    c = _client(make_user("county_officer", VILLAGE_A[:6]))
    c.get(f"/people/{child.pk}/")
    with CaptureQueriesContext(connection) as one:
        c.get(f"/people/{child.pk}/")
    for year in range(2021, 2026):
        enrol(dt.date(year, 1, 1))
    with CaptureQueriesContext(connection) as six:
        body = c.get(f"/people/{child.pk}/").content.decode()

    assert len(six) == len(one)
    assert len(enrolments_for_person(actor=make_user("county_officer", VILLAGE_A[:6]), person=child)) == 6
    assert body.count("500") >= 6


def test_the_household_page_reads_in_the_same_number_of_queries_however_many_members_it_has(
    make_household: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    small, big = make_household(size=1), make_household(size=7)
    c = _client(make_user("township_clerk", TOWN_A))
    c.get(f"/households/{small.pk}/")
    with CaptureQueriesContext(connection) as one:
        c.get(f"/households/{small.pk}/")
    with CaptureQueriesContext(connection) as seven:
        c.get(f"/households/{big.pk}/")
    assert len(seven) == len(one)


def test_a_person_is_found_by_the_last_four_digits_of_the_id_through_its_index(
    make_person: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    person = make_person()
    clerk = make_user("township_clerk", TOWN_A)
    assert person in person_search(actor=clerk, q=person.id_tail)
    assert any(index.fields == ["id_tail"] for index in Person._meta.indexes)
