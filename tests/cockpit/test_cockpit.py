"""民政驾驶舱: a month's figures stored once by township, county and city, read as stored, scoped to the
leader's region, drilled down to the list behind a figure, exported, and the plan targets' lights."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from minzheng.accounts.permissions import Denied
from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditLog
from minzheng.cockpit.models import CockpitFigure, TargetEntry
from minzheng.cockpit.selectors import months_back
from minzheng.cockpit.services import cockpit_month_compute, target_value_enter
from minzheng.cockpit.targets import target
from minzheng.monitoring.models import Alert, ScreeningRun
from tests.cockpit.conftest import THIS_MONTH
from tests.conftest import TOWN_A, VILLAGE_A

SYSTEM = system_actor(purpose="测试")


def _value(region: str, measure: str, month: dt.date = THIS_MONTH, detail: str = "dibao") -> int:
    row = CockpitFigure.objects.get(month=month, region_code=region, measure=measure, detail=detail)
    return int(row.value)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_month_is_summed_by_township_county_and_city(two_counties: list[Any]) -> None:
    cockpit_month_compute(actor=SYSTEM, month=THIS_MONTH)
    assert _value(TOWN_A, "enrolled") == 2 + 3
    assert _value("370811", "enrolled") == 2 + 3
    assert _value("370812", "enrolled") == 4
    assert _value("370800", "enrolled") == 2 + 3 + 4
    assert (
        CockpitFigure.objects.get(month=THIS_MONTH, region_code="370800", measure="enrolled").label
        == "最低生活保障"
    )


def test_a_stored_month_reads_the_same_after_new_data_until_it_is_recomputed(
    two_counties: list[Any], enrol: Callable[..., Any]
) -> None:
    cockpit_month_compute(actor=SYSTEM, month=THIS_MONTH)
    enrol(VILLAGE_A, 5)
    assert cockpit_month_compute(actor=SYSTEM, month=THIS_MONTH) == 0
    assert _value("370800", "enrolled") == 9
    cockpit_month_compute(actor=SYSTEM, month=THIS_MONTH, force=True)
    assert _value("370800", "enrolled") == 14
    assert AuditLog.objects.filter(target_type="cockpit.month", target_id=f"{THIS_MONTH:%Y-%m}").count() == 2


def test_an_enrolment_that_ended_before_the_month_is_not_counted(enrol: Callable[..., Any]) -> None:
    e = enrol(VILLAGE_A, 3)
    e.last_month = THIS_MONTH.replace(year=THIS_MONTH.year - 1)
    e.save(update_fields=["last_month"])
    enrol(VILLAGE_A, 2)
    cockpit_month_compute(actor=SYSTEM, month=THIS_MONTH)
    assert _value(TOWN_A, "enrolled") == 2


def test_alerts_are_counted_by_rule_with_those_closed(make_person: Callable[..., Any]) -> None:
    run = ScreeningRun.objects.create(month=f"{THIS_MONTH:%Y-%m}", status="published")
    for i, status in enumerate(("open", "closed", "dismissed", "open")):
        p = make_person(village=VILLAGE_A)
        Alert.objects.create(
            run=run,
            month=run.month,
            rule="died_dibao",
            rule_name="死亡仍在保",
            severity="high",
            id_hash=f"h{i}",
            id_masked=p.id_masked,
            person=p,
            region_code=VILLAGE_A,
            trend="new",
            work_status=status,
            evidence={},
        )
    cockpit_month_compute(actor=SYSTEM, month=THIS_MONTH)
    assert _value("370811", "alerts", detail="died_dibao") == 4
    assert _value("370811", "alerts_closed", detail="died_dibao") == 2


def test_only_leaders_read_the_cockpit(make_user: Callable[..., Any]) -> None:
    assert _client(make_user("township_clerk", TOWN_A)).get("/cockpit/").status_code == 403
    assert _client(make_user("city_officer", "370800")).get("/cockpit/").status_code == 200
    assert _client(make_user("auditor", "370800")).get("/cockpit/?region=370811").status_code == 200


def test_a_county_officer_sees_only_their_county(make_user: Callable[..., Any]) -> None:
    c = _client(make_user("county_officer", "370811"))
    assert c.get("/cockpit/?region=370812").status_code == 404
    assert c.get("/cockpit/?region=370800").status_code == 404
    assert c.get("/cockpit/?region=370812001").status_code == 404
    own = c.get("/cockpit/")
    assert own.status_code == 200 and own.context["region"].code == "370811"
    assert c.get("/cockpit/list/?region=370812&measure=enrolled").status_code == 404


def test_the_city_drills_down_to_a_county_a_township_and_the_list_behind_the_figure(
    two_counties: list[Any], make_user: Callable[..., Any]
) -> None:
    c = _client(make_user("city_officer", "370800"))
    city = c.get("/cockpit/").content.decode()
    assert "?region=370811&amp;month=" in city and "jining-counties.geojson" in city
    county = c.get("/cockpit/?region=370811").content.decode()
    assert f"?region={TOWN_A}&amp;month=" in county
    town = c.get(f"/cockpit/?region={TOWN_A}")
    assert town.context["board"].here.totals["enrolled"] == 5
    listing = c.get(f"/cockpit/list/?region={TOWN_A}&measure=enrolled&detail=dibao")
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == 2
    assert {e.region_code[:9] for e in listing.context["page"]} == {TOWN_A}


def test_the_list_behind_a_figure_matches_the_figure(
    two_counties: list[Any], make_user: Callable[..., Any]
) -> None:
    c = _client(make_user("city_officer", "370800"))
    c.get("/cockpit/?region=370812")
    listing = c.get("/cockpit/list/?region=370812&measure=enrolled")
    assert sum(e.members_covered for e in listing.context["page"]) == _value("370812", "enrolled")


def test_the_page_costs_the_same_queries_for_the_city_as_for_a_township(
    two_counties: list[Any], make_user: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    for m in months_back(THIS_MONTH):
        cockpit_month_compute(actor=SYSTEM, month=m)
    c = _client(make_user("city_officer", "370800"))
    c.get("/cockpit/")  # session and caches warm
    # 13: one of them asks which months' screening runs were published after their figures were stored
    with django_assert_max_num_queries(13):
        assert c.get("/cockpit/").status_code == 200
    with django_assert_max_num_queries(13):
        assert c.get("/cockpit/?region=370811").status_code == 200
    with django_assert_max_num_queries(13):
        assert c.get(f"/cockpit/?region={TOWN_A}").status_code == 200


def test_opening_a_month_nobody_computed_stores_it_once(
    two_counties: list[Any], make_user: Callable[..., Any]
) -> None:
    c = _client(make_user("city_officer", "370800"))
    c.get("/cockpit/")
    assert set(CockpitFigure.objects.values_list("month", flat=True)) == set(months_back(THIS_MONTH))
    before = CockpitFigure.objects.count()
    c.get("/cockpit/")
    assert CockpitFigure.objects.count() == before


@pytest.mark.parametrize("bad", ["2025-13", "abc", "2026-11-05", "1e308"])
def test_a_bad_month_is_told_on_the_page_in_chinese_not_redirected(
    make_user: Callable[..., Any], bad: str
) -> None:
    c = _client(make_user("city_officer", "370800"))
    r = c.get(f"/cockpit/?month={bad}")
    assert r.status_code == 200  # the page itself, no redirect
    page = r.content.decode()
    assert 'id="month-error"' in page
    assert "月份应为“年-月”格式，例如 2026-11" in r.context["month_error"]
    assert "年-月-日" not in page
    assert r.context["month"] == THIS_MONTH  # the latest month with data instead


def test_the_excel_holds_the_figures_of_the_region_and_is_audited(
    two_counties: list[Any], make_user: Callable[..., Any]
) -> None:
    user = make_user("city_officer", "370800")
    cockpit_month_compute(actor=SYSTEM, month=THIS_MONTH)
    r = _client(user).get(f"/cockpit/export.xlsx?region=370811&month={THIS_MONTH:%Y-%m}")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert ("任城区", "保障人数", "最低生活保障", 5) in {(r[1], r[2], r[3], r[4]) for r in rows[1:]}
    assert AuditLog.objects.filter(actor=user, event_type="export", target_type="cockpit.figures").exists()


def test_a_county_officer_cannot_recompute_a_month(make_user: Callable[..., Any]) -> None:
    with pytest.raises(Denied):
        cockpit_month_compute(actor=make_user("county_officer", "370811"), month=THIS_MONTH)


def test_a_computed_target_gets_its_light_from_the_stored_figures(make_user: Callable[..., Any]) -> None:
    cockpit_month_compute(actor=SYSTEM, month=dt.date(2023, 12, 1))
    c = _client(make_user("auditor", "370800"))
    rows = {r.target.code: r for r in c.get("/cockpit/targets/").context["rows"]}
    years = {y["year"]: y for y in rows["station_cover"].years}
    assert years[2023]["light"] == "red"  # no township has a social-work station in the test city
    assert years[2023]["shown"] == "0.0%"
    assert years[2022]["light"] == "grey"


@pytest.mark.parametrize(("value", "light"), [("7", "green"), ("6.5", "amber"), ("3", "red")])
def test_an_entered_target_value_lights_by_the_year(
    make_user: Callable[..., Any], value: str, light: str
) -> None:
    officer = make_user("city_officer", "370800")
    target_value_enter(
        actor=officer, target_code="governance_zones", year=2025, value=value, evidence="省民政厅文件"
    )
    c = _client(officer)
    rows = {r.target.code: r for r in c.get("/cockpit/targets/").context["rows"]}
    assert {y["year"]: y["light"] for y in rows["governance_zones"].years}[2025] == light


def test_an_entered_value_needs_evidence_and_is_audited(make_user: Callable[..., Any]) -> None:
    officer = make_user("city_officer", "370800")
    with pytest.raises(ValidationError):
        target_value_enter(actor=officer, target_code="governance_zones", year=2024, value="3", evidence=" ")
    with pytest.raises(ValidationError):
        target_value_enter(actor=officer, target_code="orgs", year=2024, value="3", evidence="x")
    r = _client(officer).post(
        "/cockpit/targets/",
        {"target": "governance_zones", "year": "2024", "value": "abc", "evidence": "文件"},
        follow=True,
    )
    assert r.status_code == 200 and not TargetEntry.objects.exists()
    entry = target_value_enter(
        actor=officer, target_code="township_staff", year=2024, value="0.8", evidence="2024年经办人员统计表"
    )
    assert AuditLog.objects.filter(target_type="cockpit.target_entry", target_id=str(entry.pk)).exists()


def test_an_auditor_reads_the_targets_but_cannot_enter_one(make_user: Callable[..., Any]) -> None:
    c = _client(make_user("auditor", "370800"))
    assert c.get("/cockpit/targets/").status_code == 200
    r = c.post(
        "/cockpit/targets/", {"target": "governance_zones", "year": "2024", "value": "3", "evidence": "x"}
    )
    assert r.status_code == 403 and not TargetEntry.objects.exists()


def test_every_target_cites_the_plan_and_has_a_course() -> None:
    t = target("social_workers")
    assert t.expected(2025) == 10000 and t.expected(2021) == 6000
    assert target("orgs").expected(2024) == 4762
    assert target("station_cover").expected(2022) is None
    with pytest.raises(ValidationError):
        target("nope")
