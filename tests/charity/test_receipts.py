"""Donor receipts (公益事业捐赠票据) for the donations a project or fund receives, and a fund's page whose
income, spending and balance add up from its rows."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.charity import services
from minzheng.charity.models import Donation, Receipt, Spending
from minzheng.charity.rules import amount_in_words

from .conftest import give, spend


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("100000", "壹拾万元整"),
        ("1001", "壹仟零壹元整"),
        ("10010.50", "壹万零壹拾元伍角"),
        ("100.05", "壹佰元零伍分"),
        ("0.30", "叁角"),
        ("300000000.00", "叁亿元整"),
        ("100000001", "壹亿零壹元整"),
    ],
)
def test_the_amount_reads_in_capital_numerals_as_on_a_receipt(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_a_donation_gets_a_numbered_receipt_once_and_a_reprint_keeps_its_number(officer, project):
    first = give(officer, project, "500", donor_name="济宁鸿达建材有限公司")
    second = give(officer, project, "120.50", donor_kind="person", donor_name="王建国")
    on = timezone.localdate()
    r1 = services.receipt_issue(actor=officer, donation=first)
    r2 = services.receipt_issue(actor=officer, donation=second)
    assert (r1.number, r2.number) == (f"慈捐〔{on.year}〕1号", f"慈捐〔{on.year}〕2号")
    assert services.receipt_issue(actor=officer, donation=first).pk == r1.pk
    assert Receipt.objects.count() == 2
    assert AuditLog.objects.filter(target_type="charity.receipt").count() == 2


def test_the_printed_receipt_names_the_issuer_its_number_the_seal_and_where_to_complain(officer, project):
    d = give(officer, project, "120.50", donor_kind="person", donor_name="王建国", restricted_purpose="助学")
    page = _client(officer).post(f"/charity/donations/{d.pk}/receipt/issue/", follow=True).content.decode()
    receipt = Receipt.objects.get(donation=d)
    assert receipt.number in page and project.org.name in page and project.org.credit_code in page
    assert "王建国" in page and "120.50" in page and "壹佰贰拾元伍角" in page and "助学" in page
    assert "（盖章）" in page and "民政局投诉" in page and "data-print" in page and 'class="document"' in page
    assert "《中华人民共和国慈善法》第三十八条" in page
    listing = _client(officer).get(f"/charity/{project.pk}/").content.decode()
    assert receipt.number in listing  # the project page links the receipt by its number


def test_an_anonymous_gift_gets_no_receipt_and_nothing_is_numbered(officer, project):
    d = give(officer, project, "50", donor_kind="anonymous", donor_name="")
    with pytest.raises(ValidationError, match="匿名捐赠"):
        services.receipt_issue(actor=officer, donation=d)
    page = _client(officer).post(f"/charity/donations/{d.pk}/receipt/issue/", follow=True).content.decode()
    assert "匿名捐赠没有捐赠人" in page
    assert not Receipt.objects.exists()
    assert _client(officer).get(f"/charity/donations/{d.pk}/receipt/").status_code == 404


def test_another_countys_officer_cannot_issue_or_read_a_receipt(officer, outsider, project):
    d = give(officer, project, "80")
    c = _client(outsider)
    assert c.post(f"/charity/donations/{d.pk}/receipt/issue/").status_code == 404
    assert not Receipt.objects.exists()
    services.receipt_issue(actor=officer, donation=d)
    assert c.get(f"/charity/donations/{d.pk}/receipt/").status_code == 404
    assert _client(officer).get(f"/charity/donations/{d.pk}/receipt/").status_code == 200


def _figure(page: str, id_: str) -> Decimal:
    found = re.search(rf'id="{id_}">([\d.,]+)<', page)
    assert found, id_
    return Decimal(found.group(1).replace(",", ""))


def test_a_funds_income_spending_and_balance_on_its_page_add_up_from_its_rows(
    officer, make_project, make_org, make_user
):
    fund = make_project(
        kind="fund",
        fund_code="guardianship_lacking",
        name="监护缺失儿童慈善基金",
        purpose="监护缺失儿童基本生活费",
        filing_number="",
        platform="",
        target=None,
        ends_on=None,
        org=make_org(qualified=False, name="任城区慈善会"),
    )
    give(officer, fund, "3000", donor_name="市慈善总会")
    book = give(officer, fund, "800.40", donor_name="爱心企业", restricted_purpose="购买学习用品")
    spend(officer, fund, "300.20", purpose="购买学习用品", donation_id=book.pk)
    spend(officer, fund, "150")
    services.fund_draw(
        actor=make_user(Role.COUNTY_OFFICER, "370811"),
        fund_code="guardianship_lacking",
        month=dt.date(2026, 3, 1),
        amount=Decimal("1380"),
        reference="payroll:7",
        source_line="children",
    )
    page = _client(officer).get(f"/charity/{fund.pk}/").content.decode()
    money_in, money_out = _figure(page, "money-in"), _figure(page, "money-out")
    rows_in = sum(d.amount for d in Donation.objects.filter(project=fund))
    rows_out = sum(s.amount for s in Spending.objects.filter(project=fund))
    assert money_in == rows_in == Decimal("3800.40")
    assert money_out == rows_out == Decimal("1830.20")
    assert _figure(page, "balance") == money_in - money_out
    # the free part: unrestricted in (3000) less what was not drawn on the restricted gift (150 + 1380)
    assert _figure(page, "free-balance") == Decimal("1470.00")
