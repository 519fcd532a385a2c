from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minzheng.accounts.permissions import Denied
from minzheng.benefits.models import Enrolment
from minzheng.funeral import services
from minzheng.funeral.models import BenefitStop, FuneralCase
from tests.conftest import VILLAGE_B

from .conftest import DEATH, enrol, open_case, through_subsidy


def test_opening_the_one_form_records_the_death_on_the_person_and_takes_the_certificate_step(clerk, elder):
    case = open_case(clerk, elder)
    elder.refresh_from_db()
    assert not elder.is_alive and elder.death_date == DEATH
    assert case.state == "certified" and case.region_code == elder.region_code
    assert case.family_phone_masked != "13912345678" and case.family_phone_masked.startswith("139")


def test_a_second_form_for_the_same_death_is_refused(clerk, elder):
    open_case(clerk, elder)
    with pytest.raises(ValidationError, match="已受理"):
        open_case(clerk, elder)


def test_a_death_date_that_contradicts_the_registered_one_is_refused_and_nothing_is_written(clerk, elder):
    from minzheng.people.services import person_record_death

    person_record_death(actor=clerk, person=elder, death_date=DEATH)
    with pytest.raises(ValidationError, match="不一致"):
        open_case(clerk, elder, death=dt.date(2026, 9, 1))
    assert not FuneralCase.objects.exists()


def test_a_clerk_of_another_county_may_not_open_the_form(make_user, elder):
    other = make_user("township_clerk", VILLAGE_B[:9])
    with pytest.raises(Denied):
        open_case(other, elder)


def test_a_tekun_member_gets_the_free_urn_decided_from_the_enrolment_table(clerk, elder, home):
    case = through_subsidy(clerk, open_case(clerk, elder), home)
    assert case.state == "subsidised" and case.subsidy_basis == "tekun"
    assert case.urn_free and case.basic_services_free and case.urn_price == 800


def test_a_person_without_dibao_or_tekun_pays_for_the_urn(clerk, make_person, home):
    person = make_person(birth=dt.date(1940, 1, 1), name="李大爷")
    enrol(person, "high_age", 100)
    case = through_subsidy(clerk, open_case(clerk, person), home)
    assert case.subsidy_basis == "" and not case.urn_free


def test_a_dibao_household_member_gets_the_free_urn_through_the_household_enrolment(
    clerk, make_household, home
):
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    member = hh.memberships.exclude(relation="head").get().person
    enrol(head, "dibao", 1200, household=hh)
    case = through_subsidy(clerk, open_case(clerk, member), home)
    assert case.subsidy_basis == "dibao" and case.urn_free


@pytest.mark.parametrize("price", [99, 2701, 0])
def test_an_urn_price_outside_the_policy_caps_is_refused_and_the_case_stays(clerk, elder, home, price):
    case = open_case(clerk, elder)
    case = services.funeral_cremation_record(actor=clerk, case=case, funeral_home=home, cremated_on=DEATH)
    case = services.funeral_hukou_notice(actor=clerk, case=case)
    with pytest.raises(ValidationError, match="100元至2700元"):
        services.funeral_subsidy_decide(actor=clerk, case=case, urn_price=price)
    case.refresh_from_db()
    assert case.state == "hukou" and case.urn_price is None


def test_a_step_cannot_be_skipped(clerk, elder):
    case = open_case(clerk, elder)
    with pytest.raises(ValidationError, match="不能转为"):
        services.funeral_benefits_stop(actor=clerk, case=case)
    assert not BenefitStop.objects.exists()


def test_cremation_before_the_death_is_refused(clerk, elder, home):
    case = open_case(clerk, elder)
    with pytest.raises(ValidationError, match="不能早于死亡日期"):
        services.funeral_cremation_record(
            actor=clerk, case=case, funeral_home=home, cremated_on=DEATH - dt.timedelta(days=1)
        )


def test_the_whole_flow_closes_the_case_with_each_step_done(clerk, elder, home):
    from minzheng.funeral.selectors import case_steps

    case = through_subsidy(clerk, open_case(clerk, elder), home)
    case = services.funeral_benefits_stop(actor=clerk, case=case)
    case = services.funeral_notices_issue(actor=clerk, case=case)
    assert case.state == "closed" and case.notices_on is not None
    steps = case_steps(case)
    assert [s.status for s in steps] == ["已办结"] * 6
    assert "任城区殡仪馆" in steps[1].detail


def test_halfway_the_steps_show_done_current_and_not_started(clerk, elder, home):
    from minzheng.funeral.selectors import case_steps

    case = open_case(clerk, elder)
    case = services.funeral_cremation_record(actor=clerk, case=case, funeral_home=home, cremated_on=DEATH)
    assert [s.status for s in case_steps(case)] == [
        "已办结",
        "已办结",
        "办理中",
        "未开始",
        "未开始",
        "未开始",
    ]


def test_opening_writes_the_case_history_and_audit(clerk, elder):
    from minzheng.audit.models import AuditLog
    from minzheng.casework.models import CaseEvent

    case = open_case(clerk, elder)
    assert CaseEvent.objects.filter(
        case_type="funeral.funeralcase", case_id=case.pk, to_state="certified"
    ).exists()
    assert AuditLog.objects.filter(target_type="funeral_case", target_id=str(case.pk)).exists()
    assert not Enrolment.objects.filter(person=elder, last_month__isnull=False).exists()
