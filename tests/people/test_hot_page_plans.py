"""The hot pages' query plans on PostgreSQL (issue 21): every statement a page runs is EXPLAINed with
sequential scans priced out (`enable_seqscan = off`), so a plan that still scans a city-sized table has no
index to use at all. On a city of 8.3 M persons such a scan is seconds per request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minzheng.accounts.system import system_actor
from minzheng.benefits.services import enrolment_create, payroll_generate
from minzheng.monitoring.models import Alert, RunStatus, ScreeningRun
from minzheng.people.services import population_refresh
from tests.conftest import TOWN_A, VILLAGE_A

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

# The tables that grow with the city (persons, their households and memberships, enrolments, alerts, rolls).
CITY_TABLES = (
    "people_person",
    "people_household",
    "people_membership",
    "benefits_enrolment",
    "monitoring_alert",
    "benefits_payrollline",
)
SYSTEM = system_actor(purpose="测试数据")


@pytest.fixture
def no_seqscan() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def _scans(queries: CaptureQueriesContext) -> list[str]:
    """The sequential scans of a city-sized table in the plans of the statements the page ran."""
    found = []
    with connection.cursor() as cursor:
        for q in queries.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or not any(t in sql for t in CITY_TABLES):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for table in re.findall(r"Seq Scan on (\w+)", plan):
                if table in CITY_TABLES:
                    found.append(f"{table}: {sql[:300]}")
    return found


def add_alerts(run: ScreeningRun, households: list[Any]) -> None:
    """One published alert per household (on its head), as a screening run leaves them."""
    for h in households:
        n = Alert.objects.count()
        Alert.objects.create(
            run=run,
            month=run.month,
            rule=f"rule_{n}",
            rule_name="收入超标",
            severity="high",
            id_hash=f"{n:064d}",
            id_masked="3708**********0021",
            household_no=h.number,
            person=h.memberships.get(relation="head").person,
            household=h,
            region_code=h.region_code,
            evidence={},
            trend="new",
        )


@pytest.fixture
def city(make_household: Callable[..., Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    households = [make_household(size=3) for _ in range(4)]
    hh = households[0]
    head = hh.memberships.get(relation="head").person
    enrolment_create(
        actor=SYSTEM,
        programme="dibao",
        person=head,
        household=hh,
        amount=500,
        first_month=dt.date(2024, 1, 1),
    )
    run = ScreeningRun.objects.create(month="2026-10", status=RunStatus.PUBLISHED)
    add_alerts(run, households)
    population_refresh(actor=SYSTEM)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    child = hh.memberships.filter(relation="child").select_related("person").first()
    assert child is not None
    return {"client": c, "household": hh, "head": head, "child": child.person, "run": run}


def _page(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, url
    return queries


def test_the_person_list_and_its_figure_use_indexes_only(city: dict[str, Any], no_seqscan: None) -> None:
    assert _scans(_page(city["client"], "get", "/people/")) == []
    assert _scans(_page(city["client"], "post", "/people/", {"region": VILLAGE_A})) == []


def test_the_name_search_is_an_index_seek_on_the_normalised_name(
    city: dict[str, Any], no_seqscan: None
) -> None:
    queries = _page(city["client"], "post", "/people/", {"q": "户"})
    assert _scans(queries) == []
    plans = []
    with connection.cursor() as cursor:
        for q in queries.captured_queries:
            if "LIKE" in q["sql"] and "people_person" in q["sql"]:
                cursor.execute("EXPLAIN " + q["sql"])
                plans.append("\n".join(r[0] for r in cursor.fetchall()))
    assert plans and all("people_person_name_norm" in p for p in plans)


def test_the_lookup_by_full_id_and_by_its_last_four_digits_use_indexes(
    city: dict[str, Any], no_seqscan: None
) -> None:
    head = city["head"]
    assert _scans(_page(city["client"], "post", "/people/", {"q": head.id_number})) == []
    assert _scans(_page(city["client"], "post", "/people/", {"q": head.id_tail})) == []


def test_the_person_page_with_its_enrolment_panel_uses_indexes_only(
    city: dict[str, Any], no_seqscan: None
) -> None:
    assert _scans(_page(city["client"], "get", f"/people/{city['child'].pk}/")) == []


def test_the_household_page_uses_indexes_only(city: dict[str, Any], no_seqscan: None) -> None:
    assert _scans(_page(city["client"], "get", f"/households/{city['household'].pk}/")) == []


def test_the_home_page_and_the_alert_worklist_use_indexes_only(
    city: dict[str, Any], no_seqscan: None
) -> None:
    assert _scans(_page(city["client"], "get", "/")) == []
    assert _scans(_page(city["client"], "get", "/monitoring/")) == []


def test_the_township_worklist_and_the_enrolment_review_list_use_indexes_only(
    city: dict[str, Any], no_seqscan: None
) -> None:
    assert _scans(_page(city["client"], "get", "/assistance/")) == []
    assert _scans(_page(city["client"], "get", "/assistance/reviews/")) == []


def test_the_payroll_list_and_a_rolls_lines_use_indexes_only(
    city: dict[str, Any], make_user: Callable[..., Any], no_seqscan: None
) -> None:
    officer = make_user("county_officer", "370811")
    run = payroll_generate(actor=officer, county_code="370811", month=dt.date(2024, 3, 1))
    c = Client()
    c.force_login(officer)
    assert _scans(_page(c, "get", "/payroll/")) == []
    assert _scans(_page(c, "get", f"/payroll/{run.pk}/")) == []


# ---------------------------------------------------------------- queries that do not grow with the rows


def _grows(
    city: dict[str, Any], make_household: Callable[..., Any], method: str, url: str, data: dict[str, str]
) -> tuple[int, int]:
    """The page's query count with the fixture's rows, then with three times the households (and their
    alerts) in the same village."""
    first = len(_page(city["client"], method, url, data))
    more = [make_household(size=4) for _ in range(8)]
    add_alerts(city["run"], more)
    return first, len(_page(city["client"], method, url, data))


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/", {}),
        ("get", "/people/", {}),
        ("post", "/people/", {"q": "户"}),
        ("post", "/people/", {"region": VILLAGE_A}),
        ("get", "/monitoring/", {}),
        ("get", "/assistance/", {}),
    ],
)
def test_a_hot_list_runs_the_same_number_of_queries_however_many_rows_it_shows(
    city: dict[str, Any], make_household: Callable[..., Any], method: str, url: str, data: dict[str, str]
) -> None:
    first, then = _grows(city, make_household, method, url, data)
    assert first == then, f"{url}: {first} → {then} queries"


def test_the_person_and_household_pages_run_the_same_number_of_queries_for_a_bigger_household(
    city: dict[str, Any], make_household: Callable[..., Any]
) -> None:
    small = make_household(size=2)
    big = make_household(size=7)
    for a, b in (
        (small.pk, big.pk),
        (small.memberships.get(relation="head").person_id, big.memberships.get(relation="head").person_id),
    ):
        kind = "households" if a == small.pk else "people"
        n_small = len(_page(city["client"], "get", f"/{kind}/{a}/"))
        n_big = len(_page(city["client"], "get", f"/{kind}/{b}/"))
        assert n_small == n_big, f"{kind}: {n_small} → {n_big} queries"
