"""信用超市 and 信用基金: balance and stock never below zero, receipts, the fund adds up (make-and-check)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test import Client
from django.utils import timezone

from minzheng.credit import services as svc
from minzheng.credit.models import Account, Fund, Goods, Redemption
from tests.conftest import VILLAGE_A
from tests.credit.conftest import earn


def _goods(v, price=8, stock=5):
    return svc.goods_create(
        actor=v["assistant"], village_code=VILLAGE_A, name="洗衣粉", unit="袋", price=price, stock=stock
    )


def test_a_redemption_takes_points_and_stock_and_a_second_beyond_the_balance_is_refused(
    village, make_household
):
    hh = make_household()
    earn(village, hh, 1)  # 10 points
    soap = _goods(village)
    r = svc.redeem(actor=village["assistant"], household=hh, goods=soap, quantity=1)
    assert (r.points, r.balance_after) == (8, 2) and r.number.startswith("DH")
    with pytest.raises(ValidationError, match="可用积分不足：需要8分，本户现有2分"):
        svc.redeem(actor=village["assistant"], household=hh, goods=soap, quantity=1)
    assert Account.objects.get(household=hh).balance == 2
    assert Goods.objects.get().stock == 4
    assert Redemption.objects.count() == 1


def test_stock_can_not_go_below_zero(village, make_household):
    hh = make_household()
    earn(village, hh, 5)
    soap = _goods(village, price=1, stock=2)
    with pytest.raises(ValidationError, match="库存不足"):
        svc.redeem(actor=village["assistant"], household=hh, goods=soap, quantity=3)
    assert Goods.objects.get().stock == 2


def test_the_database_refuses_a_negative_balance_or_stock_even_past_the_services(village, make_household):
    hh = make_household()
    earn(village, hh, 1)
    soap = _goods(village)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(household=hh).update(balance=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goods.objects.filter(pk=soap.pk).update(stock=-1)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_redemptions_can_not_overdraw_the_balance(city_db, make_user, make_household):
    from tests.conftest import TOWN_A

    clerk = make_user("township_clerk", TOWN_A)
    approver = make_user("township_approver", TOWN_A)
    assistant = make_user("village_assistant", VILLAGE_A)
    svc.rule_template_create(
        actor=clerk,
        township_code=TOWN_A,
        category="volunteering",
        name="志愿服务",
        points=10,
        min_points=5,
        max_points=20,
        evidence_required=False,
    )
    svc.rules_copy(actor=assistant, village_code=VILLAGE_A)
    hh = make_household()
    from minzheng.credit.models import PointRule

    rule = PointRule.objects.get(region_code=VILLAGE_A)
    rec = svc.point_record(actor=assistant, household=hh, rule=rule, occurred_on=timezone.localdate())
    svc.point_decide(actor=approver, record=rec, approve=True)
    soap = svc.goods_create(
        actor=assistant, village_code=VILLAGE_A, name="香皂", unit="块", price=6, stock=10
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def attempt() -> None:
        # SQLite's shared in-memory test database answers "table is locked" at once instead of waiting
        # (PostgreSQL queues the loser on the row lock): the clerk presses the button again, as at a desk.
        try:
            barrier.wait(timeout=5)
            for _ in range(200):
                try:
                    svc.redeem(actor=assistant, household=hh, goods=soap, quantity=1)
                    outcomes.append("ok")
                    return
                except ValidationError as e:
                    outcomes.append(e.messages[0])
                    return
                except OperationalError:
                    time.sleep(0.01)
            outcomes.append("still locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", "可用积分不足：需要6分，本户现有4分"]), outcomes
    assert Account.objects.get(household=hh).balance == 4
    assert Goods.objects.get(pk=soap.pk).stock == 9


def test_the_fund_counts_only_confirmed_entries_and_a_purchase_stocks_the_supermarket(village):
    soap = _goods(village, stock=0)
    a = village["assistant"]
    gift = svc.fund_entry_record(
        actor=a,
        village_code=VILLAGE_A,
        kind="donation",
        amount=Decimal("1000"),
        counterparty="爱心企业",
        entry_date=village["today"],
    )
    buy = svc.fund_entry_record(
        actor=a,
        village_code=VILLAGE_A,
        kind="purchase",
        amount=Decimal("300.50"),
        counterparty="供销社",
        entry_date=village["today"],
        goods=soap,
        quantity=40,
    )
    with pytest.raises(ValidationError, match="余额不足"):
        svc.fund_entry_confirm(actor=village["approver"], entry=buy, approve=True)
    with pytest.raises(ValidationError, match="只有"):  # the village enters, the township confirms
        svc.fund_entry_confirm(actor=a, entry=gift, approve=True)
    svc.fund_entry_confirm(actor=village["approver"], entry=gift, approve=True)
    svc.fund_entry_confirm(actor=village["approver"], entry=buy, approve=True)
    assert Fund.objects.get(region_code=VILLAGE_A).balance == Decimal("699.50")
    assert Goods.objects.get().stock == 40
    c = Client()
    c.force_login(a)
    page = c.get("/credit/fund/").content.decode()
    assert (
        "1000" in page and "300.5" in page and "699.5" in page and ".00<" not in page
    )  # as people write money


def test_the_redeem_page_refuses_in_chinese_and_the_receipt_prints(village, make_household):
    hh = make_household()
    earn(village, hh, 1)
    soap = _goods(village)
    c = Client()
    c.force_login(village["assistant"])
    r = c.post(f"/credit/households/{hh.pk}/redeem/", {"goods": soap.pk, "quantity": "1"})
    assert r.status_code == 302 and "/credit/receipts/" in r["Location"]
    receipt = c.get(r["Location"]).content.decode()
    assert "信用超市兑换凭证" in receipt and "DH" in receipt
    again = c.post(f"/credit/households/{hh.pk}/redeem/", {"goods": soap.pk, "quantity": "1"}, follow=True)
    assert "可用积分不足" in again.content.decode()
    junk = c.post(f"/credit/households/{hh.pk}/redeem/", {"goods": soap.pk, "quantity": "abc"}, follow=True)
    assert "数量应为整数" in junk.content.decode()
