"""At 18 the allowance ends and the township records where the young adult was referred (dibao, tekun,
employment); until then the ended allowance waits on the clerk's 首页."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.benefits.services import enrolment_create, enrolment_end
from minzheng.children import services as svc
from minzheng.children.todos import referrals_due
from tests.conftest import TOWN_A


def test_an_allowance_ended_at_18_waits_for_its_referral_until_one_is_recorded(make_user, make_person):
    clerk = make_user("township_clerk", TOWN_A)
    person = make_person(birth=dt.date(2007, 7, 9), name="赵成年")
    e = enrolment_create(
        actor=None,
        programme="child",
        person=person,
        household=None,
        amount=1540,
        first_month=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError, match="只有已终止的儿童保障待遇"):
        svc.transition_referral_record(actor=clerk, enrolment=e, referred_to="dibao")
    enrolment_end(actor=None, enrolment=e, last_month=dt.date(2025, 6, 1), reason="年满18周岁，儿童保障终止")
    e.refresh_from_db()
    assert referrals_due(clerk, timezone.localdate()).count == 1
    with pytest.raises(ValidationError, match="请选择转介去向"):
        svc.transition_referral_record(actor=clerk, enrolment=e, referred_to="army")
    svc.transition_referral_record(actor=clerk, enrolment=e, referred_to="employment", note="已对接人社部门")
    assert referrals_due(clerk, timezone.localdate()).count == 0
    with pytest.raises(ValidationError, match="已登记到龄转介"):
        svc.transition_referral_record(actor=clerk, enrolment=e, referred_to="dibao")
