"""跟踪转介 tracked to closure by the receiving office (issue 19): the county receives a township's
referral, accepts, records what it did and closes it with the result; an open referral past its deadline
(assistance.referral_days) is on the overdue list; the receiving office sees it on its 首页; anyone else
gets a 404 and cannot move it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services
from minzheng.assistance.models import Application, Referral
from minzheng.assistance.todos import referrals_to_handle
from minzheng.policy.selectors import policy_resolve
from tests.conftest import TOWN_A, TOWN_B

TODAY = timezone.localdate()


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def case(make_household: Any, make_user: Any) -> dict[str, Any]:
    clerk = make_user("township_clerk", TOWN_A)
    return {
        "app": _temporary(clerk, make_household(size=2)),
        "clerk": clerk,
        "county": make_user("county_officer", "370811"),
        "other_county": make_user("county_officer", "370812"),
        "other_town": make_user("township_clerk", TOWN_B),
    }


def _temporary(clerk: Any, hh: Any) -> Application:
    head = hh.memberships.get(relation="head").person
    return services.application_create(
        actor=clerk,
        programme="temporary",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": head.pk}], "assets": {}},
        amount_requested=1000,
        emergency_kind="urgent",
        emergency_description="火灾",
    )


def _refer(case: dict[str, Any], **kw: Any) -> Referral:
    app: Application = case["app"]
    return services.referral_create(
        actor=case["clerk"], application=app, target="县慈善总会“济时救”项目", note="火灾后住房修缮", **kw
    )


def test_a_referral_gets_its_deadline_from_policy_and_goes_to_the_county_by_default(
    case: dict[str, Any],
) -> None:
    ref = _refer(case)
    days = policy_resolve(on=TODAY, region_code=case["app"].region_code, hukou_type="urban").get(
        "assistance.referral_days"
    )
    assert ref.due_date == TODAY + dt.timedelta(days=int(days))
    assert ref.to_region_code == "370811"
    assert ref.status == "open"


def test_the_receiving_office_accepts_handles_and_closes_with_a_result_on_the_page(
    case: dict[str, Any],
) -> None:
    ref = _refer(case)
    county = _client(case["county"])
    page = county.get(f"/assistance/referrals/{ref.pk}/").content.decode()
    assert 'value="accept"' in page and 'value="decline"' in page and 'value="close"' not in page
    county.post(f"/assistance/referrals/{ref.pk}/accept/")
    county.post(f"/assistance/referrals/{ref.pk}/handle/", {"text": "已联系慈善总会，安排救助金"})
    r = county.post(f"/assistance/referrals/{ref.pk}/close/", {"text": "慈善救助金3000元已发放"}, follow=True)
    ref.refresh_from_db()
    assert ref.status == "done"
    assert ref.result == "慈善救助金3000元已发放"
    assert ref.accepted_by == case["county"] and ref.closed_by == case["county"]
    assert "慈善救助金3000元已发放" in r.content.decode()
    # closed: no further action offered or allowed
    assert 'name="do"' not in r.content.decode()
    with pytest.raises(ValidationError, match="已办结"):
        services.referral_move(actor=case["county"], referral=ref, action="close", text="再次办结")


def test_closing_without_a_result_or_before_accepting_is_refused_in_chinese(case: dict[str, Any]) -> None:
    ref = _refer(case)
    county = _client(case["county"])
    r = county.post(f"/assistance/referrals/{ref.pk}/close/", {"text": "结果"}, follow=True)
    assert "不能办结" in r.content.decode()
    county.post(f"/assistance/referrals/{ref.pk}/accept/")
    r = county.post(f"/assistance/referrals/{ref.pk}/close/", {"text": "  "}, follow=True)
    assert "请填写办结结果" in r.content.decode()
    ref.refresh_from_db()
    assert ref.status == "accepted"


def test_the_referring_township_cannot_act_for_the_receiving_county(case: dict[str, Any]) -> None:
    ref = _refer(case)
    clerk = _client(case["clerk"])
    page = clerk.get(f"/assistance/referrals/{ref.pk}/")
    assert page.status_code == 200 and 'name="do"' not in page.content.decode()
    clerk.post(f"/assistance/referrals/{ref.pk}/accept/")
    ref.refresh_from_db()
    assert ref.status == "open"


def test_a_referral_is_not_found_outside_both_offices(case: dict[str, Any]) -> None:
    ref = _refer(case)
    for user in (case["other_county"], case["other_town"]):
        c = _client(user)
        assert c.get(f"/assistance/referrals/{ref.pk}/").status_code == 404
        assert c.post(f"/assistance/referrals/{ref.pk}/accept/").status_code == 404
    ref.refresh_from_db()
    assert ref.status == "open"


def test_an_open_referral_past_its_deadline_is_on_the_overdue_list_and_the_home_todo(
    case: dict[str, Any], django_assert_max_num_queries: Any, make_household: Any
) -> None:
    late = _refer(case)
    on_time = _refer({**case, "app": _temporary(case["clerk"], make_household(size=2))})
    Referral.objects.filter(pk=late.pk).update(due_date=TODAY - dt.timedelta(days=1))
    county = _client(case["county"])
    with django_assert_max_num_queries(12):
        overdue = county.get("/assistance/referrals/?view=overdue").content.decode()
    assert f"/assistance/referrals/{late.pk}/" in overdue
    assert f"/assistance/referrals/{on_time.pk}/" not in overdue
    todo = referrals_to_handle(case["county"], TODAY)
    assert todo.count == 2 and todo.items[0].note == "已逾期"
    assert referrals_to_handle(case["other_county"], TODAY).count == 0
    assert "待办理的跟踪转介" in county.get("/").content.decode()


def test_a_referral_to_an_office_outside_the_case_is_refused(case: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="接收单位"):
        _refer(case, to_region_code="370812")
    assert not Referral.objects.exists()


def test_the_township_can_receive_its_own_referral(case: dict[str, Any]) -> None:
    ref = _refer(case, to_region_code=TOWN_A)
    services.referral_move(actor=case["clerk"], referral=ref, action="accept")
    ref.refresh_from_db()
    assert ref.status == "accepted"


def test_a_formula_as_the_referral_target_is_refused_and_nothing_is_saved(case: dict[str, Any]) -> None:
    """The walk saw =HYPERLINK("x") accepted as a referral target and shown on the list."""
    with pytest.raises(ValidationError, match="转介去向"):
        services.referral_create(
            actor=case["clerk"], application=case["app"], target='=HYPERLINK("x")', note="火灾"
        )
    assert not Referral.objects.filter(application=case["app"]).exists()


def test_the_same_case_cannot_be_referred_twice_to_the_same_office_while_the_first_is_open(
    case: dict[str, Any],
) -> None:
    """The walk submitted the referral form twice: two open referrals, the person listed twice."""
    first = _refer(case)
    with pytest.raises(ValidationError, match="不能重复转介"):
        _refer(case)
    r = _client(case["clerk"]).post(
        f"/assistance/{case['app'].pk}/refer/", {"target": "县慈善总会", "note": "再次"}, follow=True
    )
    assert "不能重复转介" in r.content.decode()
    assert Referral.objects.filter(application=case["app"]).count() == 1
    _refer(case, to_region_code=TOWN_A)  # another office may still receive it
    services.referral_move(actor=case["county"], referral=first, action="decline", text="不属本单位")
    assert _refer(case).status == "open"  # declined: the case may be referred there again
