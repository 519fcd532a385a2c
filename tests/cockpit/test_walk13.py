"""Round 13 walk of the cockpit (#20): 保障户数 counts households, not enrolments, at every level and in
its list; the cockpit opens on the latest screened month; every chart has its 暂无数据 text; a bad month
or a too-large figure is told in Chinese on the page; 所在地 reads township and village."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.services import enrolment_create
from minzheng.cockpit.models import CockpitFigure, TargetEntry
from minzheng.cockpit.selectors import default_month
from minzheng.cockpit.services import cockpit_month_compute
from minzheng.monitoring.models import ScreeningRun
from minzheng.regions.models import Region
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B

SYSTEM = system_actor(purpose="测试")


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _stored(region: str, measure: str, month: dt.date | None = None) -> Decimal:
    rows = CockpitFigure.objects.filter(month=month or _this_month(), region_code=region, measure=measure)
    return sum((r.value for r in rows), Decimal(0))


@pytest.fixture
def two_programme_household(enrol: Callable[..., Any]) -> Any:
    """A dibao household whose head also draws the high-age subsidy (same household), and one more dibao
    household in another county: 2 households, 3 enrolments."""
    e = enrol(VILLAGE_A, 2)
    enrolment_create(
        actor=SYSTEM,
        programme="high_age",
        person=e.person,
        household=e.household,
        amount=100,
        first_month=dt.date(2024, 1, 1),
    )
    enrol(VILLAGE_B, 3)
    return e.household


def test_a_household_in_two_programmes_is_one_household_at_township_county_and_city(
    two_programme_household: Any,
) -> None:
    cockpit_month_compute(actor=SYSTEM, month=_this_month())
    assert _stored(TOWN_A, "households") == 1
    assert _stored("370811", "households") == 1
    assert _stored("370800", "households") == 2  # not 3: the subsidy is the same household
    # the per-programme figures stay per programme (persons covered by dibao and by the subsidy)
    dibao = CockpitFigure.objects.get(
        month=_this_month(), region_code="370800", measure="enrolled", detail="dibao"
    )
    assert dibao.value == 5


@pytest.mark.parametrize(("region", "households"), [("370800", 2), ("370811", 1), (TOWN_A, 1)])
def test_the_headline_household_card_and_its_list_count_distinct_households(
    two_programme_household: Any, make_user: Callable[..., Any], region: str, households: int
) -> None:
    c = _client(make_user("city_officer", "370800"))
    month = f"{_this_month():%Y-%m}"
    page = c.get(f"/cockpit/?region={region}&month={month}")
    cards = {k["code"]: k["shown"] for k in page.context["kpis"]}
    assert cards["households"] == str(households)
    listing = c.get(f"/cockpit/list/?region={region}&month={month}&measure=households")
    assert listing.context["page"].paginator.count == households  # the drill-down list: one row a household
    heads = [r["person_id"] for r in listing.context["rows"]]
    assert len(heads) == len(set(heads)) == households


def test_the_city_breakdown_sums_to_the_distinct_households_of_the_city(
    two_programme_household: Any, make_user: Callable[..., Any]
) -> None:
    cockpit_month_compute(actor=SYSTEM, month=_this_month())
    counties = CockpitFigure.objects.filter(
        month=_this_month(), measure="households", region_code__in=("370811", "370812")
    )
    assert sum(f.value for f in counties) == _stored("370800", "households") == 2


def test_the_cockpit_opens_on_the_latest_month_with_a_published_screening(
    make_user: Callable[..., Any],
) -> None:
    today = timezone.localdate()
    last = (_this_month() - dt.timedelta(days=1)).replace(day=1)
    assert default_month(today=today) == _this_month()  # nothing screened yet: today's month
    ScreeningRun.objects.create(month=f"{last:%Y-%m}", status="published")
    ScreeningRun.objects.create(month=f"{_this_month():%Y-%m}", status="superseded")
    assert default_month(today=today) == last
    page = _client(make_user("city_officer", "370800")).get("/cockpit/")
    assert page.context["month"] == last
    assert f'value="{last:%Y-%m}"' in page.content.decode()


def test_every_chart_on_the_cockpit_carries_its_no_data_text(make_user: Callable[..., Any]) -> None:
    page = _client(make_user("city_officer", "370800")).get("/cockpit/").content.decode()
    charts = page.count('class="cockpit-chart')
    assert charts >= 3  # the map, the beneficiaries trend, the alerts bars, the verifications trend
    assert page.count('data-empty="暂无数据"') == charts


def test_a_bad_month_on_the_list_and_the_excel_is_told_in_chinese(make_user: Callable[..., Any]) -> None:
    c = _client(make_user("city_officer", "370800"))
    listing = c.get("/cockpit/list/?measure=households&month=2026-13")
    assert listing.status_code == 200 and "例如 2026-11" in listing.context["month_error"]
    excel = c.get("/cockpit/export.xlsx?month=abc")
    assert excel.status_code == 400 and "例如 2026-11" in excel.content.decode()


def test_recomputing_a_bad_month_says_year_month_not_year_month_day(make_user: Callable[..., Any]) -> None:
    c = _client(make_user("city_officer", "370800"))
    r = c.post("/cockpit/compute/", {"month": "2026-13"}, follow=True)
    text = " ".join(str(m) for m in r.context["messages"])
    assert "年-月" in text and "年-月-日" not in text and "2026-11" in text


@pytest.mark.parametrize("value", ["1e308", "1E12", "99999999999999"])
def test_a_huge_target_value_gets_a_clear_chinese_message_and_nothing_is_stored(
    make_user: Callable[..., Any], value: str
) -> None:
    r = _client(make_user("city_officer", "370800")).post(
        "/cockpit/targets/",
        {"target": "governance_zones", "year": "2024", "value": value, "evidence": "省民政厅文件"},
        follow=True,
    )
    assert r.status_code == 200
    assert "数值过大" in " ".join(str(m) for m in r.context["messages"])
    assert not TargetEntry.objects.exists()


@pytest.mark.parametrize("year", ["1e308", "99999"])
def test_a_huge_year_gets_a_chinese_message(make_user: Callable[..., Any], year: str) -> None:
    c = _client(make_user("city_officer", "370800"))
    r = c.post(
        "/cockpit/targets/",
        {"target": "governance_zones", "year": year, "value": "3", "evidence": "文件"},
        follow=True,
    )
    assert r.status_code == 200 and "年度" in " ".join(str(m) for m in r.context["messages"])
    assert not TargetEntry.objects.exists()
    reports = c.get(f"/cockpit/reports/?year={year}")
    assert reports.status_code == 200 and "年度" in " ".join(str(m) for m in reports.context["messages"])


def test_the_list_shows_the_township_and_the_village(
    two_programme_household: Any, make_user: Callable[..., Any]
) -> None:
    town, village = (Region.objects.get(code=c).name for c in (TOWN_A, VILLAGE_A))
    listing = _client(make_user("city_officer", "370800")).get(
        f"/cockpit/list/?region={TOWN_A}&month={_this_month():%Y-%m}&measure=households"
    )
    assert [r["place"] for r in listing.context["rows"]] == [f"{town} {village}"]
    assert f"{town} {village}" in listing.content.decode()
