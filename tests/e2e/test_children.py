"""Browser run of the children line: a township clerk takes in a de-facto unsupported child from the
parents' situations, an approver decides, and the child is on the month's payroll; the village child
director enters a monthly check on a 390 px phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_a_clerk_takes_in_a_de_facto_unsupported_child_who_is_paid_and_checked(
    city: None, live_server: Any, browser_page: Any
) -> None:
    staff("clerk", "township_clerk", "370811001")
    staff("approver", "township_approver", "370811001")
    staff("county", "county_officer", "370811")
    staff("director", "child_director", "370811001001")
    hh, rows = family(
        "E2E1501",
        [
            ("王秀英", "head", dt.date(1950, 2, 3), "F", "61"),
            ("王小宝", "grandchild", dt.date(2015, 6, 7), "M", "62"),
        ],
    )
    child_id = rows[1]["id_number"]
    base = live_server.url
    page = browser_page

    login(page, base, "clerk")
    page.goto(f"{base}/children/cases/new/")
    page.fill("input[name=id_number]", child_id)
    page.fill("input[name=guardian_name]", "王秀英")
    for prefix, situation, kind, issuer in (
        ("father", "imprisoned", "刑事判决书", "济宁市中级人民法院"),
        ("mother", "lost_contact", "查找不到证明", "任城区公安分局"),
    ):
        page.select_option(f"select[name={prefix}_situation]", situation)
        page.fill(f"input[name={prefix}_evidence_kind]", kind)
        page.fill(f"input[name={prefix}_evidence_number]", f"{prefix}-2024-1")
        page.fill(f"input[name={prefix}_evidence_date]", "2024-03-01")
        page.fill(f"input[name={prefix}_evidence_issuer]", issuer)
    page.click("#child-intake button[type=submit]")
    page.wait_for_selector("#case-state")
    assert "已受理" in page.inner_text("#case-state")
    page.click("#action-verify")
    page.wait_for_selector("text=已核实")
    case_url = page.url

    login(page, base, "approver")
    page.goto(case_url)
    page.click("#action-decide")
    page.wait_for_selector("#child-decision")
    assert "事实无人抚养儿童" in page.inner_text("#child-decision")
    assert "服刑在押、失联" in page.inner_text("#child-why")

    login(page, base, "county")
    month = timezone.localdate().replace(day=1)
    page.goto(f"{base}/payroll/")
    page.select_option("#county", "370811")
    page.fill("input[name=month]", f"{month:%Y-%m}")
    page.click("#do-generate")
    page.wait_for_selector("#lines")
    assert "王小宝" in page.inner_text("#lines")

    page.set_viewport_size({"width": 390, "height": 800})
    login(page, base, "director")
    page.goto(f"{base}/children/checks/")
    page.click("text=去核查")
    page.check("input[name=seen]")
    page.check("input[name=living_ok]")
    page.fill("textarea[name=note]", "见到本人，生活正常")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#child-check button[type=submit]")
    page.wait_for_selector("text=本月已核查")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert hh.pk


def test_the_director_opens_a_childs_file_on_a_phone_assesses_the_guardian_and_checks_the_month(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.children import services as svc
    from minzheng.people.models import Person

    clerk = staff("clerk2", "township_clerk", "370811001")
    approver = staff("approver2", "township_approver", "370811001")
    staff("director2", "child_director", "370811001001")
    family(
        "E2E1502",
        [
            ("李桂兰", "head", dt.date(1952, 4, 5), "F", "71"),
            ("李小雨", "grandchild", dt.date(2016, 8, 9), "F", "72"),
        ],
    )
    child = Person.objects.get(name="李小雨")
    case = svc.category_case_intake(
        actor=clerk,
        child=child,
        father={"situation": "dead", **EVIDENCE},
        mother={"situation": "imprisoned", **EVIDENCE},
        guardian_name="李桂兰",
    )
    svc.category_case_verify(actor=clerk, case=case)
    svc.category_case_decide(actor=approver, case=case)
    base = live_server.url
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, base, "director2")

    page.goto(f"{base}/children/files/")
    page.click("#child-unfiled button[type=submit]")
    page.wait_for_selector("#file-guardian")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#file-edit")
    page.fill("input[name=school_name]", "唐口街道中心小学")
    page.fill("input[name=school_grade]", "三年级")
    page.select_option("select[name=school_status]", "enrolled")
    page.select_option("select[name=guardian_relation]", "grandparent")
    page.fill("input[name=guardian_name]", "李桂兰")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#file-form button[type=submit]")
    page.wait_for_selector("#file-school")
    assert "唐口街道中心小学" in page.inner_text("#file-school")

    page.click("#file-assess")
    for code in ("lives_with", "guardian_health", "income", "housing", "schooling", "daily_care", "safety"):
        page.check(f"input[name={code}]")
    page.fill("input[name=follow_up_on]", (timezone.localdate() + dt.timedelta(days=180)).isoformat())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#assess-form button[type=submit]")
    page.wait_for_selector("#file-assessment")
    assert "有监护能力" in page.inner_text("#file-assessment") and "90" in page.inner_text("#file-assessment")

    page.goto(f"{base}/children/checks/")
    page.click("text=去核查")
    for name in ("seen", "living_ok", "schooling_ok", "health_ok", "guardian_ok", "situation_unchanged"):
        page.check(f"input[name={name}]")
    page.click("#child-check button[type=submit]")
    page.wait_for_selector("text=本月已核查")
    page.goto(f"{base}/children/files/{child.pk}/")
    assert "月度核查" in page.inner_text("#file-checks")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


EVIDENCE = {
    "evidence_kind": "证明",
    "evidence_number": "E2E-1",
    "evidence_date": dt.date(2024, 3, 1),
    "evidence_issuer": "任城区人民法院",
}


def test_the_county_officer_files_a_report_for_a_child_without_papers_and_a_refusal_keeps_the_form(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.protection.models import ProtectionCase

    staff("ertong_e2e", "child_welfare_officer", "370811")
    base = live_server.url
    page = browser_page
    login(page, base, "ertong_e2e")
    page.goto(f"{base}/protection/report/")
    page.select_option("select[name=source]", "police")
    page.fill("input[name=reported_on]", timezone.localdate().isoformat())
    page.fill("textarea[name=summary]", "派出所在车站发现一名独自流浪的儿童，无法说清住址")
    page.check("input[name=child_known][value=no]")
    page.select_option("#place-township", "370811001")
    page.wait_for_selector("#place-village option[value='370811001001']", state="attached")
    page.select_option("#place-village", "370811001001")
    page.fill("input[name=found_place]", "火车站候车室")
    page.select_option("select[name=sex]", "F")
    page.fill("input[name=estimated_age]", "30")
    page.fill("textarea[name=description]", "短发，红色外套，说本地口音")
    page.click("#report-form button")
    page.wait_for_selector("text=估计年龄应小于18岁")
    # Nothing is lost: 性别, 村 and the rest are as entered; only the age is corrected.
    assert page.input_value("select[name=sex]") == "F"
    assert page.input_value("#place-village") == "370811001001"
    assert page.is_checked("input[name=child_known][value=no]")
    assert not ProtectionCase.objects.exists()
    page.fill("input[name=estimated_age]", "7")
    page.click("#report-form button")
    page.wait_for_url("**/protection/*/")
    case = ProtectionCase.objects.get()
    assert case.child.sex == "F" and case.child.region_code == "370811001001" and not case.child.id_hash


def test_the_director_on_a_phone_is_refused_an_empty_check(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.benefits.services import enrolment_create
    from minzheng.children.models import MonthlyCheck
    from minzheng.people.models import Person

    staff("director3", "child_director", "370811001001")
    family(
        "E2E1503",
        [
            ("赵凤英", "head", dt.date(1951, 5, 6), "F", "81"),
            ("赵小满", "grandchild", dt.date(2014, 9, 9), "M", "82"),
        ],
    )
    child = Person.objects.get(name="赵小满")
    enrolment_create(
        actor=None,
        programme="child",
        person=child,
        household=None,
        amount=1540,
        first_month=timezone.localdate().replace(day=1),
    )
    base = live_server.url
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, base, "director3")
    page.goto(f"{base}/children/checks/{child.pk}/")
    # each box on the row of its words (the walk found them on lines of their own at 390 px)
    for label in page.query_selector_all("#child-check label.check-item"):
        box = label.query_selector("input[type=checkbox]").bounding_box()
        words = label.query_selector("span").bounding_box()
        assert box["x"] + box["width"] <= words["x"]
        assert words["y"] <= box["y"] + box["height"] / 2 <= words["y"] + words["height"]
    page.fill("textarea[name=note]", "电话联系，孩子在外婆家")
    page.click("#child-check button[type=submit]")
    page.wait_for_selector("text=未勾选任何核查项目")
    assert page.input_value("textarea[name=note]") == "电话联系，孩子在外婆家"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not MonthlyCheck.objects.exists()
