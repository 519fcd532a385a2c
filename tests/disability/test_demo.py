"""The demo module seeds applications through the line's services with the demo accounts."""

from __future__ import annotations

from minzheng.accounts.system import system_actor
from minzheng.benefits.models import Enrolment
from minzheng.demo.lines import disability as demo
from minzheng.disability.models import SubsidyApplication
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_takes_in_and_decides_applications_with_the_demo_accounts(make_user, make_person):
    clerk, approver = make_user("township_clerk", TOWN_A), make_user("township_approver", TOWN_A)
    clerk.username, approver.username = "xiangzhen", "shenpi"
    clerk.save()
    approver.save()
    for i in range(8):
        make_person(village=VILLAGE_A, name=f"居民{i}")
    line = demo.seed(actor=system_actor(purpose="测试数据"), seed=3)
    assert line.startswith("残疾人两项补贴：受理8件")
    assert SubsidyApplication.objects.filter(status="submitted").count() == demo.WAITING
    assert Enrolment.objects.filter(programme__in=("dis_living", "dis_care")).exists()


def test_the_demo_sets_up_a_rehab_site_with_attendance_and_device_loans_one_overdue(make_user, make_person):
    from django.utils import timezone

    from minzheng.disability import selectors
    from minzheng.disability.models import Attendance, DeviceLoan, RehabEnrolment

    clerk, approver = make_user("township_clerk", TOWN_A), make_user("township_approver", TOWN_A)
    clerk.username, approver.username = "xiangzhen", "shenpi"
    clerk.save()
    approver.save()
    for i in range(40):
        make_person(village=VILLAGE_A, name=f"居民{i}")
    line = demo.seed(actor=system_actor(purpose="测试数据"), seed=5)
    assert "康复站1个（在站6人）" in line
    assert RehabEnrolment.objects.count() == 6 and Attendance.objects.exists()
    assert DeviceLoan.objects.filter(returned_on__isnull=False).count() == 1
    assert selectors.overdue_todo(clerk, timezone.localdate()).count == 1
