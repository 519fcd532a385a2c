"""Browser runs of 诚信救助 at desktop size: the commitment signed at intake, a false declaration found
from the 核对 report, the overpayment entered by one officer and approved by another, then a repayment;
and the county's monthly sampling of township decisions (draw → check → the rate by township)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff
from tests.integrity import conftest as integrity_fixtures
from tests.integrity.conftest import report

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1366, "height": 900}
decide = integrity_fixtures.decide  # the township's dibao decisions, made through the services


def _paid_case() -> Any:
    """A temporary-assistance case of 370811001001, granted and paid in this month's frozen roll."""
    from django.utils import timezone

    from minzheng.assistance import services as assistance
    from minzheng.benefits.services import first_of_month, payroll_freeze, payroll_generate

    clerk = staff("clerk", "township_clerk", "370811001")
    approver = staff("shenpi", "township_approver", "370811001")
    county = staff("xianji", "county_officer", "370811")
    finance = staff("caiwu", "county_finance", "370811")
    hh, _ = family("E2E-INTEGRITY", [("诚信甲", "head", dt.date(1975, 3, 1), "M", "21")])
    head = hh.memberships.get(relation="head").person
    app = assistance.application_create(
        actor=clerk,
        programme="temporary",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": head.pk}]},
        amount_requested=800,
        emergency_kind="urgent",
    )
    assistance.application_submit(actor=clerk, application=app)
    assistance.application_decide(actor=approver, application=app, outcome="grant", reasons="急难")
    run = payroll_generate(actor=county, county_code="370811", month=first_of_month(timezone.localdate()))
    payroll_freeze(actor=finance, run=run)
    return app


def test_a_commitment_a_finding_a_recovery_approved_by_another_and_a_repayment(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.integrity.models import Recovery, RecoveryStatus

    app = _paid_case()
    base, page = live_server.url, browser_page
    page.set_viewport_size(DESKTOP)
    login(page, base, "clerk")
    page.goto(f"{base}/integrity/applications/{app.pk}/")
    page.click("#commitment-form button")
    assert "诚信甲已于" in page.inner_text("#commitment")

    report(app, app.created_by, income=(0, 300), financial=(0, 0))
    page.goto(f"{base}/integrity/")
    page.click("#detect")
    page.wait_for_selector("#findings a")
    assert "诚信甲" in page.inner_text("#findings")
    page.click("#findings a")
    # 待说明: the applicant's explanation first, then the decision (no waiting period before it)
    assert "待说明" in page.inner_text("#finding-status") and page.locator("#wait-until").count() == 0
    page.fill("#explain-form textarea[name=explanation]", "称该笔收入为亲友借款")
    page.click("#explain-form button:not([name])")
    page.fill("#decide-form input[name=reason]", "无借款凭据，说明不成立")
    page.click("#decide-form button[value='1']")
    page.wait_for_selector("#wait-until")
    page.click("#propose")
    page.wait_for_selector("#recovery")
    assert "待复核" in page.inner_text("#recovery")
    assert page.locator("#approve-form").count() == 0  # the one who entered it cannot approve it
    finding_url = page.url

    login(page, base, "shenpi")
    page.goto(finding_url)
    page.fill("#approve-form input[name=note]", "同意追回")
    page.click("#approve-form button[value='1']")
    page.wait_for_selector("#received")
    assert "已批准追回" in page.inner_text("#recovery")
    amount = Recovery.objects.get().amount

    login(page, base, "clerk")
    page.goto(finding_url)
    page.fill("#repay-form input[name=amount]", str(amount))
    page.fill("#repay-form input[name=receipt_no]", "SJ-001")
    page.click("#repay")
    page.wait_for_selector("#repayments")
    assert "SJ-001" in page.inner_text("#repayments")
    assert f"已收回 {amount} 元" in page.inner_text("#received")
    assert "已追回完毕" in page.inner_text("#recovery")
    assert Recovery.objects.get().status == RecoveryStatus.SETTLED


def test_the_county_draws_the_months_sample_checks_a_case_and_reads_the_rate(
    city: None, live_server: Any, browser_page: Any, decide: Any
) -> None:
    for _ in range(3):
        decide("370811001001")
    staff("xianji", "county_officer", "370811")
    base, page = live_server.url, browser_page
    page.set_viewport_size(DESKTOP)
    login(page, base, "xianji")
    page.goto(f"{base}/integrity/")
    page.click("text=县级抽查乡镇审批决定")
    page.click("#draw")
    page.wait_for_selector("#draw-facts")
    assert "乡镇审批决定 3 件" in page.inner_text("#draw-facts")
    row = page.locator("#cases tbody tr").first
    row.locator("input[name=reason]").fill("未核实家庭车辆")
    row.locator("button[value='0']").click()
    page.wait_for_selector("#cases .verdict")
    assert "不同意乡镇决定：未核实家庭车辆" in page.inner_text("#cases")
    rates = page.inner_text("#rates")
    assert "100.0%" in rates and "370811001" not in rates
    page.click("#draw")
    assert "不再重新抽取" in page.inner_text("body")
