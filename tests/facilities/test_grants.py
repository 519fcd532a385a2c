import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.facilities.models import Facility, Grant
from minzheng.facilities.selectors import adaptation_progress, canteen_progress, grant_next_step
from minzheng.facilities.services import (
    adaptation_advance,
    adaptation_apply,
    facility_create,
    grant_advance,
    grant_apply,
)
from tests.conftest import TOWN_A, VILLAGE_A


@pytest.fixture
def canteen(officer: Any) -> Facility:
    return facility_create(
        actor=officer,
        name="东街老年人食堂",
        kind="canteen",
        operator="东街社区",
        address="东街",
        region_code=TOWN_A,
        area_m2=80,
    )


def test_a_canteen_award_follows_the_policy_by_city_or_countryside(officer: Any, canteen: Facility) -> None:
    assert (
        grant_apply(
            actor=officer, facility=canteen, kind="canteen", year=2022, area_m2=80, rural=False
        ).amount
        == 50000
    )
    assert (
        grant_apply(actor=officer, facility=canteen, kind="canteen", year=2023, area_m2=80, rural=True).amount
        == 30000
    )


def test_a_canteen_under_the_minimum_area_is_refused(officer: Any, canteen: Facility) -> None:
    with pytest.raises(ValidationError, match="不足70平方米"):
        grant_apply(actor=officer, facility=canteen, kind="canteen", year=2022, area_m2=60, rural=False)
    assert not Grant.objects.exists()


def test_a_grant_is_inspected_approved_by_another_officer_and_paid_by_finance(
    officer: Any, canteen: Facility, make_user: Callable[..., Any]
) -> None:
    g = grant_apply(actor=officer, facility=canteen, kind="canteen", year=2022, area_m2=80, rural=False)
    g = grant_advance(actor=officer, grant=g)
    assert g.get_state_display() == "已验收"
    assert grant_next_step(actor=officer, grant=g) == ""
    with pytest.raises(ValidationError, match="经办与审核分离"):
        grant_advance(actor=officer, grant=g)
    second = make_user("elderly_officer", TOWN_A[:6])
    g = grant_advance(actor=second, grant=g)
    finance = make_user("county_finance", TOWN_A[:6])
    with pytest.raises(ValidationError):
        grant_advance(actor=second, grant=g)  # the approver may not pay
    assert grant_next_step(actor=finance, grant=g) == "拨付"
    g = grant_advance(actor=finance, grant=g)
    assert g.get_state_display() == "已拨付"
    assert canteen_progress(actor=officer, year=2022) == (1, 100)
    assert canteen_progress(actor=officer, year=2024) == (0, None)


def test_home_adaptation_runs_application_to_payment_and_counts_against_the_target(
    officer: Any, make_person: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    elder = make_person(village=VILLAGE_A, birth=dt.date(1939, 1, 1))
    a = adaptation_apply(actor=officer, person=elder, year=2022, items="卫生间扶手、防滑地面")
    with pytest.raises(ValidationError, match="改造费用"):
        adaptation_advance(actor=officer, adaptation=a)
    a = adaptation_advance(actor=officer, adaptation=a, amount=3500)
    a = adaptation_advance(actor=officer, adaptation=a)
    a = adaptation_advance(actor=officer, adaptation=a)
    assert adaptation_progress(actor=officer, year=2022) == (1, 2000)
    finance = make_user("county_finance", TOWN_A[:6])
    a = adaptation_advance(actor=finance, adaptation=a)
    assert (a.get_state_display(), a.amount) == ("已拨付", 3500)


def test_the_grants_page_shows_the_canteen_count_against_the_target(
    client: Any, officer: Any, canteen: Facility
) -> None:
    client.force_login(officer)
    page = client.get("/facilities/grants/?year=2022").content.decode()
    assert "已审批0处 / 目标100处" in page
    resp = client.post(
        "/facilities/grants/?year=2022",
        {"facility": canteen.pk, "kind": "canteen", "year": "2022", "area_m2": "abc"},
    )
    assert resp.status_code == 302 and not Grant.objects.exists()
