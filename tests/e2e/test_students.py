"""Browser run of 大学生全程资助 (issue 19's Done-when): the township clerk enrols a dibao family's
university student from the person page, records this term's check; a county officer decides this
academic year's aid; the county's finance approves it (a second person), and the month's payroll, generated
by the county officer, pays the year once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_a_students_yearly_aid_is_decided_approved_and_paid(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.accounts.system import system_actor
    from minzheng.benefits.models import PayrollLine
    from minzheng.benefits.services import enrolment_create
    from minzheng.people.models import Person
    from minzheng.policy.selectors import policy_resolve
    from minzheng.students.services import academic_term

    staff("xiangzhen", "township_clerk", "370811001")
    staff("xianji", "county_officer", "370811")
    staff("caiwu", "county_finance", "370811")
    today = timezone.localdate()
    hh, _rows = family(
        "E2E-STU-1",
        [
            ("王秀兰", "head", dt.date(1975, 3, 2), "F", "21"),
            ("王浩然", "child", dt.date(today.year - 19, 5, 6), "M", "33"),
        ],
    )
    head = Person.objects.get(name="王秀兰")
    pupil = Person.objects.get(name="王浩然")
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=head,
        household=hh,
        amount=620,
        members_covered=2,
        first_month=today.replace(day=1),
    )
    year = academic_term(today)[0]
    policy = policy_resolve(on=today, region_code="370811001001", hukou_type="urban")
    expected = min(6800, int(policy.get("students.tuition_cap"))) + int(policy.get("students.living_aid"))
    base, page = live_server.url, browser_page

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "xiangzhen")
    page.goto(f"{base}/people/{pupil.pk}/")
    page.get_by_role("link", name="纳入大学生全程资助").click()
    form = page.locator("#student-form")
    form.locator("input[name=school]").fill("曲阜师范大学")
    form.locator("input[name=major]").fill("汉语言文学")
    form.locator("input[name=student_number]").fill("2026010203")
    form.locator("input[name=entry_year]").fill(str(year))
    form.locator("input[name=graduation_year]").fill(str(year + 4))
    form.get_by_role("button", name="登记").click()
    page.wait_for_selector("#student-status")
    assert "在读" in page.inner_text("#student-status")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#check-form select[name=finding]").select_option("studying")
    page.locator("#check-form").get_by_role("button", name="记录核查").click()
    page.wait_for_selector("#checks")
    assert "在读" in page.inner_text("#checks") and "经办人核实" in page.inner_text("#checks")
    student_url = page.url

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "xianji")
    page.goto(student_url)
    page.locator("#decide-form input[name=tuition_fee]").fill("6800")
    page.locator("#decide-form").get_by_role("button", name="作出决定").click()
    page.wait_for_selector("#award-status")
    assert "待复核" in page.inner_text("#award-status")
    assert page.locator("#approve-form").count() == 0  # not one's own decision
    assert page.inner_text("#award-total").strip() == str(expected)
    award_url = page.url

    login(page, base, "caiwu")
    assert "大学生学年资助待复核" in page.inner_text("main")
    page.goto(award_url)
    page.locator("#approve-form").get_by_role("button", name="复核同意并发放").click()
    page.wait_for_selector("#award-paid")
    assert "已批准" in page.inner_text("#award-status")

    login(page, base, "xianji")
    page.goto(f"{base}/payroll/")
    page.select_option("#county", "370811")
    page.fill("input[name=month]", f"{today:%Y-%m}")
    page.click("#do-generate")
    page.wait_for_selector("#lines")
    assert "王浩然" in page.inner_text("#lines")
    line = PayrollLine.objects.get(programme="students")
    assert line.amount == expected and line.person_id == pupil.pk
    page.goto(f"{base}/students/awards/?year={year}")
    assert "王浩然" in page.inner_text("#award-list") and "已批准" in page.inner_text("#award-list")
