"""The funds demo writes the county's funds, checked income, one income waiting for its check and the
default funds through the line's services; a second run writes nothing."""

from __future__ import annotations

from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.demo.lines import funds as demo
from minzheng.funds import selectors
from minzheng.funds.models import Fund, FundDefault


def test_the_demo_seeds_funds_with_positive_balances_a_pending_check_and_defaults(make_user):
    finance = make_user("county_finance", "370811", username="caiwu")
    checker = make_user("county_officer", "370811", username="xianji")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=3)
    assert "救助资金：3项资金" in line
    assert all(f.balance > 0 for f in selectors.fund_list(actor=finance))
    assert selectors.pending_todo(checker, timezone.localdate()).count == 1
    assert FundDefault.objects.filter(programme="dibao").exists()
    assert FundDefault.objects.filter(programme=selectors.SERVICE).exists()
    assert demo.seed(actor=system_actor(purpose="测试"), seed=3) == "救助资金：演示数据已存在"
    assert Fund.objects.count() == 3
