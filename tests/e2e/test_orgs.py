"""Browser run of the social-organisation line: the organisation's own login (tianbao) files last year's
annual report; the bureau (shezu) returns it with a reason; the organisation corrects and resubmits; the
bureau approves. Then a grade evaluation from the scoring sheet and a 双随机 inspection, drawn, recorded
with a finding and rectified."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e

TOWN = "370811001"


def test_an_annual_report_is_filed_returned_resubmitted_and_approved_then_evaluated_and_inspected(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.core.idnumber import make_id_number
    from minzheng.orgs import services
    from minzheng.orgs.creditcode import check_char
    from minzheng.orgs.models import AnnualReport, Inspection, Organisation

    shezu = staff("shezu", "org_officer", "370811")
    staff("shezu2", "org_officer", "370811")
    tianbao = staff("tianbao", "org_filer", "370811")
    today = timezone.localdate()
    last = today.year - 1
    case = services.org_apply(
        actor=shezu,
        region_code=TOWN,
        name="任城区老年人体育协会",
        kind="group",
        authority_level="county",
        supervisor="任城区民政局",
        legal_rep_name="孔庆华",
        legal_rep_id=make_id_number("370811", dt.date(1960, 1, 1), 5, "M"),
        address="任城区古槐路1号",
        registered_capital=Decimal(30000),
        party_org="joint",
        applied_on=today,
        documents=["application", "supervisor", "premises", "capital", "people", "charter"],
    )
    first17 = "51370811MJE000001"
    services.org_case_decide(
        actor=shezu,
        case=case,
        approve=True,
        decision_no="济任民社登〔2020〕5号",
        decided_on=today,
        credit_code=first17 + check_char(first17),
    )
    Organisation.objects.filter(pk=case.org_id).update(registered_on=dt.date(today.year - 5, 4, 1))
    services.filer_bind(actor=shezu, user=tianbao, org=case.org)
    base, page = live_server.url, browser_page

    # The organisation files last year's report.
    login(page, base, "tianbao")
    page.goto(f"{base}/orgs/mine/")
    page.click(f"#file-{last}")
    page.fill("input[name=income]", "186000")
    page.fill("input[name=spending]", "172500.50")
    page.fill("input[name=staff]", "4")
    page.fill("input[name=activities]", "18")
    page.fill("textarea[name=activity_summary]", "组织老年人健身活动18场")
    page.fill("textarea[name=party_building]", "联合党支部主题党日6次")
    page.click("#submit-report")
    page.wait_for_selector("#my-reports")
    assert "待审核" in page.inner_text("#my-reports")
    report = AnnualReport.objects.get()

    # The bureau returns it with a reason.
    login(page, base, "shezu")
    page.goto(f"{base}/orgs/reports/")
    page.click("#to-review a")
    page.fill("#review-form textarea[name=reason]", "支出明细与财务报表不一致")
    page.click("#return")
    page.wait_for_selector("#return-reason")
    assert "已退回" in page.inner_text("#report-state")

    # The organisation corrects and resubmits.
    login(page, base, "tianbao")
    page.goto(f"{base}/orgs/reports/{report.pk}/")
    assert "支出明细与财务报表不一致" in page.inner_text("#return-reason")
    page.click("#edit-report")
    page.fill("input[name=spending]", "170000")
    page.click("#submit-report")
    page.wait_for_selector("#my-reports")
    report.refresh_from_db()
    assert report.state == "submitted" and report.spending == Decimal("170000.00")

    # The bureau approves.
    login(page, base, "shezu")
    page.goto(f"{base}/orgs/reports/{report.pk}/")
    page.click("#approve")
    page.wait_for_selector("#report-state")
    assert "已通过" in page.inner_text("#report-state")
    page.goto(f"{base}/orgs/reports/?year={last}")
    assert "100.00%" in page.inner_text("#rates")

    # A grade evaluation from the scoring sheet.
    page.goto(f"{base}/orgs/{case.org_id}/")
    page.click("#evaluate-form >> xpath=ancestor::details/summary")
    page.fill("input[name=score_basic]", "58")
    page.fill("input[name=score_governance]", "360")
    page.fill("input[name=score_performance]", "350")
    page.fill("input[name=score_reputation]", "120")
    page.fill("input[name=evaluated_on]", today.isoformat())
    page.click("#evaluate-form button")
    page.wait_for_selector("#evaluations strong")
    assert "4A" in page.inner_text("#evaluations")

    # A 双随机 draw, a finding, its rectification.
    page.goto(f"{base}/orgs/inspections/")
    page.select_option("#draw-form select[name=county]", "370811")
    page.fill("#draw-form input[name=size]", "1")
    page.fill("#draw-form input[name=seed]", "20260101")
    page.click("#draw-form button")
    page.wait_for_selector("#draw-items")
    assert "20260101" in page.inner_text("#seed")
    page.click("#draw-items a")
    page.fill("#record-form input[name=inspected_on]", today.isoformat())
    page.fill("#record-form textarea[name=findings]", "未按章程召开会员大会")
    page.fill("#record-form input[name=rectify_by]", (today + dt.timedelta(days=30)).isoformat())
    page.click("#record-form button")
    page.wait_for_selector("#rectified-form")
    assert "整改中" in page.inner_text("#inspection-state")
    page.fill("#rectified-form input[name=rectified_on]", today.isoformat())
    page.fill("#rectified-form textarea[name=rectification]", "已于本月召开会员大会并报备")
    page.click("#rectified-form button")
    page.wait_for_selector("text=已整改")
    assert Inspection.objects.get().state == "rectified"


def test_a_campaign_result_is_filed_by_the_organisation_on_a_phone_and_approved_by_the_bureau(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.core.idnumber import make_id_number
    from minzheng.orgs import services
    from minzheng.orgs.creditcode import check_char
    from minzheng.orgs.models import CampaignResult, Organisation

    shezu = staff("shezu", "org_officer", "370811")
    tianbao = staff("tianbao", "org_filer", "370811")
    today = timezone.localdate()
    case = services.org_apply(
        actor=shezu,
        region_code=TOWN,
        name="任城区餐饮行业协会",
        kind="group",
        authority_level="county",
        supervisor="任城区商务局",
        legal_rep_name="郑德明",
        legal_rep_id=make_id_number("370811", dt.date(1968, 2, 2), 6, "M"),
        address="任城区太白楼路9号",
        registered_capital=Decimal(30000),
        party_org="own",
        applied_on=today,
        documents=["application", "supervisor", "premises", "capital", "people", "charter"],
    )
    first17 = "51370811MJE000002"
    services.org_case_decide(
        actor=shezu,
        case=case,
        approve=True,
        decision_no="济任民社登〔2021〕8号",
        decided_on=today,
        credit_code=first17 + check_char(first17),
    )
    Organisation.objects.filter(pk=case.org_id).update(registered_on=dt.date(today.year - 4, 4, 1))
    services.filer_bind(actor=shezu, user=tianbao, org=case.org)
    base, page = live_server.url, browser_page

    # The bureau publishes the campaign.
    login(page, base, "shezu")
    page.goto(f"{base}/orgs/campaigns/")
    page.fill("#campaign-form input[name=title]", "减费让利专项行动")
    page.select_option("#campaign-form select[name=kind]", "fee_reduction")
    page.fill("#campaign-form input[name=ends_on]", (today + dt.timedelta(days=30)).isoformat())
    page.click("#campaign-form button")
    page.wait_for_selector("#campaign-totals")
    assert page.inner_text("#due") == "1"

    # The organisation, on a phone, sees the to-do and files its result; no page scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "tianbao")
    assert "专项行动结果待报送" in page.inner_text("main")
    wide = "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    assert not page.evaluate(wide)
    page.goto(f"{base}/orgs/mine/")
    assert not page.evaluate(wide)
    page.click("#my-campaigns a")
    assert not page.evaluate(wide)
    page.fill("input[name=beneficiaries]", "120")
    page.fill("input[name=amount]", "1e3")
    page.fill("textarea[name=summary]", "为会员餐饮企业减免会费，免费开展食品安全培训")
    page.click("#file-result")
    page.wait_for_selector(".messages")
    assert "减免或投入金额应为数字" in page.inner_text("main")
    page.fill("input[name=amount]", "18600")
    page.click("#file-result")
    page.wait_for_selector("#my-campaigns")
    assert "已报送待审核" in page.inner_text("#my-campaigns")
    page.goto(f"{base}/orgs/mine/{today.year - 1}/")
    assert not page.evaluate(wide)

    # The bureau approves it; the totals add it up.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "shezu")
    assert "专项行动结果待审核" in page.inner_text("main")
    page.goto(f"{base}/orgs/campaigns/")
    page.click("#campaigns a")
    page.click("#results button >> text=通过")
    page.wait_for_selector("#campaign-totals")
    assert page.inner_text("#amount") == "18600.00" and page.inner_text("#beneficiaries") == "120"
    assert CampaignResult.objects.get().state == "approved"
