"""Browser run of 身后一件事: a tekun elder with the high-age allowance dies; the township clerk finds him,
fills the one form, records cremation, the hukou notice and the subsidy (free urn, from the enrolment
table), stops every benefit (both programmes, with the overpayment of the months paid after death) and
prints the family's receipt at phone width."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e

MONTHS = [dt.date(2026, m, 1) for m in (7, 8, 9, 10)]


def test_a_death_stops_every_benefit_in_one_form_and_the_family_gets_a_receipt(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.benefits.models import Enrolment
    from minzheng.benefits.services import enrolment_create, payroll_freeze, payroll_generate
    from minzheng.funeral.models import FuneralCase
    from minzheng.funeral.services import facility_create

    staff("xzclerk", "township_clerk", "370811001")
    officer = staff("shehui", "social_affairs_officer", "370811")
    maker = staff("xj1", "county_officer", "370811")
    checker = staff("xj2", "county_officer", "370811")
    hh, _rows = family("E2EF001", [("孔繁德", "head", dt.date(1938, 4, 2), "M", "41")])
    elder = hh.memberships.get().person
    for code, amount in (("tekun", 900), ("high_age", 100)):
        enrolment_create(
            actor=None, programme=code, person=elder, household=None, amount=amount, first_month=MONTHS[0]
        )
    for month in MONTHS:  # rolls frozen before anyone knew of the death
        payroll_freeze(actor=checker, run=payroll_generate(actor=maker, county_code="370811", month=month))
    facility_create(
        actor=officer, name="任城区殡仪馆", kind="funeral_home", level="county", region_code="370811"
    )

    base, page = live_server.url, browser_page
    login(page, base, "xzclerk")
    page.goto(f"{base}/funeral/new/?q=孔繁德")
    page.click("#funeral-found a")
    page.fill("input[name=death_date]", "2026-08-10")
    page.fill("input[name=death_place]", "家中")
    page.fill("input[name=certificate_number]", "J3708112026001")
    page.fill("input[name=family_name]", "孔令军")
    page.fill("input[name=family_relation]", "儿子")
    page.fill("input[name=family_phone]", "13900001234")
    page.click("#funeral-open button")
    page.wait_for_selector("#funeral-state")
    assert "已登记死亡" in page.inner_text("#funeral-state")
    assert "13900001234" not in page.content()

    page.select_option("#funeral-cremation select[name=funeral_home]", label="任城区殡仪馆")
    page.fill("#funeral-cremation input[name=cremated_on]", "2026-08-12")
    page.click("#funeral-cremation button")
    page.click("#funeral-hukou button")
    page.fill("#funeral-subsidy input[name=urn_price]", "3000")  # above the cap: refused, nothing changes
    page.click("#funeral-subsidy button")
    assert "100元至2700元" in page.content()
    page.fill("#funeral-subsidy input[name=urn_price]", "800")
    page.click("#funeral-subsidy button")
    assert "免费提供" in page.inner_text("#funeral-steps")
    page.click("#funeral-stop button")
    stops = page.inner_text("#funeral-stops")
    assert "特困人员救助供养" in stops and "高龄津贴" in stops
    assert "1800" in stops and "200" in stops and "2026年10月" in stops
    assert "2000" in page.inner_text("#funeral-overpayment")
    assert not Enrolment.objects.filter(person=elder, last_month__isnull=True).exists()
    page.click("#funeral-notices button")
    assert "已办结" in page.inner_text("#funeral-state")

    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#funeral-receipt")
    page.wait_for_selector("#receipt-steps")
    receipt = page.inner_text("body")
    for text in ("身后一件事办理回执", "孔令军", "遗体接运与火化", "任城区殡仪馆", "需携带材料", "2000"):
        assert text in receipt, text
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    assert FuneralCase.objects.get().state == "closed"


def test_a_household_members_death_waits_for_the_re_decision_and_the_head_follows_it_in_the_citizen_app(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.assistance.models import Review
    from minzheng.assistance.services import review_decide
    from minzheng.benefits.services import enrolment_create
    from minzheng.funeral.services import facility_create
    from minzheng.people.services import person_set_phone
    from tests.e2e.test_citizen import _sign_in

    staff("xzclerk", "township_clerk", "370811001")
    approver = staff("xzappr", "township_approver", "370811001")
    officer = staff("shehui", "social_affairs_officer", "370811")
    hh, _rows = family(
        "E2EF002",
        [
            ("孔祥林", "head", dt.date(1968, 4, 2), "M", "43"),
            ("颜秀芝", "parent", dt.date(1940, 6, 1), "F", "44"),
        ],
    )
    head = hh.memberships.get(relation="head").person
    mother = hh.memberships.get(relation="parent").person
    person_set_phone(actor=system_actor(purpose="测试数据"), person=head, phone="13900004321")
    enrolment_create(
        actor=None, programme="dibao", person=head, household=hh, amount=1300, first_month=MONTHS[0]
    )
    facility_create(
        actor=officer, name="任城区殡仪馆", kind="funeral_home", level="county", region_code="370811"
    )

    base, page = live_server.url, browser_page
    login(page, base, "xzclerk")
    page.goto(f"{base}/funeral/new/?q=颜秀芝")
    page.click("#funeral-found a")
    page.fill("input[name=death_date]", "2026-08-10")
    page.fill("input[name=death_place]", "家中")
    page.fill("input[name=certificate_number]", "J3708112026002")
    page.fill("input[name=family_name]", "孔祥林")
    page.fill("input[name=family_relation]", "儿子")
    page.click("#funeral-open button")
    page.wait_for_selector("#funeral-state")
    page.select_option("#funeral-cremation select[name=funeral_home]", label="任城区殡仪馆")
    page.fill("#funeral-cremation input[name=cremated_on]", "2026-08-12")
    page.click("#funeral-cremation button")
    page.click("#funeral-hukou button")
    page.fill("#funeral-subsidy input[name=urn_price]", "800")
    page.click("#funeral-subsidy button")
    page.click("#funeral-stop button")
    assert "已发起家庭待遇复核" in page.content()
    assert "待复核决定" in page.inner_text("#funeral-stops")
    assert "1项家庭待遇待复核决定" in page.inner_text("#funeral-pending-reviews")
    assert "已核定丧葬补助" in page.inner_text("#funeral-state")  # not done while the household waits

    review_decide(actor=approver, review=Review.objects.get(), outcome="continue", reasons="户主仍符合条件")
    page.reload()
    page.click("#funeral-stop button")
    assert "待遇已停发" in page.inner_text("#funeral-state")
    assert "复核已决定：继续保障" in page.inner_text("#funeral-stops")
    assert "家庭待遇已重新核定为每月" in page.inner_text("#funeral-stops")  # as the receipt says

    _sign_in(page, base, head.id_number)
    page.click("#citizen-funeral")
    page.click("text=颜秀芝")
    page.wait_for_selector("#funeral-family-steps")
    steps = page.inner_text("#funeral-family-steps")
    assert "停发各项待遇" in steps and "已办结" in steps and "需携带" in steps
    redecided = page.inner_text("#funeral-family-redecided")  # its own heading: it goes on, not stopped
    assert "家庭待遇已重新核定为每月" in redecided and "复核#" not in redecided
    assert "J3708112026002" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    assert mother.pk
