import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.services import enrolment_create
from minzheng.elderly.models import ElderProfile
from minzheng.facilities.models import Facility, Residency
from minzheng.facilities.selectors import city_figures
from minzheng.facilities.services import facility_create
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A


def _tekun(person: Any, tier: str) -> None:
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="tekun",
        person=person,
        household=None,
        amount=900,
        first_month=dt.date(2025, 1, 1),
        tier=tier,
    )


def test_nursing_bed_share_and_tekun_centralisation_are_computed_by_county_and_for_the_city(
    make_user: Callable[..., Any],
    officer: Any,
    home: Facility,
    admit: Callable[..., Residency],
    make_person: Callable[..., Any],
    assessed: Callable[..., Any],
) -> None:
    other = make_user("elderly_officer", TOWN_B[:6])
    facility_create(
        actor=other,
        name="兖州养老院",
        kind="nursing_home",
        operator="甲",
        address="乙",
        region_code=TOWN_B,
        beds_total=100,
        beds_nursing=50,
    )
    facility_create(
        actor=officer,
        name="食堂",
        kind="canteen",
        operator="甲",
        address="乙",
        region_code=TOWN_A,
        beds_total=0,
    )
    inside = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="在院")
    admit(person=inside, level=3)
    _tekun(inside, "集中供养 任城区中心敬老院")
    waiting = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="待入院")
    _tekun(waiting, "集中供养")
    assessed(waiting, 3)
    typed = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="只填了等级")
    _tekun(typed, "分散供养")
    ElderProfile.objects.create(person=typed, region_code=typed.region_code, capability_level=4)
    at_home = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="分散")
    _tekun(at_home, "分散供养")
    city = make_user("city_officer", "370800")
    rows, total, targets = city_figures(actor=city, on=timezone.localdate())
    by = {r.code: r for r in rows}
    assert (by["370811"].beds_total, by["370811"].beds_nursing) == (10, 8)  # the canteen has no beds
    assert by["370811"].nursing_share == Decimal("0.8")
    assert (by["370811"].tekun_willing, by["370811"].tekun_willing_in) == (2, 1)
    assert (by["370811"].tekun_unable, by["370811"].tekun_unable_in) == (2, 1)
    assert (total.beds_total, total.beds_nursing) == (110, 58)
    assert total.shown(targets)[0] == ("52.7%", False)
    assert by["370811"].shown(targets)[0] == ("80.0%", True)
    assert targets["nursing"] == Decimal("0.7") and targets["unable"] == Decimal("0.6")


def test_a_county_officer_sees_only_their_county(officer: Any, home: Facility, client: Any) -> None:
    rows, _total, _t = city_figures(actor=officer, on=dt.date(2025, 3, 1))
    assert [r.code for r in rows] == ["370811"]
    client.force_login(officer)
    page = client.get("/facilities/figures/").content.decode()
    assert "80.0%" in page
