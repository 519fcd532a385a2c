"""The line's demo gives zhiyuan a non-empty 首页: activities to sign up for, one signed-up activity today,
hours earned and a store to spend them; shezu gets an activity whose hours wait for confirmation."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import volunteers as demo
from minzheng.volunteers import selectors
from minzheng.volunteers.models import ServiceRecord, Station, Volunteer
from tests.conftest import VILLAGE_A


def test_the_demo_gives_zhiyuan_a_full_home_and_shezu_hours_to_confirm(make_user, make_household):
    make_household(size=3)
    shezu = make_user(Role.ORG_OFFICER, "370811", username="shezu")
    zhiyuan = make_user(Role.VOLUNTEER, VILLAGE_A, username="zhiyuan")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "志愿服务" in line and "社工站" in line and Volunteer.objects.count() == 31
    assert Station.objects.exists() and ServiceRecord.objects.exists()
    today = timezone.localdate()
    assert selectors.join_todo(zhiyuan, today).count >= 1
    upcoming = selectors.upcoming_todo(zhiyuan, today)
    assert upcoming.count == 1 and "今天" in upcoming.items[0].note
    bank = selectors.bank_todo(zhiyuan, today)
    assert bank.count >= 1 and "时长余额 9.0 小时" in bank.items[0].label
    assert selectors.confirm_todo(shezu, today).count == 1
    c = Client()
    c.force_login(zhiyuan)
    page = c.get("/volunteers/me/").content.decode()
    assert "可报名的活动" in page and ("签到" in page or "取消报名" in page)
    assert demo.seed(actor=system_actor(purpose="测试"), seed=7) == "志愿服务：已有演示数据"
