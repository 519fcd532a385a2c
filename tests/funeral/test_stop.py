"""Every benefit stops in one place: one service over the one enrolment table ends every open enrolment
of the deceased with the month of death as the last month paid, and counts what frozen rolls paid for
the months after death, per programme. A household benefit where others live on is flagged instead."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.accounts.models import Role
from minzheng.assistance.models import Review
from minzheng.benefits.models import Enrolment
from minzheng.funeral import selectors, services
from minzheng.funeral.models import BenefitStop
from tests.conftest import VILLAGE_A

from .conftest import DEATH, MONTHS, enrol, open_case, through_subsidy

AUGUST = dt.date(2026, 8, 1)


def _log(case):
    from minzheng.casework.selectors import case_history
    from minzheng.funeral.workflow import FUNERAL

    return " ".join(h["note"] for h in case_history(workflow=FUNERAL, case=case))


def _stop(clerk, person, home):
    case = through_subsidy(clerk, open_case(clerk, person), home)
    return services.funeral_benefits_stop(actor=clerk, case=case)


def test_a_tekun_elder_with_high_age_allowance_has_both_ended_with_the_overpayment_per_programme(
    clerk, elder, home, paid
):
    paid()
    case = _stop(clerk, elder, home)
    stops = {s.programme: s for s in BenefitStop.objects.filter(case=case)}
    assert set(stops) == {"tekun", "high_age"}
    for code, monthly in (("tekun", 900), ("high_age", 100)):
        s = stops[code]
        assert s.action == "ended" and s.end_month == AUGUST
        assert s.last_paid_month == MONTHS[-1]
        assert (s.overpaid_months, s.overpayment) == (2, 2 * monthly)
        assert Enrolment.objects.get(pk=s.enrolment_id).last_month == AUGUST
    assert case.state == "stopped" and selectors.overpayment_total(case) == 2000


def test_every_registered_monthly_programme_is_found_in_the_one_table(clerk, make_person, home):
    person = make_person(birth=dt.date(1950, 1, 1), name="多项待遇")
    for code in ("elder_subsidy", "dis_living", "dis_care"):
        enrol(person, code, 80)
    case = _stop(clerk, person, home)
    assert sorted(case.stops.values_list("programme", flat=True)) == [
        "dis_care",
        "dis_living",
        "elder_subsidy",
    ]
    assert not Enrolment.objects.filter(person=person, last_month__isnull=True).exists()


def test_without_payments_after_death_there_is_no_overpayment(clerk, elder, home):
    case = _stop(clerk, elder, home)
    assert [(s.overpayment, s.last_paid_month) for s in case.stops.all()] == [(0, None), (0, None)]


def test_an_enrolment_already_ended_before_the_death_is_left_alone(clerk, elder, home):
    from minzheng.benefits.services import enrolment_end

    high_age = Enrolment.objects.get(person=elder, programme="high_age")
    enrolment_end(actor=clerk, enrolment=high_age, last_month=MONTHS[0], reason="迁出")
    case = _stop(clerk, elder, home)
    assert list(case.stops.values_list("programme", flat=True)) == ["tekun"]
    high_age.refresh_from_db()
    assert high_age.last_month == MONTHS[0] and high_age.end_reason == "迁出"


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_OFFICER, VILLAGE_A[:6])


def test_a_dibao_household_where_others_live_on_is_flagged_for_re_decision_not_ended(
    clerk, county, make_household, home
):
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    dibao = enrol(head, "dibao", 1200, household=hh)
    case = _stop(clerk, head, home)
    stop = case.stops.get()
    assert stop.action == "redecide" and stop.end_month is None and stop.overpayment == 0
    dibao.refresh_from_db()
    assert dibao.last_month is None
    # the assistance line's re-decision (复核) is opened, the step waits for it, the township sees a to-do;
    # a stock enrolment with no facts on file: the note names the facts that are missing, no figure
    review = Review.objects.get(enrolment=dibao, outcome="")
    assert stop.review_ref == review.pk and case.state == "subsidised"
    assert "无法按规则估算" in stop.note and "预计每月" not in stop.note
    assert "原申请的申报收入" in stop.note and "家庭经济状况核对报告" in stop.note
    # the to-do goes to who decides the review (the county), not to the desk that cannot
    assert selectors.redecide_todo(clerk, DEATH).count == 0
    todo = selectors.redecide_todo(county, DEATH)
    assert todo.count == 1 and "最低生活保障" in todo.items[0].note and todo.url == "/assistance/reviews/"


def test_the_re_decision_to_do_goes_once_the_household_benefit_is_changed(
    clerk, county, make_household, home
):
    from minzheng.benefits.services import enrolment_end

    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    dibao = enrol(head, "dibao", 1200, household=hh)
    _stop(clerk, head, home)
    assert selectors.redecide_todo(county, DEATH).count == 1
    enrolment_end(actor=clerk, enrolment=dibao, last_month=AUGUST, reason="重新核定")
    Review.objects.filter(enrolment=dibao).update(outcome="stop")  # what the decision records
    assert selectors.redecide_todo(county, DEATH).count == 0


def test_a_dibao_household_whose_only_member_died_is_ended(clerk, make_household, home):
    hh = make_household(size=1)
    head = hh.memberships.get().person
    enrol(head, "dibao", 700, household=hh)
    case = _stop(clerk, head, home)
    assert case.stops.get().action == "ended"


def test_the_stop_is_audited_with_its_counts_and_no_personal_numbers(clerk, elder, home, paid):
    from minzheng.audit.models import AuditLog

    paid()
    case = _stop(clerk, elder, home)
    row = AuditLog.objects.get(target_type="funeral_case.stop", target_id=str(case.pk))
    assert row.new == {"ended": 2, "redecide": 0, "voided": 0, "overpayment": 2000}


def test_a_benefit_starting_after_the_death_and_never_paid_is_voided_not_ended_or_counted(
    clerk, make_person, home
):
    from minzheng.audit.models import AuditLog
    from minzheng.benefits.services import enrolment_create

    person = make_person(birth=dt.date(1940, 1, 1), name="新批老人")
    later = enrolment_create(
        actor=None, programme="high_age", person=person, household=None, amount=100, first_month=MONTHS[2]
    )
    case = _stop(clerk, person, home)
    stop = case.stops.get()
    assert stop.action == "voided" and stop.end_month is None
    assert (stop.overpaid_months, stop.overpayment) == (0, 0)
    assert "2026年9月" in stop.note and "已撤销" in stop.note
    later.refresh_from_db()
    assert later.monthly_amount == 0 and later.last_month == later.first_month
    assert later.end_reason.startswith("已撤销")
    row = AuditLog.objects.get(target_type="enrolment.high_age.void", target_id=str(later.pk))
    assert row.old["monthly_amount"] == 100
    assert "撤销1项未发放待遇" in _log(case)


def test_a_benefit_starting_after_the_death_but_paid_by_a_checked_roll_ends_and_is_all_overpayment(
    clerk, make_person, home, paid
):
    from minzheng.benefits.services import enrolment_create

    person = make_person(birth=dt.date(1940, 1, 1), name="新批老人")
    later = enrolment_create(
        actor=None, programme="high_age", person=person, household=None, amount=100, first_month=MONTHS[2]
    )
    paid()
    case = _stop(clerk, person, home)
    stop = case.stops.get()
    assert stop.action == "ended" and stop.end_month == MONTHS[2]
    assert (stop.overpaid_months, stop.overpayment) == (2, 200)
    later.refresh_from_db()
    assert later.last_month == MONTHS[2]


def test_a_month_paid_by_a_checked_roll_after_the_death_is_explained_on_the_stop_page(
    clerk, elder, home, paid
):
    from django.test import Client

    paid()
    case = _stop(clerk, elder, home)
    note = case.stops.get(programme="tekun").note
    assert note == (
        "逝者2026年8月去世，但2026年9月至2026年10月的发放名册在登记死亡前已审核冻结，"
        "这2个月的待遇共1800元已经发出，需向家属追回"
    )
    c = Client()
    c.force_login(clerk)
    assert note in c.get(f"/funeral/{case.pk}/").content.decode()


def test_enrolment_void_refuses_a_benefit_a_checked_roll_has_paid(clerk, elder, paid):
    import pytest
    from django.core.exceptions import ValidationError

    from minzheng.benefits.services import enrolment_void

    paid()
    tekun = Enrolment.objects.get(person=elder, programme="tekun")
    with pytest.raises(ValidationError, match="不能撤销"):
        enrolment_void(actor=clerk, enrolment=tekun, reason="试")
    tekun.refresh_from_db()
    assert tekun.monthly_amount == 900 and tekun.last_month is None


def test_the_case_log_counts_every_outcome_of_the_stop(clerk, make_household, home, make_user):
    from minzheng.assistance.services import review_decide

    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    enrol(head, "dibao", 1200, household=hh)
    enrol(head, "high_age", 100)
    case = _stop(clerk, head, home)
    assert {s.action for s in case.stops.all()} == {"ended", "redecide"}
    assert case.state == "subsidised"  # the household's re-decision is still open
    approver = make_user("township_approver", clerk.region.code)
    review_decide(
        actor=approver, review=Review.objects.get(), outcome="continue", reasons="其他成员仍符合条件"
    )
    case = services.funeral_benefits_stop(actor=clerk, case=case)
    assert case.state == "stopped"
    assert "停发1项待遇、1项家庭待遇经复核重新核定" in _log(case) and "停发0项" not in _log(case)


def test_a_stock_dibao_household_is_estimated_on_the_facts_its_household_has_on_file(
    clerk, make_household, home
):
    from minzheng.assistance.services import application_create

    hh = make_household(size=3)
    head = hh.memberships.get(relation="head").person
    dibao = enrol(head, "dibao", 1800, household=hh)  # imported from the old system: no decision behind it
    members = [
        {"person_id": m.person_id, "monthly_wage": 300 if m.relation == "head" else 0}
        for m in hh.memberships.all()
    ]
    application_create(
        actor=clerk,
        programme="dibao",
        household=hh,
        applicant=head,
        declared={"members": members, "assets": {"financial": 0}},
    )
    child = hh.memberships.filter(relation="child").first().person
    stop = _stop(clerk, child, home).stops.get(enrolment=dibao)
    assert stop.action == "redecide" and "找不到原申请" not in stop.note
    assert "无法按规则估算" not in stop.note and "按规则减少一名成员后" in stop.note
