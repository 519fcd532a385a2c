"""The line's demo module writes organisations, projects, funds, draws and lottery plans through the
line's services, and every project's books balance."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.charity import selectors
from minzheng.charity.models import LotteryProject, Project, Spending
from minzheng.demo.lines import charity as demo


def test_the_demo_seeds_the_line_and_every_balance_is_covered(make_user, make_person):
    officer = make_user(Role.ORG_OFFICER, "370811", username="shezu")
    for i in range(15):
        make_person(birth=dt.date(2015, 1, 1 + i), name=f"儿童{i}")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "3个慈善组织" in line and "2个募捐项目" in line
    assert Project.objects.filter(kind="fund").count() == 3
    assert Project.objects.filter(kind="community").count() == 2
    assert Spending.objects.filter(source_line="children").count() == 3
    assert LotteryProject.objects.filter(acceptance="pending").count() == 8
    for p in selectors.project_list(actor=officer):
        assert p.balance >= 0 and p.money_in > 0
    assert selectors.lottery_acceptance_todo(officer, timezone.localdate()).count == 8
    assert all(r["meets"] for r in selectors.lottery_report(actor=officer, year=timezone.localdate().year))
    assert demo.seed(actor=system_actor(purpose="测试"), seed=7) == "慈善：演示数据已存在"
