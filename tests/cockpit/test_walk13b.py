"""Round 13 walk of the cockpit (#20), second pass: person-level 特困 enrolments count the person's current
household once (card, list, stored figures and the statistics report); a percentage target refuses more
than 100 % and keeps the form's input; an entered value shows as 填报 with its evidence, not 无数据; a
future month is told in Chinese, never silently replaced."""

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
from minzheng.cockpit.reports import period_bounds
from minzheng.cockpit.services import cockpit_month_compute, stat_report_generate, target_value_enter
from minzheng.programmes.registry import programme_name
from tests.conftest import TOWN_A, VILLAGE_A

SYSTEM = system_actor(purpose="测试")


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _tekun(person: Any) -> Any:
    return enrolment_create(
        actor=SYSTEM,
        programme="tekun",
        person=person,
        household=None,  # person-level: 特困 is granted to the person
        amount=900,
        first_month=dt.date(2020, 1, 1),
    )


@pytest.fixture
def tekun_spouses_and_one_alone(make_household: Callable[..., Any], make_person: Callable[..., Any]) -> None:
    """Two members of one household each on person-level 特困, and one person with no household at all."""
    hh = make_household(village=VILLAGE_A, size=2)
    for m in hh.memberships.all():
        _tekun(m.person)
    _tekun(make_person(village=VILLAGE_A, name="孤老"))


def test_two_members_of_one_household_on_person_level_tekun_are_one_household(
    make_household: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    hh = make_household(village=VILLAGE_A, size=2)
    for m in hh.memberships.all():
        _tekun(m.person)
    cockpit_month_compute(actor=SYSTEM, month=_this_month())
    stored = CockpitFigure.objects.filter(month=_this_month(), measure="households")
    assert sum(f.value for f in stored.filter(region_code=TOWN_A)) == 1
    assert sum(f.value for f in stored.filter(region_code="370800")) == 1
    c = _client(make_user("city_officer", "370800"))
    month = f"{_this_month():%Y-%m}"
    cards = {k["code"]: k["shown"] for k in c.get(f"/cockpit/?month={month}").context["kpis"]}
    assert cards["households"] == "1" and cards["enrolled"] == "2"
    listing = c.get(f"/cockpit/list/?region={TOWN_A}&month={month}&measure=households")
    assert listing.context["page"].paginator.count == 1


def test_a_person_with_no_household_counts_alone(
    tekun_spouses_and_one_alone: None, make_user: Callable[..., Any]
) -> None:
    cockpit_month_compute(actor=SYSTEM, month=_this_month())
    stored = CockpitFigure.objects.filter(month=_this_month(), measure="households", region_code="370800")
    assert sum(f.value for f in stored) == 2  # the spouses' household and the person alone


def test_the_quarterly_report_counts_tekun_households_once_and_never_above_persons(
    tekun_spouses_and_one_alone: None, make_user: Callable[..., Any]
) -> None:
    start, _ = period_bounds("quarterly", timezone.localdate())
    last_quarter = period_bounds("quarterly", start - dt.timedelta(days=1))[0]
    report = stat_report_generate(
        actor=make_user("city_officer", "370800"), kind="quarterly", period=last_quarter, region_code="370800"
    )
    row = next(r for r in report.tables[0]["rows"] if r[0] == programme_name("tekun"))
    households, persons = int(row[5]), int(row[6])
    assert (households, persons) == (2, 3)


@pytest.mark.parametrize("value", ["1.5", "150"])
def test_a_percentage_target_refuses_more_than_100_percent_and_keeps_the_input(
    make_user: Callable[..., Any], value: str
) -> None:
    r = _client(make_user("city_officer", "370800")).post(
        "/cockpit/targets/",
        {"target": "township_staff", "year": "2024", "value": value, "evidence": "2024年经办人员统计表"},
    )
    assert r.status_code == 200  # re-rendered, not redirected
    assert "不能超过100%" in " ".join(str(m) for m in r.context["messages"])
    assert not TargetEntry.objects.exists()
    page = r.content.decode()
    assert f'value="{value}"' in page and 'value="2024"' in page and "2024年经办人员统计表" in page
    assert '<option value="township_staff" selected>' in page


def test_a_percentage_target_accepts_a_full_rate(make_user: Callable[..., Any]) -> None:
    entry = target_value_enter(
        actor=make_user("city_officer", "370800"),
        target_code="township_staff",
        year=2024,
        value="1",
        evidence="统计表",
    )
    assert entry.value == Decimal(1)


def test_an_entered_value_shows_as_entered_with_its_evidence_not_as_no_data(
    make_user: Callable[..., Any],
) -> None:
    officer = make_user("city_officer", "370800")
    target_value_enter(
        actor=officer,
        target_code="community_orgs_urban",
        year=2022,
        value="11",
        evidence="2022年社区社会组织统计",
    )
    r = _client(officer).get("/cockpit/targets/")
    rows = {row.target.code: row for row in r.context["rows"]}
    year = {y["year"]: y for y in rows["community_orgs_urban"].years}[2022]
    assert year["shown"] == "11个" and year["entered"] and year["light_label"] == "填报"
    assert year["evidence"] == "2022年社区社会组织统计"
    assert "2022年社区社会组织统计" in r.content.decode()
    assert {y["year"]: y for y in rows["community_orgs_urban"].years}[2023]["light_label"] == "无数据"


@pytest.mark.parametrize(
    "url", ["/cockpit/?month=2030-01", "/cockpit/list/?measure=households&month=2030-01"]
)
def test_a_future_month_is_told_in_chinese_not_silently_replaced(
    make_user: Callable[..., Any], url: str
) -> None:
    r = _client(make_user("city_officer", "370800")).get(url)
    assert r.status_code == 200
    assert "不能晚于本月" in r.context["month_error"] and "2030-01" in r.context["month_error"]
    assert "不能晚于本月" in r.content.decode()
