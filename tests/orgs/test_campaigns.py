"""Campaigns (减费让利 and other tasks): the bureau sets one for the organisations of a region and type;
each targeted organisation files its result through its own login, the bureau reviews it; totals are
set-based; an open campaign is a to-do on the filer's 首页 until it is filed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.orgs import selectors, services
from minzheng.orgs.models import CampaignResult, Kind
from tests.conftest import TOWN_B

TODAY = timezone.localdate()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _campaign(officer, **kw):
    return services.campaign_create(
        actor=officer,
        region_code=kw.pop("region_code", "370811"),
        kind=kw.pop("kind", "fee_reduction"),
        title=kw.pop("title", "2026年社会组织减费让利专项行动"),
        target_kind=kw.pop("target_kind", ""),
        starts_on=kw.pop("starts_on", TODAY - dt.timedelta(days=5)),
        ends_on=kw.pop("ends_on", TODAY + dt.timedelta(days=25)),
        requirement=kw.pop("requirement", "行业协会商会减免会费、降低收费标准"),
    )


def _file(filer, campaign, amount="12000.50", people=36):
    return services.campaign_result_file(
        actor=filer,
        campaign=campaign,
        beneficiaries=people,
        amount=Decimal(amount),
        summary="为会员企业减免会费，降低培训收费",
    )


def test_a_result_is_filed_by_the_filer_returned_with_a_reason_refiled_and_approved(filer, officer):
    campaign = _campaign(officer)
    result = _file(filer, campaign)
    assert result.state == "submitted" and result.filed_by == filer
    with pytest.raises(ValidationError, match="不能重复报送"):
        _file(filer, campaign)
    with pytest.raises(ValidationError, match="退回须写明原因"):
        services.campaign_result_review(actor=officer, result=result, approve=False)
    services.campaign_result_review(actor=officer, result=result, approve=False, reason="金额缺少明细")
    result = _file(filer, campaign, amount="11800")
    services.campaign_result_review(actor=officer, result=result, approve=True)
    result.refresh_from_db()
    assert (result.state, result.amount, result.return_reason) == ("approved", Decimal("11800.00"), "")
    kinds = set(AuditLog.objects.values_list("target_type", flat=True))
    assert {"orgs.campaign", "orgs.campaignresult"} <= kinds


def test_only_targeted_organisations_may_file_and_only_within_the_period(filer, officer):
    for wrong in (
        _campaign(officer, target_kind=Kind.FOUNDATION),
        _campaign(officer, region_code="370811002"),
    ):
        with pytest.raises(ValidationError, match="记录不存在"):
            _file(filer, wrong)
    closed = _campaign(officer, starts_on=TODAY - dt.timedelta(days=40), ends_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="不在报送期内"):
        _file(filer, closed)
    assert not CampaignResult.objects.exists()


def test_the_totals_count_targets_filers_and_approved_money_per_county(
    filer, officer, outsider, make_org, django_assert_max_num_queries
):
    campaign = _campaign(officer)
    for i in range(4):
        make_org(name=f"协会{i}")
    make_org(name="兖州协会", region_code=TOWN_B, actor=outsider)  # another county: not targeted
    services.campaign_result_review(actor=officer, result=_file(filer, campaign), approve=True)
    with django_assert_max_num_queries(8):
        page = selectors.campaign_page(
            actor=officer, campaign=selectors.campaign_get(actor=officer, pk=campaign.pk)
        )
        non_filers = [o.name for o in page["non_filers"]]
    assert (page["due"], page["done"]) == (5, 1)
    assert page["campaign"].amount == Decimal("12000.50") and page["campaign"].beneficiaries == 36
    assert [(r["due"], r["done"], r["rate"]) for r in page["by_county"]] == [(5, 1, Decimal("20.00"))]
    assert sorted(non_filers) == ["协会0", "协会1", "协会2", "协会3"]


def test_the_filers_home_page_shows_the_open_campaign_until_it_is_filed(filer, officer):
    campaign = _campaign(officer)
    c = _client(filer)
    html = c.get("/").content.decode()
    assert "专项行动结果待报送" in html and campaign.title in html
    _file(filer, campaign)
    assert campaign.title not in c.get("/").content.decode()
    officer_home = _client(officer).get("/").content.decode()
    assert "专项行动结果待审核" in officer_home and "任城区老年协会" in officer_home


def test_the_filer_files_through_its_page_and_bad_figures_change_nothing(filer, officer):
    campaign = _campaign(officer)
    c = _client(filer)
    assert f"/orgs/mine/campaigns/{campaign.pk}/" in c.get("/orgs/mine/").content.decode()
    url = f"/orgs/mine/campaigns/{campaign.pk}/"
    for amount in ("1e3", "abc", "-5"):
        r = c.post(url, {"beneficiaries": "3", "amount": amount, "summary": "减免会费三户"})
        assert r.status_code == 200 and "减免或投入金额" in r.content.decode()
    assert not CampaignResult.objects.exists()
    r = c.post(url, {"beneficiaries": "3", "amount": "900", "summary": "减免会费三户"})
    assert r.status_code == 302 and CampaignResult.objects.get().amount == Decimal("900.00")
    assert "已报送待审核" in c.get("/orgs/mine/").content.decode()


def test_a_filer_cannot_open_a_campaign_not_set_for_its_organisation(filer, officer, make_user):
    campaign = _campaign(officer, target_kind=Kind.FOUNDATION)
    assert _client(filer).get(f"/orgs/mine/campaigns/{campaign.pk}/").status_code == 404
    assert (
        _client(make_user(Role.COUNTY_OFFICER, "370811"))
        .get(f"/orgs/mine/campaigns/{campaign.pk}/")
        .status_code
        == 403
    )


def test_the_bureau_publishes_reviews_and_exports_through_the_pages(filer, officer):
    c = _client(officer)
    r = c.post(
        "/orgs/campaigns/",
        {
            "title": "助力乡村振兴行动",
            "kind": "rural",
            "target_kind": "",
            "starts_on": str(TODAY),
            "ends_on": str(TODAY + dt.timedelta(days=10)),
        },
    )
    campaign = selectors.campaigns(officer).get()
    assert r.status_code == 302 and campaign.region_code == "370811"
    bad = c.post("/orgs/campaigns/", {"title": "坏", "kind": "rural", "starts_on": "2026-13-01"})
    assert bad.status_code == 200 and selectors.campaigns(officer).count() == 1
    result = _file(filer, campaign)
    c.post(f"/orgs/campaigns/results/{result.pk}/approve/")
    result.refresh_from_db()
    assert result.state == "approved" and result.reviewed_by == officer
    page = c.get(f"/orgs/campaigns/{campaign.pk}/").content.decode()
    assert "任城区老年协会" in page and "审核通过" in page
    ws = load_workbook(io.BytesIO(c.get(f"/orgs/campaigns/{campaign.pk}/?export=xlsx").content)).active
    assert [row[0].value for row in ws.iter_rows(min_row=2)] == ["任城区老年协会"]
    assert AuditLog.objects.filter(event_type="export", target_type="orgs.campaign").exists()
