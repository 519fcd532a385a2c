"""Recovered money goes back into the fund that paid it (issue 19): each repayment of an approved recovery
is booked as income of that fund, pending until another person confirms it; the funds page shows what
came back by programme and month."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.funds import selectors as funds_selectors
from minzheng.funds import services as funds
from minzheng.funds.models import EntryStatus, FundEntry, IncomeKind
from minzheng.integrity import services as svc
from tests.funds.conftest import funded
from tests.integrity.conftest import confirmed, report
from tests.integrity.test_integrity import _paid

pytestmark = pytest.mark.django_db


def _approved_recovery(case, staff):
    report(case, staff["clerk"], income=(0, 300), financial=(0, 0))
    (finding,) = svc.findings_detect(actor=staff["clerk"])
    finding = confirmed(finding, staff["clerk"])
    recovery = svc.recovery_propose(actor=staff["clerk"], finding=finding)
    return svc.recovery_approve(actor=staff["approver"], recovery=recovery, approve=True)


def test_a_repayment_is_booked_into_the_paying_fund_and_counts_once_another_person_confirms_it(case, staff):
    fund = funded(staff["county"], staff["finance"], "100000")
    funds.fund_default_set(actor=staff["county"], programme_code="temporary", county_code="370811", fund=fund)
    _paid(case, staff)
    before = funds_selectors.balance(fund)
    recovery = _approved_recovery(case, staff)
    today = timezone.localdate()
    svc.repayment_record(
        actor=staff["county"], recovery=recovery, amount=100, received_on=today, receipt_no="R9"
    )
    entry = FundEntry.objects.get(income_kind=IncomeKind.RECOVERY)
    assert (entry.fund_id, entry.amount, entry.status) == (fund.pk, Decimal(100), EntryStatus.PENDING)
    assert entry.programme == "temporary" and "R9" in entry.note and entry.month == today.replace(day=1)
    assert funds_selectors.balance(fund) == before  # not counted before the check
    with pytest.raises(ValidationError, match="不能是同一人"):
        funds.income_confirm(actor=staff["county"], entry=entry)
    funds.income_confirm(actor=staff["finance"], entry=entry)
    assert funds_selectors.balance(fund) == before + 100
    assert funds_selectors.recovered(actor=staff["finance"]) == [
        {
            "programme": "temporary",
            "month": today.replace(day=1),
            "total": Decimal("100.00"),
            "count": 1,
            "programme_name": "临时救助",
        }
    ]
    c = Client()
    c.force_login(staff["finance"])
    page = c.get("/funds/").content.decode()
    assert 'id="funds-recovered"' in page and "临时救助" in page and f"{today:%Y-%m}" in page


def test_with_no_fund_for_the_programme_the_repayment_waits_visibly_and_books_once_the_county_sets_one(
    case, staff
):
    from minzheng.funds.models import WaitingRecovery

    _paid(case, staff)
    recovery = _approved_recovery(case, staff)
    today = timezone.localdate()
    svc.repayment_record(
        actor=staff["clerk"], recovery=recovery, amount=50, received_on=today, receipt_no="R7"
    )
    recovery.refresh_from_db()
    assert recovery.received == 50 and not FundEntry.objects.filter(income_kind=IncomeKind.RECOVERY).exists()
    waiting = WaitingRecovery.objects.get()
    assert (waiting.programme, waiting.county_code, waiting.amount) == ("temporary", "370811", Decimal(50))
    # visible: the fund keeper's 首页 to-do and the funds page
    todo = funds_selectors.waiting_todo(staff["finance"], today)
    assert todo.count == 1 and todo.items[0].note == "50.00元" and "临时救助" in todo.items[0].label
    c = Client()
    c.force_login(staff["finance"])
    page = c.get("/funds/").content.decode()
    table = page.split('id="funds-waiting-table"')[1].split("</table>")[0]
    assert "临时救助" in table and "50.00" in table and "R7" in table and "任城区" in table
    # the county sets a fund for the programme: the money books there, pending until another person checks
    fund = funded(staff["county"], staff["finance"], "1000")
    funds.fund_default_set(actor=staff["county"], programme_code="temporary", county_code="370811", fund=fund)
    entry = FundEntry.objects.get(income_kind=IncomeKind.RECOVERY)
    assert (entry.fund_id, entry.amount, entry.status, entry.programme) == (
        fund.pk,
        Decimal(50),
        EntryStatus.PENDING,
        "temporary",
    )
    assert entry.recorded_by == staff["clerk"] and WaitingRecovery.objects.get().entry == entry
    assert funds_selectors.waiting_todo(staff["finance"], today).count == 0
    assert funds_selectors.balance(fund) == Decimal(1000)
    funds.income_confirm(actor=staff["finance"], entry=entry)
    assert funds_selectors.balance(fund) == Decimal(1050)
    # setting the default again books nothing twice
    funds.fund_default_set(actor=staff["county"], programme_code="temporary", county_code="370811", fund=fund)
    assert FundEntry.objects.filter(income_kind=IncomeKind.RECOVERY).count() == 1
