"""Browser run of the two subsidies: the township clerk takes in a certificate, the township approver
decides (the why page, the letter), the county officer's payroll holds both subsidies; after a death the
registered automatic stop leaves the person out of the next month's roll."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_intake_decision_payroll_and_a_death_stops_it(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.benefits.services import add_months
    from minzheng.programmes.registry import programme

    staff("clerk", "township_clerk", "370811001")
    staff("approver", "township_approver", "370811001")
    staff("officer", "county_officer", "370811")
    hh, rows = family("E2E0901", [("孟残疾", "head", dt.date(1970, 3, 4), "M", "51")])
    head = hh.memberships.get(relation="head").person
    id_number = rows[0]["id_number"]
    month = timezone.localdate().replace(day=1)

    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "clerk")
    page.goto(f"{base}/disability/new/")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=certificate_no]", id_number + "41")
    page.select_option("select[name=kind]", "physical")
    page.select_option("select[name=grade]", "1")
    page.fill("input[name=issued_on]", "2020-05-06")
    page.check("input[name=household_dibao]")
    page.click("#disability-intake button[type=submit]")
    page.wait_for_selector("#disability-status")
    assert "待审批" in page.inner_text("#disability-status")
    assert page.query_selector("#disability-decide") is None  # the clerk does not decide
    detail = page.url

    login(page, base, "approver")
    page.goto(detail)
    page.click("#disability-decide")
    page.wait_for_selector("#disability-why")
    assert "已批准" in page.inner_text("#disability-status")
    assert "肢体残疾一级" in page.inner_text("#disability-why")
    page.click("text=决定书")
    page.wait_for_selector("#disability-letter")
    letter = page.inner_text("#disability-letter")
    assert "残补〔" in letter and "行政复议" in letter and "每月110元" in letter and id_number not in letter

    login(page, base, "officer")
    page.goto(f"{base}/payroll/")
    page.select_option("#county", "370811")
    page.fill("input[name=month]", f"{month:%Y-%m}")
    page.click("#do-generate")
    page.wait_for_selector("#lines")
    assert page.inner_text("#run-total") == "220"

    # a death this month: the screening's died_dis_* alerts run the registered automatic stop
    for code in ("dis_living", "dis_care"):
        action = next(a for a in programme(code).automatic if a.rule == f"died_{code}")
        alert = SimpleNamespace(
            person=head, household=hh, rule=f"died_{code}", evidence={"死亡日期": str(month)}
        )
        assert action.run(actor=None, alert=alert, month=month, source_id=1) == 1
    page.goto(f"{base}/payroll/")
    page.select_option("#county", "370811")
    page.fill("input[name=month]", f"{add_months(month, 1):%Y-%m}")
    page.click("#do-generate")
    page.wait_for_selector("#lines")
    assert "孟残疾" not in page.inner_text("#lines")


def test_a_device_loan_falls_overdue_shows_on_the_home_card_and_is_returned_on_a_phone(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.disability import services
    from minzheng.disability.models import DeviceLoan, DeviceStock

    clerk = staff("clerk", "township_clerk", "370811001")
    _, rows = family("E2E0902", [("邹借用", "head", dt.date(1962, 8, 9), "M", "52")])
    id_number = rows[0]["id_number"]
    site = services.rehab_site_create(actor=clerk, name="王邹康复站", region_code="370811001001", capacity=10)
    walker = services.device_type_create(actor=clerk, name="助行器", loan_days=30)
    services.device_stock_add(actor=clerk, site=site, device=walker, quantity=2)
    stock = DeviceStock.objects.get()
    lent = timezone.localdate() - dt.timedelta(days=45)

    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "clerk")
    page.goto(f"{base}/disability/devices/")
    page.select_option("#lend-form select[name=stock_id]", str(stock.pk))
    page.fill("#lend-form input[name=id_number]", id_number)
    page.fill("#lend-form input[name=lent_on]", lent.isoformat())
    page.click("#lend-form button")
    page.wait_for_selector("text=已借出")
    loans = page.inner_text("#device-loans")
    assert "邹借用" in loans and "逾期未还" in loans and id_number not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    page.goto(f"{base}/")
    assert "辅具逾期未还" in page.content()
    page.goto(f"{base}/disability/devices/overdue/")
    assert "邹借用" in page.inner_text("#device-loans")
    page.click("#device-loans button")
    page.wait_for_selector("text=已归还入库")
    assert "邹借用" not in page.inner_text("#device-loans")
    loan = DeviceLoan.objects.get()
    assert loan.returned_on == timezone.localdate() and DeviceStock.objects.get().on_hand == 2
