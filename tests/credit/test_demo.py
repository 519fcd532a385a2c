from __future__ import annotations

from minzheng.accounts.system import system_actor
from minzheng.credit.models import Account, Filing, Fund, PointRecord, Redemption
from minzheng.demo.lines.credit import seed
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_makes_rules_points_goods_a_redemption_a_fund_and_filings_one_over_the_norm(
    make_user, make_household
):
    make_user("township_clerk", TOWN_A, username="xiangzhen")
    make_user("township_approver", TOWN_A, username="shenpi")
    make_user("village_assistant", VILLAGE_A, username="cunxieli")
    for _ in range(10):
        make_household(size=1)
    line = seed(actor=system_actor(purpose="测试"), seed=1)
    assert "10户积分" in line
    assert PointRecord.objects.filter(status="approved").exists()
    assert PointRecord.objects.filter(status="pending").exists()
    assert Redemption.objects.exists()
    assert Fund.objects.get(region_code=VILLAGE_A).balance == 3800
    assert Filing.objects.filter(over_norm=True).count() == 1
    assert all(a.balance >= 0 for a in Account.objects.all())
    assert seed(actor=system_actor(purpose="测试"), seed=1) == "信用积分：演示数据已存在"
