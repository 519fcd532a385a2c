"""统计报表: generated set-based for a closed month or quarter, by programme with urban/rural, locked once
filed (by whom, when), exported with the bureau's header, corrected as new versions that keep the filed
one; read and written only in the bureau's own region."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.accounts.permissions import Denied
from minzheng.audit.models import AuditLog
from minzheng.cockpit.models import StatReport
from minzheng.cockpit.reports import period_bounds
from minzheng.cockpit.services import stat_report_correct, stat_report_file, stat_report_generate
from tests.conftest import VILLAGE_A, VILLAGE_B


def _last_quarter() -> dt.date:
    start, _ = period_bounds("quarterly", timezone.localdate())
    return period_bounds("quarterly", start - dt.timedelta(days=1))[0]


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _row(report: StatReport, section: int, name: str) -> list[str]:
    return next(r for r in report.tables[section]["rows"] if r[0] == name)


@pytest.fixture
def enrolled(enrol: Callable[..., Any]) -> None:
    enrol(VILLAGE_A, 3, amount=500, first=dt.date(2020, 1, 1))
    enrol(VILLAGE_A, 2, amount=400, first=dt.date(2020, 1, 1))
    enrol(VILLAGE_B, 4, amount=700, first=dt.date(2020, 1, 1))


def test_a_quarterly_report_counts_households_and_persons_by_programme_and_hukou(
    enrolled: None, make_user: Callable[..., Any]
) -> None:
    city = stat_report_generate(
        actor=make_user("city_officer", "370800"),
        kind="quarterly",
        period=_last_quarter(),
        region_code="370800",
    )
    dibao = [int(v) for v in _row(city, 0, "最低生活保障")[1:7]]
    assert dibao[4:] == [3, 9]  # 3 households, 9 persons in the city
    assert dibao[0] + dibao[2] == 3 and dibao[1] + dibao[3] == 9  # urban + rural = total
    county = stat_report_generate(
        actor=make_user("county_officer", "370811"),
        kind="quarterly",
        period=_last_quarter(),
        region_code="370811",
    )
    assert [int(v) for v in _row(county, 0, "最低生活保障")[5:7]] == [2, 5]
    assert county.period_end == period_bounds("quarterly", _last_quarter())[1]


def test_a_filed_report_is_locked_and_a_correction_is_a_new_version_that_keeps_the_first(
    enrolled: None, enrol: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    officer = make_user("county_officer", "370811")
    v1 = stat_report_generate(actor=officer, kind="monthly", period=_last_quarter(), region_code="370811")
    stat_report_file(actor=officer, report=v1, unit_head="张局长")
    v1.refresh_from_db()
    assert v1.status == "filed" and v1.filed_by == officer and v1.filed_at is not None
    with pytest.raises(ValidationError, match="已报出并锁定"):
        stat_report_generate(actor=officer, kind="monthly", period=_last_quarter(), region_code="370811")
    with pytest.raises(ValidationError, match="已报出"):
        stat_report_file(actor=officer, report=v1, unit_head="张局长")
    enrol(VILLAGE_A, 6, amount=900, first=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="更正原因"):
        stat_report_correct(actor=officer, report=v1, reason=" ")
    v2 = stat_report_correct(actor=officer, report=v1, reason="补录漏报低保户")
    assert v2.version == 2 and v2.status == "draft"
    assert [int(v) for v in _row(v2, 0, "最低生活保障")[5:7]] == [3, 11]
    v1.refresh_from_db()
    assert [int(v) for v in _row(v1, 0, "最低生活保障")[5:7]] == [2, 5]  # v1 reads as filed
    with pytest.raises(ValidationError, match="最新版本"):
        stat_report_correct(actor=officer, report=v1, reason="再改")


def test_a_county_cannot_report_for_another_county_or_read_its_reports(
    enrolled: None, make_user: Callable[..., Any]
) -> None:
    other = make_user("county_officer", "370812")
    with pytest.raises(Denied):
        stat_report_generate(actor=other, kind="monthly", period=_last_quarter(), region_code="370811")
    mine = stat_report_generate(
        actor=make_user("county_officer", "370811"),
        kind="monthly",
        period=_last_quarter(),
        region_code="370811",
    )
    c = _client(other)
    assert c.get(f"/cockpit/reports/{mine.pk}/").status_code == 404
    assert c.get(f"/cockpit/reports/{mine.pk}/export.xlsx").status_code == 404
    assert mine.pk not in {r["report"].pk for r in c.get("/cockpit/reports/").context["rows"]}
    assert _client(make_user("township_clerk", "370811001")).get("/cockpit/reports/").status_code == 403


def test_the_report_is_generated_filed_and_exported_with_the_bureaus_header_through_the_pages(
    enrolled: None, make_user: Callable[..., Any]
) -> None:
    officer = make_user("city_officer", "370800")
    c = _client(officer)
    r = c.post(
        "/cockpit/reports/", {"kind": "quarterly", "period": f"{_last_quarter():%Y-%m}", "region": "370800"}
    )
    report = StatReport.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cockpit/reports/{report.pk}/"
    page = c.get(f"/cockpit/reports/{report.pk}/")
    assert page.context["actions"] == {"file": True, "regenerate": True, "correct": False}
    c.post(f"/cockpit/reports/{report.pk}/", {"action": "file", "unit_head": "李局长"})
    page = c.get(f"/cockpit/reports/{report.pk}/")
    assert page.context["actions"] == {"file": False, "regenerate": False, "correct": True}
    x = c.get(f"/cockpit/reports/{report.pk}/export.xlsx")
    lines = [
        [v for v in row if v is not None]
        for row in load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True)
    ]
    text = "\n".join(str(v) for row in lines for v in row)
    assert "填报单位：济宁市民政局" in text and "单位负责人：李局长" in text
    assert "表号：民统2表" in text and "制表机关：济宁市民政局" in text
    assert "统计期：" in text and "填表人：" in text and f"报出日期：{timezone.localdate():%Y-%m-%d}" in text
    assert ["最低生活保障", *[float(v) for v in _row(report, 0, "最低生活保障")[1:]]] in lines
    assert AuditLog.objects.filter(
        actor=officer, event_type="export", target_type="statistics.report"
    ).exists()


def test_bad_input_to_the_report_form_gets_a_chinese_message_and_changes_nothing(
    make_user: Callable[..., Any],
) -> None:
    c = _client(make_user("city_officer", "370800"))
    next_month = (timezone.localdate().replace(day=28) + dt.timedelta(days=5)).strftime("%Y-%m")
    for data in (
        {"kind": "monthly", "period": "2025-13", "region": "370800"},
        {"kind": "weekly", "period": "2025-01", "region": "370800"},
        {"kind": "monthly", "period": "2025-01", "region": "370811001"},
        {"kind": "monthly", "period": f"{timezone.localdate():%Y-%m}", "region": "370800"},
        {"kind": "monthly", "period": next_month, "region": "370800"},
    ):
        r = c.post("/cockpit/reports/", data)
        assert r.status_code == 200, data
        assert [str(m) for m in r.context["messages"]], data
    assert not StatReport.objects.exists()


def test_the_report_list_costs_the_same_queries_for_many_reports(
    enrolled: None, make_user: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    officer = make_user("city_officer", "370800")
    for month in range(1, 7):
        stat_report_generate(
            actor=officer, kind="monthly", period=dt.date(2025, month, 1), region_code="370800"
        )
    c = _client(officer)
    c.get("/cockpit/reports/")
    with django_assert_max_num_queries(10):
        assert c.get("/cockpit/reports/").status_code == 200


def test_a_formula_or_an_empty_unit_head_is_refused_with_a_message(
    enrolled: None, make_user: Callable[..., Any]
) -> None:
    officer = make_user("county_officer", "370811")
    report = stat_report_generate(actor=officer, kind="monthly", period=_last_quarter(), region_code="370811")
    with pytest.raises(ValidationError, match="不能以"):
        stat_report_file(actor=officer, report=report, unit_head='=HYPERLINK("http://x","点我")')
    with pytest.raises(ValidationError, match="请填写单位负责人"):
        stat_report_file(actor=officer, report=report, unit_head="  ")
    report.refresh_from_db()
    assert report.status == "draft"
