import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.system import system_actor
from minzheng.demo.lines.facilities import seed
from minzheng.demo.users import demo_users_create
from minzheng.elderly.levels import latest_assessment
from minzheng.facilities.models import Facility, Inspection, Residency


def test_the_demo_seeds_facilities_residents_and_a_draw_through_the_services(
    db: Any, make_person: Callable[..., Any]
) -> None:
    demo_users_create()
    town = User.objects.get(username="huli").region
    village = town.children.order_by("code").first()
    for i in range(3):
        make_person(village=village.code, birth=dt.date(1935 + i, 1, 1), name=f"老人{i}")
    line = seed(actor=system_actor(purpose="初始化演示环境"), seed=7)
    assert "3名入住老人" in line
    assert Facility.objects.count() == 8
    assert Residency.objects.filter(discharged_on__isnull=True).count() == 3
    for r in Residency.objects.all():  # graded care follows the recorded assessment the demo wrote
        assert r.care_level == latest_assessment(r.person, timezone.localdate()).level  # type: ignore[union-attr]
    assert Inspection.objects.exclude(finding="").count() == 1


def test_after_the_demo_the_licence_expiry_list_and_home_card_show_the_facilities_ending_soon(
    db: Any, client: Any
) -> None:
    from minzheng.facilities.selectors import licence_todo, licence_warn_days

    demo_users_create()
    seed(actor=system_actor(purpose="初始化演示环境"), seed=7)
    officer = User.objects.get(username="yanglao")
    today = timezone.localdate()
    warn = licence_warn_days(actor=officer, on=today)
    ending = Facility.objects.filter(valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=warn))
    lapsed = Facility.objects.filter(valid_to__lt=today)
    assert ending.count() >= 1 and lapsed.count() >= 1
    assert Facility.objects.filter(valid_to__gt=today + dt.timedelta(days=warn)).exists()  # not all flagged
    assert licence_todo(officer, today).count == ending.count() + lapsed.count()
    client.force_login(officer)
    body = client.get("/facilities/?licence=due").content.decode()
    for f in [*ending, *lapsed]:
        assert f.name in body
