"""Browser run of 信用积分: the village assistant records points for a household on a 390 px phone, the
township approver approves them, the household redeems goods at the credit supermarket, the balance drops
and a second redemption beyond the balance is refused in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def test_points_recorded_on_a_phone_are_approved_at_the_township_and_spent_at_the_supermarket(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from minzheng.credit import services as svc
    from minzheng.credit.models import Account, PointRecord

    cadre = staff("cunxieli", "village_assistant", "370811001001")
    staff("shenpi", "township_approver", "370811001")
    family("E2EC001", [("郑美华", "head", dt.date(1970, 3, 3), "F", "71")])
    svc.rule_template_create(
        actor=clerk,
        township_code="370811001",
        category="good_deed",
        name="拾金不昧",
        points=10,
        min_points=5,
        max_points=20,
        evidence_required=False,
    )
    svc.rules_copy(actor=cadre, village_code="370811001001")
    svc.goods_create(actor=cadre, village_code="370811001001", name="食用油", unit="桶", price=8, stock=5)
    page = browser_page
    base = live_server.url

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "cunxieli")
    page.goto(f"{base}/credit/?q=E2EC001")
    page.locator("#credit-households").get_by_role("link", name="郑美华").click()
    form = page.locator("#record-form")
    form.locator("select[name=rule]").select_option(label="好人好事 · 拾金不昧（+10）")
    form.locator("textarea[name=evidence]").fill("在村口拾到钱包，交还失主")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    form.get_by_role("button", name="提交审核").click()
    assert "待乡镇审核" in page.inner_text(".messages")
    assert page.inner_text("#credit-balance .pending") == "10"
    assert page.inner_text("#credit-balance .balance") == "0"

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "shenpi")
    assert "待审核的信用积分" in page.inner_text("main")
    page.goto(f"{base}/credit/approve/")
    row = page.locator("#pending-records tr", has_text="拾金不昧")
    row.get_by_role("button", name="认定", exact=True).click()
    assert "无待审核积分" in page.inner_text("#pending-records")
    assert PointRecord.objects.get().status == "approved"

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "cunxieli")
    page.goto(f"{base}/credit/?q=E2EC001")
    page.locator("#credit-households").get_by_role("link", name="郑美华").click()
    assert page.inner_text("#credit-balance .balance") == "10"
    redeem = page.locator("#redeem-form")
    redeem.locator("select[name=goods]").select_option(label="食用油 · 8分/桶（库存5）")
    redeem.get_by_role("button", name="兑换").click()
    assert page.inner_text("#receipt-balance") == "2"
    page.get_by_role("link", name="返回").click()
    assert page.inner_text("#credit-balance .balance") == "2"
    redeem = page.locator("#redeem-form")
    redeem.locator("select[name=goods]").select_option(label="食用油 · 8分/桶（库存4）")
    redeem.get_by_role("button", name="兑换").click()
    assert "可用积分不足：需要8分，本户现有2分" in page.inner_text(".messages")
    assert page.inner_text("#credit-balance .balance") == "2"
    assert Account.objects.get().balance == 2
