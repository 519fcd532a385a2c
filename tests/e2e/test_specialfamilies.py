"""Browser run of a special-difficulty family's entitlements (issue 19's Done-when): a dibao household with
a severely disabled member and a pupil is found in the family list; the person page shows the categories
and entitlements; the county grants the hospital out-of-pocket aid and the pupil's school aid from the
panel; the county prepares the spring festival condolence list and the finance officer decides it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_a_special_difficulty_familys_entitlements(city: None, live_server: Any, browser_page: Any) -> None:
    from django.utils import timezone

    from minzheng.accounts.system import system_actor
    from minzheng.benefits.models import Enrolment
    from minzheng.benefits.services import enrolment_create
    from minzheng.disability.services import application_intake

    clerk = staff("clerk", "township_clerk", "370811001")
    staff("officer", "county_officer", "370811")
    staff("finance", "county_finance", "370811")
    today = timezone.localdate()
    month = today.replace(day=1)
    pupil_birth = today.replace(year=today.year - 11, day=1)
    hh, rows = family(
        "E2E1901",
        [
            ("甄困难", "head", dt.date(1975, 2, 3), "M", "61"),
            ("甄重残", "spouse", dt.date(1976, 4, 5), "F", "62"),
            ("甄小学", "child", pupil_birth, "F", "64"),
        ],
    )
    head = hh.memberships.get(relation="head").person
    disabled = hh.memberships.get(relation="spouse").person
    pupil = hh.memberships.get(relation="child").person
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=head,
        household=hh,
        amount=900,
        first_month=month,
    )
    application_intake(
        actor=clerk,
        person=disabled,
        certificate_no=rows[1]["id_number"] + "41",
        grade=1,
        kind="physical",
        issued_on=dt.date(2019, 3, 1),
    )

    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "officer")
    page.goto(f"{base}/specialfamilies/?category=1")
    assert "甄重残" in page.inner_text("#sf-members")
    page.goto(f"{base}/specialfamilies/?category=5")
    assert "甄小学" in page.inner_text("#sf-members")

    page.goto(f"{base}/people/{disabled.pk}/")
    panel = page.inner_text("#sf-panel")
    assert "低保家庭失能人员" in panel and "重度失能" in panel
    page.click("text=发放在校生教育补助或住院医疗费用救助")
    page.fill("input[name=out_of_pocket]", "3200.40")
    page.fill("input[name=note]", "市人民医院 2026-118")
    page.click("#sf-grant-medical")
    page.wait_for_selector("#sf-received")
    assert "特殊困难家庭住院医疗费用救助" in page.inner_text("#sf-received")
    assert "3200元" in page.inner_text("#sf-received")
    # care services (基本生活照料) ordered through homecare from the same panel, at 390 px
    page.click("text=下单照护服务（由12349派单上门）")
    page.click("#sf-care-order")
    page.wait_for_selector("#sf-care-orders")
    assert "已受理" in page.inner_text("#sf-care-orders") and "甄重残" in page.inner_text("#sf-care-orders")

    page.goto(f"{base}/people/{pupil.pk}/")
    page.click("text=发放在校生教育补助或住院医疗费用救助")
    page.fill("input[name=school_year]", "2026-2027学年")
    page.click("#sf-grant-student")
    page.wait_for_selector("#sf-received")
    assert "在校生教育补助" in page.inner_text("#sf-received")

    page.goto(f"{base}/specialfamilies/condolence/")
    page.select_option("select[name=festival]", "spring")
    page.fill("input[name=year]", str(today.year + 1 if today.month >= 10 else today.year))
    page.fill("input[name=month]", f"{month:%Y-%m}")
    page.click("#condolence-prepare")
    page.wait_for_selector("#sf-condolence-lines")
    assert "甄重残" in page.inner_text("#sf-condolence-lines")
    assert page.query_selector("#condolence-decide") is None  # the maker does not check
    run_url = page.url

    login(page, base, "finance")
    page.goto(run_url)
    page.click("#condolence-decide")
    page.wait_for_selector("text=名单已审定")
    assert "已审定" in page.inner_text("#condolence-state")
    paid = Enrolment.objects.filter(person=disabled, programme__in=("sf_festival", "sf_medical"))
    assert sorted((e.programme, e.monthly_amount) for e in paid) == [
        ("sf_festival", 300),
        ("sf_medical", 3200),
    ]
