"""经济困难高龄、失能老年人补贴: applied for by the clerk, decided by the elderly officer with the rule
version and inputs stored, enrolled through benefits and paid by the county's monthly payroll."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.models import Enrolment, PayrollLine
from minzheng.benefits.services import enrolment_create, first_of_month, payroll_generate
from minzheng.elderly.models import CapabilityAssessment, ElderProfile, SubsidyStatus
from minzheng.elderly.services import subsidy_apply, subsidy_decide
from minzheng.policy.selectors import policy_resolve
from tests.conftest import TOWN_A

pytestmark = pytest.mark.django_db


def _enrol(person, programme="dibao"):  # type: ignore[no-untyped-def]
    return enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme=programme,
        person=person,
        household=None,
        amount=500,
        first_month=first_of_month(timezone.localdate()).replace(year=2024),
    )


def _figure(person, key):  # type: ignore[no-untyped-def]
    ps = policy_resolve(on=timezone.localdate(), region_code=person.region_code, hukou_type=person.hukou_type)
    return int(ps.get(key))


def test_a_dibao_elder_with_severe_disability_is_granted_the_level_amount_and_paid(
    make_user, make_elder, assessed
):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(68)
    _enrol(elder)
    assessed(elder, 3)
    app = subsidy_decide(actor=officer, application=subsidy_apply(actor=clerk, person=elder))
    assert app.status == SubsidyStatus.GRANTED
    assert app.amount == _figure(elder, "elder_subsidy.level3")
    assert app.rule_version and "elder_subsidy.level3" in app.inputs
    assert any(r["test"] == "identity" and r["passed"] for r in app.reasons)
    county = make_user("county_officer", "370811")
    run = payroll_generate(actor=county, county_code="370811", month=timezone.localdate())
    line = PayrollLine.objects.get(run=run, programme="elder_subsidy")
    assert line.amount == app.amount and line.person_id == elder.pk


def test_a_high_age_tekun_elder_without_disability_gets_the_high_age_amount(make_user, make_elder, assessed):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(85)
    _enrol(elder, "tekun")
    assessed(elder, 0)
    app = subsidy_decide(actor=officer, application=subsidy_apply(actor=clerk, person=elder))
    assert (app.status, app.identity, app.amount) == (
        SubsidyStatus.GRANTED,
        "tekun",
        _figure(elder, "elder_subsidy.high_age"),
    )


def test_an_elder_without_dibao_or_tekun_is_refused_with_the_reason_and_nothing_is_paid(
    make_user, make_elder, assessed
):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(88)
    assessed(elder, 4)
    app = subsidy_decide(actor=officer, application=subsidy_apply(actor=clerk, person=elder))
    assert (app.status, app.amount, app.enrolment) == (SubsidyStatus.REFUSED, 0, None)
    assert any(r["test"] == "identity" and not r["passed"] for r in app.reasons)


def test_a_young_old_dibao_elder_with_mild_disability_is_refused(make_user, make_elder, assessed):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(66)
    _enrol(elder)
    assessed(elder, 1)
    app = subsidy_decide(actor=officer, application=subsidy_apply(actor=clerk, person=elder))
    assert app.status == SubsidyStatus.REFUSED


def test_the_clerk_cannot_decide_and_a_second_application_is_refused(make_user, make_elder):
    clerk = make_user("township_clerk", TOWN_A)
    elder = make_elder(85)
    app = subsidy_apply(actor=clerk, person=elder)
    with pytest.raises(ValidationError):
        subsidy_decide(actor=clerk, application=app)
    with pytest.raises(ValidationError, match="待审批"):
        subsidy_apply(actor=clerk, person=elder)


def test_the_registry_lists_eligible_elders_not_yet_granted_by_the_same_rule(make_user, make_elder, assessed):
    from minzheng.elderly.selectors import elder_registry

    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    eligible, granted, not_poor = make_elder(86), make_elder(87), make_elder(88)
    young_dibao = make_elder(65)
    for p in (eligible, granted, young_dibao):
        _enrol(p)
    assessed(granted, 0)
    subsidy_decide(actor=officer, application=subsidy_apply(actor=clerk, person=granted))
    assert list(elder_registry(actor=clerk, candidates=True)) == [eligible]
    assert not_poor not in elder_registry(actor=clerk, candidates=True)


def test_a_level_typed_on_the_profile_without_an_assessment_grants_nothing(make_user, make_elder):
    """The demo's 完全失能 profile with no assessment behind it must not reach the roll."""
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(68)
    _enrol(elder)
    ElderProfile.objects.create(person=elder, region_code=elder.region_code, capability_level=4)
    app = subsidy_apply(actor=clerk, person=elder)
    with pytest.raises(ValidationError, match="尚无已记录的老年人能力评估"):
        subsidy_decide(actor=officer, application=app)
    app.refresh_from_db()
    assert (app.status, app.enrolment) == (SubsidyStatus.APPLIED, None)
    assert not Enrolment.objects.filter(person=elder, programme="elder_subsidy").exists()


def test_the_decision_uses_the_latest_recorded_assessment_not_the_profile_level(
    make_user, make_elder, assessed
):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(68)
    _enrol(elder)
    assessed(elder, 1)  # 轻度失能: below the subsidy's starting level
    ElderProfile.objects.filter(person=elder).update(capability_level=4)  # a stray write elsewhere
    app = subsidy_decide(actor=officer, application=subsidy_apply(actor=clerk, person=elder))
    assert (app.status, app.capability_level, app.amount) == (SubsidyStatus.REFUSED, 1, 0)


def test_an_assessment_older_than_a_year_is_refused_until_the_elder_is_reassessed(
    make_user, make_elder, assessed
):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(68)
    _enrol(elder)
    old = assessed(elder, 3)
    # a year and more passes
    CapabilityAssessment.objects.filter(pk=old.pk).update(
        assessed_on=dt.date(2024, 1, 5), next_due=dt.date(2025, 1, 5)
    )
    app = subsidy_apply(actor=clerk, person=elder)
    with pytest.raises(ValidationError, match="已超过一年"):
        subsidy_decide(actor=officer, application=app)
    assessed(elder, 3)
    assert subsidy_decide(actor=officer, application=app).status == SubsidyStatus.GRANTED
