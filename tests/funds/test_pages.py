"""The funds pages: the list for county finance and the city, a ledger per fund (income/spending by
month, Excel, audited), income made and checked on the page, out of scope = 404, others refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.funds import services
from minzheng.funds.models import FundEntry

from .conftest import funded


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_county_finance_and_the_city_see_the_funds_with_their_balance_and_the_township_is_refused(
    finance, officer, make_user
):
    fund = funded(finance, officer, "2500")
    page = _client(finance).get("/funds/").content.decode()
    assert fund.name in page and "2,500.00" in page and "财政预算" in page and "任城区" in page
    assert fund.name in _client(make_user("city_officer", "370800")).get("/funds/").content.decode()
    assert _client(make_user("township_clerk", "370811001")).get("/funds/").status_code == 403


def test_a_fund_of_another_county_reads_as_missing(finance, officer, make_user):
    fund = funded(finance, officer, "10")
    assert _client(make_user("county_finance", "370812")).get(f"/funds/{fund.pk}/").status_code == 404


def test_the_ledger_shows_income_and_spending_by_month_and_exports_excel_audited(finance, officer):
    fund = funded(finance, officer, "3000")
    month = timezone.localdate().replace(day=1)
    services.fund_spend(
        actor=finance,
        fund=fund,
        amount=Decimal("700"),
        month=month,
        line="grant",
        reference="g1",
        note="临时救助",
    )
    page = _client(finance).get(f"/funds/{fund.pk}/").content.decode()
    assert "700.00" in page and "2,300.00" in page and "临时救助" in page
    response = _client(finance).get(f"/funds/{fund.pk}/xlsx/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    # exports hold personal data: the one xlsx rule sends them never cached, under their own file name
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'attachment; filename="fund-{fund.pk}.xlsx"'
    assert AuditLog.objects.filter(target_type="fund", target_id=str(fund.pk), event_type="export").exists()


def test_income_is_recorded_on_the_page_and_confirmed_there_only_by_another_person(finance, officer):
    fund = funded(finance, officer, "0")
    day = min(timezone.localdate(), dt.date(2026, 2, 1))
    r = _client(finance).post(
        f"/funds/{fund.pk}/", {"income_kind": "donation", "amount": "800", "booked_on": day.isoformat()}
    )
    assert r.status_code == 302
    entry = FundEntry.objects.get(fund=fund)
    assert "复核入账" not in _client(finance).get(f"/funds/{fund.pk}/").content.decode()
    assert "复核入账" in _client(officer).get(f"/funds/{fund.pk}/").content.decode()
    _client(finance).post(f"/funds/entries/{entry.pk}/confirm/")
    assert FundEntry.objects.get(pk=entry.pk).status == "pending"
    _client(officer).post(f"/funds/entries/{entry.pk}/confirm/")
    assert FundEntry.objects.get(pk=entry.pk).status == "confirmed"


def test_bad_income_input_gets_a_chinese_message_and_changes_nothing(finance, officer):
    fund = funded(finance, officer, "0")
    r = _client(finance).post(
        f"/funds/{fund.pk}/", {"income_kind": "allocation", "amount": "abc", "booked_on": "2026-02-01"}
    )
    assert r.status_code == 200 and "收入金额" in r.content.decode() and not FundEntry.objects.exists()


def test_a_default_fund_is_set_on_the_list_page(finance, officer):
    fund = funded(finance, officer, "0")
    r = _client(finance).post("/funds/defaults/", {"programme": "dibao", "fund": fund.pk})
    assert r.status_code == 302
    page = _client(finance).get("/funds/").content.decode()
    assert "最低生活保障" in page or "低保" in page


def test_income_waiting_for_a_check_is_a_to_do_of_the_other_finance_person(finance, officer):
    fund = funded(finance, officer, "0")
    services.income_record(
        actor=finance, fund=fund, amount="50", income_kind="allocation", booked_on=timezone.localdate()
    )
    from minzheng.funds.selectors import pending_todo

    assert pending_todo(officer, timezone.localdate()).count == 1
    assert pending_todo(finance, timezone.localdate()).count == 0


def test_the_funds_page_costs_the_same_queries_however_many_funds_recoveries_and_waiting_items(
    finance, officer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minzheng.funds.models import WaitingRecovery

    def add(i: int) -> None:
        fund = funded(finance, officer, "100", name=f"资金{i}")
        services.fund_create(
            actor=finance,
            name=f"慈善资金{i}",
            source="charity",
            county_code="370811",
            charity_fund_code="jishijiu",
        )
        services.fund_default_set(actor=finance, programme_code="temporary", county_code="370811", fund=fund)
        WaitingRecovery.objects.create(
            programme="dibao",
            county_code="370811",
            amount=Decimal(10),
            received_on=timezone.localdate(),
            reference=f"w{i}",
            recorded_by=finance,
        )

    def queries() -> int:
        c = _client(finance)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/funds/").status_code == 200
        return len(ctx.captured_queries)

    add(0)
    once = queries()
    for i in range(1, 4):
        add(i)
    page = _client(finance).get("/funds/").content.decode()
    assert (
        page.count("慈善资金") >= 4
        and page.split('id="funds-waiting-table"')[1].split("</table>")[0].count("<tr>") == 5
    )
    assert queries() == once
