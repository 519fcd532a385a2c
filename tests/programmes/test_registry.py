"""The programme registry is the one door a line comes in by: an unknown code is refused everywhere a
code is written, and a programme registered here (in a test, without editing any other file) shows up in
the engine's person columns and rule list, the navigation, the API and the trial calculation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from ninja import NinjaAPI

from minzheng.api import mount_programmes
from minzheng.assistance.assess import assess
from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment, PayrollLine
from minzheng.benefits.services import enrolment_create, payroll_generate
from minzheng.monitoring.engine import rules as R
from minzheng.programmes.checks import registry_consistent
from minzheng.programmes.registry import (
    NavEntry,
    Programme,
    api_routes,
    nav_entries,
    programme,
    programmes,
    register_nav,
    register_programme,
    unregister_nav,
    unregister_programme,
)
from minzheng.programmes.screening import Rule, evidence
from tests.conftest import TOWN_A

FAKE_RULE = Rule(
    code="fake_line_check",
    name="测试项目核查",
    programme="fake_line",
    sources=("persons",),
    severity="low",
    action="核查",
    sql="SELECT pid, hid, region AS region_code, " + evidence(说明="'测试'") + " AS evidence "
    "FROM person WHERE in_fake_line AND {{fake_line.limit}} > 0",
)


def _fake_trial(data: dict[str, Any]) -> dict[str, Any]:
    return {"programme": "fake_line", "eligible": True, "monthly_amount": 7}


FAKE = Programme(
    code="fake_line",
    name="测试项目",
    name_en="Test line",
    app_label="tests",
    unit="person",
    payable=True,
    frequency="monthly",
    trial=_fake_trial,
    policy_prefixes=("fake_line.",),
    screening=lambda: [FAKE_RULE],
    nav=(NavEntry("测试项目", "home", "audit.read", order=90),),
    api="tests.programmes.fake_api:router",
    order=99,
)


@pytest.fixture
def fake() -> Iterator[Programme]:
    register_programme(FAKE)
    yield FAKE
    unregister_programme(FAKE.code)


# ---------------------------------------------------------------- unknown codes
def test_an_unknown_programme_code_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(ValidationError, match="未登记的保障项目"):
        programme("welfare")
    assert programme("high_age").name == "高龄津贴"
    assert [p.code for p in programmes()][:3] == ["dibao", "tekun", "temporary"]


def test_an_enrolment_under_an_unknown_code_is_refused_and_nothing_is_written(make_person) -> None:
    person = make_person()
    with pytest.raises(ValidationError, match="未登记的保障项目“welfare”"):
        enrolment_create(
            actor=None,
            programme="welfare",
            person=person,
            household=None,
            amount=100,
            first_month=dt.date(2025, 1, 1),
        )
    assert not Enrolment.objects.exists()
    assert not AuditLog.objects.filter(target_type="enrolment.welfare").exists()


def test_a_payroll_with_an_enrolment_under_an_unregistered_code_is_refused(make_person, make_user) -> None:
    person = make_person()
    # a row no service would write (a line removed, a hand-edited database): the roll stops, pays nothing
    Enrolment.objects.create(
        programme="gone_line",
        person=person,
        region_code=person.region_code,
        monthly_amount=100,
        first_month=dt.date(2025, 1, 1),
    )
    officer = make_user("county_officer", "370811")
    with pytest.raises(ValidationError, match="未登记或不发放资金"):
        payroll_generate(actor=officer, county_code="370811", month=dt.date(2025, 3, 1))
    assert not PayrollLine.objects.exists()


def test_the_trial_calculation_refuses_an_unknown_programme_naming_the_registered_ones(db) -> None:
    with pytest.raises(ValidationError) as err:
        assess({"programme": "welfare"})
    message = err.value.messages[0]
    assert "programme" in message and "high_age" in message and "child" in message


def test_names_are_read_from_the_registry_and_an_unknown_code_never_shows(make_person) -> None:
    person = make_person()
    e = enrolment_create(
        actor=None,
        programme="child",
        person=person,
        household=None,
        amount=10,
        first_month=dt.date(2025, 1, 1),
    )
    assert e.get_programme_display() == "儿童基本生活保障"
    e.programme = "gone_line"
    assert e.get_programme_display() == "其他项目"


# ---------------------------------------------------------------- a new line, registered in a test
def test_a_registered_programme_gets_its_enrolment_column_and_rules_in_the_engine(fake) -> None:
    person = next(s for s in R.STAGES if s.name == "person")
    assert "AS in_fake_line" in person.sql and "AS in_high_age" in person.sql
    codes = [r.code for r in R.RULES]
    assert "fake_line_check" in codes and "died_fake_line" in codes and "paid_after_death_fake_line" in codes
    assert "fake_line.limit" in R.param_keys()
    # the generated SQL runs: the person enrolled in the fake line this month has in_fake_line
    con = duckdb.connect()
    con.execute("CREATE TABLE pfacts AS SELECT * FROM (VALUES (1, 10), (2, 20)) t(pid, hid)")
    con.execute(
        "CREATE TABLE enrol AS SELECT * FROM (VALUES (1, 'fake_line', NULL), (2, 'dibao', NULL)) "
        "t(pid, programme, last_month)"
    )
    query = "SELECT pid, in_fake_line, in_dibao FROM (" + person.sql + ") ORDER BY pid"  # noqa: S608
    rows = con.execute(query).fetchall()
    assert rows == [(1, True, False), (2, False, True)]


def test_the_engine_forgets_a_programme_that_is_no_longer_registered(fake) -> None:
    assert "fake_line_check" in R.RULES_BY_CODE
    unregister_programme(FAKE.code)
    assert "fake_line_check" not in R.RULES_BY_CODE
    assert "in_fake_line" not in next(s for s in R.STAGES if s.name == "person").sql


def test_a_registered_programme_appears_in_the_navigation_behind_its_permission(fake, make_user) -> None:
    auditor, clerk = make_user("auditor", "370800"), make_user("township_clerk", TOWN_A)
    c = Client()
    c.force_login(auditor)
    assert "测试项目" in c.get("/").content.decode()
    c.force_login(clerk)
    page = c.get("/").content.decode()
    assert "测试项目" not in page and "社会救助" in page


def test_the_navigation_is_assembled_in_order_and_each_entry_keeps_its_permission(make_user) -> None:
    labels = [e.label for e in nav_entries()]
    assert labels.index("首页") < labels.index("社会救助") < labels.index("高龄津贴") < labels.index("账号")
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    page = c.get("/").content.decode()
    assert "/elderly/" in page and "/children/" in page and "/audit/" not in page and "/users/" not in page
    c.force_login(make_user("village_assistant", "370811001001"))
    page = c.get("/").content.decode()
    assert "/elderly/" in page and "/children/" not in page  # children's records stay above the village


def test_a_registered_programme_router_is_mounted_on_the_api(fake) -> None:
    assert ("fake_line", "tests.programmes.fake_api:router") in api_routes()
    fresh = NinjaAPI(urls_namespace="registry-test")
    mount_programmes(fresh, [r for r in api_routes() if r[0] == "fake_line"])
    patterns, _app, _namespace = fresh.urls
    assert "fake_line/ping" in [str(p.pattern) for p in patterns]


def test_the_trial_calculation_dispatches_to_a_registered_programme(fake) -> None:
    assert assess({"programme": "fake_line"}) == {
        "programme": "fake_line",
        "eligible": True,
        "monthly_amount": 7,
    }


def test_the_real_api_serves_every_lines_router(make_user) -> None:
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    case = {
        "date": "2021-03-05",
        "region": "370811",
        "hukou_type": "urban",
        "members": [{"id_number": "370811194103200553", "relation": "head"}],
    }
    r = c.post("/api/v1/elderly/assess", case, content_type="application/json")
    assert r.status_code == 200 and r.json()["monthly_amount"] == 50
    r = c.post("/api/v1/children/assess", case, content_type="application/json")
    assert r.status_code == 400 and "儿童类别" in r.json()["detail"]


# ---------------------------------------------------------------- the system check
def test_the_system_check_refuses_a_duplicate_code_and_a_dangling_url_or_permission(db) -> None:
    assert registry_consistent() == []
    twin = Programme(
        code="dibao",
        name="重复",
        name_en="twin",
        app_label="tests",
        unit="person",
        payable=False,
        frequency="once",
    )
    dangling = NavEntry("悬空", "no-such-page", "no.such_permission")
    register_programme(twin)
    register_nav(dangling)
    try:
        ids = sorted(e.id for e in registry_consistent())
    finally:
        unregister_nav(dangling)
        from minzheng.programmes import registry

        registry._PROGRAMMES.remove(twin)
    assert ids == ["programmes.E001", "programmes.E002", "programmes.E003"]
    assert programme("dibao").name == "最低生活保障"


def test_a_code_that_cannot_name_an_engine_column_is_refused_at_registration() -> None:
    bad = Programme(
        code="x; DROP",
        name="坏",
        name_en="bad",
        app_label="tests",
        unit="person",
        payable=False,
        frequency="once",
    )
    with pytest.raises(ValueError, match="项目代码"):
        register_programme(bad)


def _fake_todo(actor: Any, on: dt.date) -> Any:
    from minzheng.core.todos import Item, Todo

    return Todo("fake_cases", "测试个案待跟进", 1, "/", [Item("个案一", "/")])


def test_a_line_without_a_programme_brings_its_navigation_to_dos_and_rules(make_user) -> None:
    from minzheng.programmes.registry import Line, line_todos, lines, register_line, unregister_line
    from minzheng.web.selectors import home_todos

    nav = NavEntry("测试个案", "home", "people.read", order=99)
    rule = Rule(
        code="fake_case_overdue",
        name="测试个案逾期",
        programme="",
        sources=("persons",),
        severity="low",
        action="核查",
        sql="SELECT pid, hid, region AS region_code, " + evidence(说明="'测试'") + " AS evidence "
        "FROM person WHERE FALSE",
    )
    register_line(
        Line(
            code="fake_cases",
            name="测试个案",
            app_label="tests",
            nav=(nav,),
            todos=(("people.read", _fake_todo),),
            screening=lambda: [rule],
        )
    )
    try:
        assert any(x.code == "fake_cases" for x in lines())
        assert nav in nav_entries()
        assert any(f is _fake_todo for _, f in line_todos())
        assert "fake_case_overdue" in {r.code for r in R.rules()}
        clerk = make_user("township_clerk", TOWN_A)
        assert "fake_cases" in [t.key for t in home_todos(actor=clerk, on=dt.date(2026, 11, 1))]
        nobody = make_user("carer", TOWN_A)
        assert "fake_cases" not in [t.key for t in home_todos(actor=nobody, on=dt.date(2026, 11, 1))]
    finally:
        unregister_line("fake_cases")
    assert "fake_case_overdue" not in {r.code for r in R.rules()}
    assert not any(f is _fake_todo for _, f in line_todos())


def test_a_lines_trial_calculation_is_answered_by_the_one_assess_entry(db) -> None:
    from minzheng.programmes.registry import Line, Trial, register_line, unregister_line

    def score(data: dict[str, Any]) -> dict[str, Any]:
        return {"programme": "fake_score", "eligible": True, "monthly_amount": 0, "total": data["a"] * 2}

    register_line(
        Line(
            code="fake_score",
            name="测试评估",
            app_label="tests",
            trials=(Trial("fake_score", "测试评估", score),),
        )
    )
    try:
        assert assess({"programme": "fake_score", "a": 21})["total"] == 42
    finally:
        unregister_line("fake_score")
    with pytest.raises(ValidationError, match="programme"):
        assess({"programme": "fake_score", "a": 21})
