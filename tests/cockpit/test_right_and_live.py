"""The cockpit right (round 9 findings): alerts of the run in force, a figure and its list from one query,
the trend from history, the open month live and closed months frozen, one number format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.cockpit.formats import figure
from minzheng.cockpit.measures import MEASURES
from minzheng.cockpit.models import CockpitFigure
from minzheng.cockpit.selectors import figure_list, months_back
from minzheng.cockpit.services import cockpit_month_compute
from minzheng.monitoring.models import Alert, ScreeningRun
from minzheng.regions.models import Region
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B

SYSTEM = system_actor(purpose="测试")


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _last_month() -> dt.date:
    return (_this_month() - dt.timedelta(days=1)).replace(day=1)


def _stored(region: str, measure: str, month: dt.date) -> Decimal:
    rows = CockpitFigure.objects.filter(month=month, region_code=region, measure=measure)
    return sum((r.value for r in rows), Decimal(0))


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _alerts(make_person: Callable[..., Any], month: str, status: str, n: int, tag: str) -> ScreeningRun:
    run = ScreeningRun.objects.create(month=month, status=status, finished_at=timezone.now())
    for i in range(n):
        p = make_person(village=VILLAGE_A)
        Alert.objects.create(
            run=run,
            month=month,
            rule="died_dibao",
            rule_name="死亡仍在保",
            severity="high",
            id_hash=f"{tag}{i}",
            id_masked=p.id_masked,
            person=p,
            region_code=VILLAGE_A,
            trend="new",
            evidence={},
        )
    return run


def test_the_cockpit_counts_a_screenings_alerts_under_the_runs_month_as_monitoring_does(
    make_person: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    # the office screens last month's snapshot early this month: /monitoring/ labels those alerts by
    # last month, and so does the cockpit (this month has no screening yet)
    last = _last_month()
    leader = _client(make_user("city_officer", "370800"))
    leader.get(f"/cockpit/?month={last:%Y-%m}")  # last month stored before its screening was published
    _alerts(make_person, f"{last:%Y-%m}", "superseded", 2, "old")
    _alerts(make_person, f"{last:%Y-%m}", "published", 3, "new")
    monitoring = _client(make_user("city_officer", "370800")).get("/monitoring/")
    assert monitoring.context["month"] == f"{last:%Y-%m}"
    assert leader.get(f"/cockpit/?month={_this_month():%Y-%m}").context["board"].here.totals["alerts"] == 0
    page = leader.get("/cockpit/")  # opens on the screened month, recomputed: its run was published after
    assert page.context["month"] == last
    assert page.context["board"].here.totals["alerts"] == 3  # the superseded run's alerts are not counted
    assert _stored(TOWN_A, "alerts", last) == 3
    assert _stored("370811", "alerts", last) == 3
    assert _stored("370811", "alerts", _this_month()) == 0


@pytest.fixture
def city_data(enrol: Callable[..., Any], make_person: Callable[..., Any]) -> None:
    enrol(VILLAGE_A, 3)
    enrol(VILLAGE_A, 1)
    enrol(VILLAGE_B, 4)
    _alerts(make_person, f"{_this_month():%Y-%m}", "published", 2, "a")


@pytest.mark.parametrize("region", ["370800", "370811", TOWN_A])
def test_every_figure_equals_the_rows_of_its_list_at_city_county_and_township(
    city_data: None, make_user: Callable[..., Any], region: str
) -> None:
    month = _this_month()
    cockpit_month_compute(actor=SYSTEM, month=month)
    leader = make_user("city_officer", "370800")
    place = Region.objects.get(code=region)
    checked = 0
    for m in MEASURES:
        rows = figure_list(actor=leader, region=place, month=month, measure=m.code)
        if not m.total:
            assert rows.count() == _stored(region, m.code, month), m.code
        assert m.value_of(rows) == _stored(region, m.code, month), m.code
        checked += bool(_stored(region, m.code, month))
    assert checked >= 4  # enrolled, households, due, alerts at least hold figures here


def test_the_household_count_and_its_list_show_the_same_number(
    city_data: None, make_user: Callable[..., Any]
) -> None:
    c = _client(make_user("city_officer", "370800"))
    town = c.get(f"/cockpit/?region={TOWN_A}")
    cards = {k["code"]: k["shown"] for k in town.context["kpis"]}
    assert cards["households"] == "2" and cards["enrolled"] == "4"
    listing = c.get(f"/cockpit/list/?region={TOWN_A}&measure=households")
    assert listing.context["page"].paginator.count == 2
    people = c.get(f"/cockpit/list/?region={TOWN_A}&measure=enrolled")
    assert people.context["total"] == "4"


def test_an_unknown_measure_list_is_missing(make_user: Callable[..., Any]) -> None:
    r = _client(make_user("city_officer", "370800")).get("/cockpit/list/?measure=nonsense")
    assert r.status_code == 404


def test_the_command_stores_twelve_months_and_past_months_read_the_enrolments_history(
    enrol: Callable[..., Any],
) -> None:
    enrol(VILLAGE_A, 2, amount=500, first=dt.date(2020, 1, 1))
    enrol(VILLAGE_B, 1, amount=300, first=dt.date(2020, 1, 1))
    call_command("cockpit_compute")
    months = months_back(_this_month())
    assert set(CockpitFigure.objects.values_list("month", flat=True)) == set(months)
    assert _stored("370800", "due", months[0]) == 800
    assert _stored("370811", "due", months[5]) == 500


def test_the_open_month_is_recomputed_when_older_than_the_live_window_and_closed_months_stay_frozen(
    enrol: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    enrol(VILLAGE_A, 2, first=dt.date(2020, 1, 1))
    c = _client(make_user("city_officer", "370800"))
    c.get("/cockpit/")
    enrol(VILLAGE_A, 3, first=dt.date(2020, 1, 1))
    c.get("/cockpit/")  # within the live window: read as stored
    assert _stored("370800", "enrolled", _this_month()) == 2
    CockpitFigure.objects.update(computed_at=timezone.now() - dt.timedelta(hours=1))
    c.get("/cockpit/")
    assert _stored("370800", "enrolled", _this_month()) == 5
    assert _stored("370800", "enrolled", _last_month()) == 2  # a closed month is reproducible


def test_one_formatter_writes_money_counts_and_rates() -> None:
    assert figure(Decimal("1234567.5"), "元") == "1,234,567.50"
    assert figure(Decimal("1234567.5"), "元", with_unit=True) == "1,234,567.50元"
    assert figure(Decimal("12345"), "人") == "12,345"
    assert figure(Decimal("0.4567"), "%") == "45.7%"
    assert figure(None, "元") == "—"


def test_the_card_and_the_table_write_the_same_money_the_same_way(
    enrol: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    for _ in range(3):
        enrol(VILLAGE_A, 1, amount=600, first=dt.date(2020, 1, 1))
    r = _client(make_user("city_officer", "370800")).get("/cockpit/")
    trend = next(s for s in r.context["sections"] if s["id"] == "beneficiaries")
    assert trend["rows"][-1][-2] == "1,800.00"  # 应发金额 of this month
    links = {k["code"]: k["shown"] for k in r.context["lists"]}
    assert links["due"] == "1,800.00"
    assert "1,800.00" in r.content.decode()
