"""Xiashan institutional care shares recorded from shares.care_share; 任城 centralised care of dibao
disabled elders: dibao pays first, the charity fund fills the gap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.services import enrolment_create
from minzheng.elderly.models import CentralCareCost, ElderProfile
from minzheng.elderly.services import care_share_record, central_care_cost_record
from minzheng.policy.selectors import policy_resolve

pytestmark = pytest.mark.django_db


def test_an_institutional_fee_is_split_by_the_policy_share_at_the_elders_level(
    make_user, make_elder, assessed
):
    officer = make_user("elderly_officer", "370811")
    elder = make_elder(80)
    assessed(elder, 3)
    rec = care_share_record(
        actor=officer,
        person=elder,
        institution="敬老院",
        identity="dibao",
        monthly_fee=2417,
        from_month=timezone.localdate(),
    )
    rate = policy_resolve(
        on=timezone.localdate(), region_code=elder.region_code, hukou_type=elder.hukou_type
    ).get("elderly_care.gov_share.dibao_poor")
    assert rec.government_share == int(2417 * rate + Decimal("0.5"))
    assert rec.government_share + rec.self_share == 2417


def test_an_elder_never_assessed_has_no_share_recorded(make_user, make_elder):
    with pytest.raises(ValidationError, match="能力评估"):
        care_share_record(
            actor=make_user("elderly_officer", "370811"),
            person=make_elder(80),
            institution="敬老院",
            identity="dibao",
            monthly_fee=2000,
            from_month=timezone.localdate(),
        )


def test_a_level_on_the_profile_with_no_assessment_behind_it_shares_nothing(make_user, make_elder):
    elder = make_elder(80)
    ElderProfile.objects.create(person=elder, region_code=elder.region_code, capability_level=4)
    with pytest.raises(ValidationError, match="尚无已记录的老年人能力评估"):
        care_share_record(
            actor=make_user("elderly_officer", "370811"),
            person=elder,
            institution="敬老院",
            identity="dibao",
            monthly_fee=2000,
            from_month=timezone.localdate(),
        )


def test_central_care_dibao_pays_first_and_charity_fills_the_gap(make_user, make_elder):
    officer = make_user("elderly_officer", "370811")
    elder = make_elder(78)
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=elder,
        household=None,
        amount=600,
        first_month=timezone.localdate().replace(day=1),
    )
    rec = central_care_cost_record(actor=officer, person=elder, year=2026, annual_cost=7500, dibao_paid=7200)
    assert (rec.dibao_paid, rec.charity_paid) == (7200, 300)
    with pytest.raises(ValidationError, match="已登记"):
        central_care_cost_record(actor=officer, person=elder, year=2026, annual_cost=8000, dibao_paid=7200)
    assert CentralCareCost.objects.count() == 1


def test_central_care_is_only_for_dibao_elders(make_user, make_elder):
    with pytest.raises(ValidationError, match="低保"):
        central_care_cost_record(
            actor=make_user("elderly_officer", "370811"),
            person=make_elder(78),
            year=2026,
            annual_cost=7000,
            dibao_paid=6000,
        )
