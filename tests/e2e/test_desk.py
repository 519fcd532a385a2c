"""The desk in a real browser: each role's 首页 shows its own to-dos, the family form keeps its rows after
a bad ID, the Excel export downloads a file, the intake form's programme sections and region cascade
work without inline script, and the village assistant's pages fit a 390 px phone."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e

TOWN = "370811001"
VILLAGE = "370811001001"


def _shot(page: Any, name: str) -> None:
    os.makedirs("test-results", exist_ok=True)
    page.screenshot(path=f"test-results/{name}.png", full_page=True)


@pytest.fixture
def desk(clerk: Any) -> dict[str, Any]:
    """A draft, a case in 核对, an open alert and a user per role."""
    from django.utils import timezone

    from minzheng.assistance import services as svc
    from minzheng.monitoring.models import Alert, ScreeningRun

    users = {
        "clerk": clerk,
        "cunxieli": staff("cunxieli", "village_assistant", VILLAGE),
        "shenpi": staff("shenpi", "township_approver", TOWN),
        "xianji": staff("xianji", "county_officer", "370811"),
        "caiwu": staff("caiwu", "county_finance", "370811"),
        "shiji": staff("shiji", "city_officer", "370800"),
        "shenji": staff("shenji", "auditor", "370800"),
        "admin": staff("admin", "sysadmin", "370800"),
    }
    apps = []
    for n, (name, seq) in enumerate([("褚大山", "61"), ("卫小河", "62")]):
        hh, _ = family(f"E2ED{n}", [(name, "head", dt.date(1961, 1, 1 + n), "M", seq)])
        apps.append(
            svc.application_create(
                actor=users["cunxieli"],
                programme="dibao",
                household=hh,
                applicant=hh.memberships.get().person,
                declared={
                    "members": [{"person_id": hh.memberships.get().person_id, "monthly_wage": 200}],
                    "assets": {"financial": 0, "vehicles": [], "residential_properties": 1},
                },
            )
        )
    submitted = apps[1]
    svc.application_sign_authorisation(actor=clerk, application=submitted, signed_on=timezone.localdate())
    svc.application_submit(actor=clerk, application=submitted)
    run = ScreeningRun.objects.create(month="2025-07", status="published")
    Alert.objects.create(
        run=run,
        month="2025-07",
        rule="dibao_income",
        rule_name="收入超过低保标准",
        severity="high",
        id_hash="c" * 64,
        id_masked="370811********0013",
        household_no=apps[0].household.number,
        household=apps[0].household,
        region_code=VILLAGE,
        evidence={"月收入": 3000},
        trend="new",
    )
    return {"users": users, "apps": apps}


HOMES = {
    "cunxieli": ("草稿（待签授权书、提交受理）", "褚大山", "动态监测预警待处理"),
    "clerk": ("已受理，待开始核对", "卫小河", "公示异议待核实"),
    "shenpi": ("公示期满，待审批", "提级复审待县级决定"),
    "xianji": ("本月发放名册待生成", "到期待核查"),
    "caiwu": ("已冻结名册待生成银行代发文件",),
    "shiji": ("各县(市、区)待处理预警", "任城区"),
    "shenji": ("近7天被拒绝的操作", "近7天查看完整信息"),
    "admin": ("在用账号", "村协理员"),
}


def test_each_role_lands_on_its_own_to_dos(desk: dict[str, Any], live_server: Any, browser_page: Any) -> None:
    page = browser_page
    for username, expected in HOMES.items():
        login(page, live_server.url, username)
        todos = page.inner_text("#todos")
        for text in expected:
            assert text in todos, (username, text)
    login(page, live_server.url, "cunxieli")
    assert page.inner_text("#todo-drafts .count") == "1"
    page.click("#todo-drafts li a")
    page.wait_for_url(f"**/assistance/{desk['apps'][0].pk}/")
    _shot(page, "desk-home-after-click")


def test_the_family_form_keeps_its_six_rows_after_a_bad_id(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from minzheng.core.idnumber import make_id_number
    from minzheng.people.models import Person

    page = browser_page
    login(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/households/new/")
    page.fill("input[name=number]", "E2EFORM1")
    ids = [make_id_number("370811", dt.date(1950 + 9 * i, 2, 2 + i), 70 + i, "MF"[i % 2]) for i in range(6)]
    ids[3] = ids[3][:-1] + ("0" if ids[3][-1] != "0" else "1")
    for i, idn in enumerate(ids, start=1):
        page.fill(f"input[name=name_{i}]", f"成员{i}")
        page.fill(f"input[name=id_number_{i}]", idn)
        page.fill(f"input[name=phone_{i}]", f"1390000000{i}")
    page.select_option("select[name=relation_6]", "grandchild")
    page.click("#register-household")
    page.wait_for_selector("#row-error-4")
    assert "第4位成员" in page.inner_text("#row-error-4")
    for i, idn in enumerate(ids, start=1):
        assert page.input_value(f"input[name=name_{i}]") == f"成员{i}"
        assert page.input_value(f"input[name=id_number_{i}]") == idn
        assert page.input_value(f"input[name=phone_{i}]") == f"1390000000{i}"
    assert page.input_value("select[name=relation_6]") == "grandchild"
    assert page.input_value("input[name=number]") == "E2EFORM1"
    assert Person.objects.count() == 0
    _shot(page, "desk-family-form-error")
    page.fill("input[name=id_number_4]", make_id_number("370811", dt.date(1977, 2, 5), 73, "F"))
    page.click("#register-household")
    page.wait_for_selector("#members")
    assert Person.objects.count() == 6


def test_the_excel_export_downloads_a_file(clerk: Any, live_server: Any, browser_page: Any) -> None:
    from openpyxl import load_workbook

    from minzheng.people.models import Membership, Person

    hh, _ = family("E2EXLS", [("待改名", "head", dt.date(1966, 6, 6), "M", "81")])
    # the desk refuses such a name; one already stored (an older import) must still export as text
    members = Membership.objects.filter(household=hh).values("person")
    Person.objects.filter(pk__in=members).update(name="=CMD|' /C calc'!A0")
    page = browser_page
    login(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/people/")
    page.wait_for_selector("#results")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read())).active
    assert sheet.cell(row=2, column=1).value == "'=CMD|' /C calc'!A0"
    assert "PK" not in page.inner_text("#results")  # the file did not land in the page


def test_the_intake_form_shows_one_programme_and_cascades_the_place(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    hh, _ = family("E2EINT", [("蒋一帆", "head", dt.date(1970, 7, 7), "M", "91")])
    page = browser_page
    login(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/assistance/new/{hh.pk}/")
    assert not page.is_visible("#section-tekun") and not page.is_visible("#section-temporary")
    page.select_option("#programme", "tekun")
    assert page.is_visible("#section-tekun") and not page.is_visible("#section-temporary")
    page.select_option("#programme", "temporary")
    assert page.is_visible("#section-temporary") and not page.is_visible("#section-tekun")
    assert page.input_value("#place-village") == VILLAGE
    page.select_option("#place-township", "")
    assert page.locator("#place-village option").count() == 1
    page.select_option("#place-township", TOWN)
    page.wait_for_selector("#place-village option[value='370811001002']", state="attached")
    page.select_option("#place-village", "370811001002")
    page.select_option("select[name=emergency_kind]", "urgent")
    page.fill("input[name=amount_requested]", "600")
    page.fill("textarea[name=emergency_description]", "房屋失火")
    _shot(page, "desk-intake-temporary")
    page.click("#create-application")
    page.wait_for_url("**/assistance/*/")
    from minzheng.assistance.models import Application

    assert Application.objects.get().region_code == "370811001002"


def test_the_village_assistants_pages_fit_a_phone(
    desk: dict[str, Any], live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "cunxieli")
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= 390
    assert page.is_visible("#todo-drafts")
    _shot(page, "desk-mobile-home")
    page.goto(f"{live_server.url}/people/")
    page.fill("#q", "褚大山")
    page.press("#q", "Enter")
    page.wait_for_selector("text=褚大山")
    assert page.evaluate(width) <= 390
    assert page.is_visible("#export-xlsx")
    _shot(page, "desk-mobile-search")
    for path in ("/monitoring/", "/assistance/", "/policy/"):  # the worklists a village worker opens
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(width) <= 390, path
