"""Dibao / tekun / temporary assistance end to end through the services: intake, verification, review,
notice, decision, enrolment, payroll, periodic review, escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.assistance import services as svc
from minzheng.assistance.models import Application, Decision, PublicNotice, SecondApproval, State
from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment, PayrollLine
from minzheng.benefits.services import payroll_adjust, payroll_freeze, payroll_generate
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B, verified

TODAY = timezone.localdate()


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("township_clerk", TOWN_A),  # intake
        "verifier": make_user("township_clerk", TOWN_A),  # 核对 and home visit
        "recorder": make_user("township_clerk", TOWN_A),  # 民主评议 recorded
        "approver": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
        "other_clerk": make_user("township_clerk", "370812001"),
    }


def _declared(hh, wage=1200):
    members = [m.person for m in hh.memberships.filter(end_date__isnull=True).order_by("id")]
    rows = [{"person_id": members[0].pk, "monthly_wage": wage, "employed": True}]
    rows += [{"person_id": p.pk} for p in members[1:]]
    return {"members": rows, "assets": {"financial": 1000, "vehicles": [], "residential_properties": 1}}


def _through_notice(app, staff, agreed=9):
    """Intake by the clerk, 核对 by the verifier, 民主评议 by the recorder: three people, three steps."""
    clerk, verifier = staff["clerk"], staff["verifier"]
    svc.application_sign_authorisation(actor=clerk, application=app, signed_on=TODAY)
    svc.application_submit(actor=clerk, application=app)
    svc.application_start_verification(actor=verifier, application=app)
    svc.application_record_home_visit(
        actor=verifier,
        application=app,
        visited_on=TODAY,
        visitors="王、李",
        findings="房屋简陋，家中无贵重物品",
    )
    verified(app, verifier)
    svc.application_to_village_review(actor=verifier, application=app)
    svc.application_record_village_review(
        actor=staff["recorder"], application=app, held_on=TODAY, participants=9, agreed=agreed
    )
    return PublicNotice.objects.filter(application=app).first()


@pytest.fixture
def dibao_app(make_household, staff):
    hh = make_household(size=3)
    return svc.application_create(
        actor=staff["clerk"],
        programme="dibao",
        household=hh,
        applicant=hh.memberships.get(relation="head").person,
        declared=_declared(hh),
    )


def test_a_dibao_household_goes_from_application_to_first_payment(dibao_app, staff):
    notice = _through_notice(dibao_app, staff)
    assert notice.end_date == notice.start_date + dt.timedelta(days=7)
    decided_on = notice.end_date + dt.timedelta(days=1)
    decision = svc.application_decide(
        actor=staff["approver"], application=dibao_app, outcome="grant", on=decided_on
    )
    dibao_app.refresh_from_db()
    assert dibao_app.state == State.ACTIVE
    # (719 × 3) − 1200 × 0.8 = 1197 (urban standard in force, employment deduction 20 %)
    assert decision.monthly_amount == 1197 and decision.members_covered == 3
    assert decision.rule_version and decision.inputs["policy"]["dibao.standard"] == "719.0000"
    enrolment = Enrolment.objects.get(source_type="decision", source_id=str(decision.pk))
    next_month = (decided_on.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert enrolment.first_month == next_month
    month = enrolment.first_month
    run = payroll_generate(actor=staff["county"], county_code="370811", month=month)
    assert [(ln.enrolment_id, ln.amount) for ln in run.lines.all()] == [(enrolment.pk, 1197)]
    before = payroll_generate(actor=staff["county"], county_code="370811", month=month - dt.timedelta(days=1))
    assert before.line_count == 0  # benefits start the month after approval


def test_the_public_notice_must_run_seven_days_before_a_decision(dibao_app, staff):
    notice = _through_notice(dibao_app, staff)
    with pytest.raises(ValidationError, match="公示期满后"):
        svc.application_decide(
            actor=staff["approver"], application=dibao_app, outcome="grant", on=notice.end_date
        )
    assert Decision.objects.count() == 0


def test_the_approver_who_proposed_an_override_cannot_confirm_it(dibao_app, staff):
    _through_notice(dibao_app, staff)
    proposal = SecondApproval.objects.create(
        kind="decision",
        application=dibao_app,
        region_code=dibao_app.region_code,
        payload={"outcome": "grant", "reasons": "", "override_reasons": "x", "version": dibao_app.version},
        proposed_by=staff["approver"],
    )
    with pytest.raises(ValidationError, match="另一人"):
        svc.second_approval_confirm(actor=staff["approver"], approval=proposal)


def test_illegal_transitions_are_refused_with_a_clear_message(dibao_app, staff):
    with pytest.raises(ValidationError, match="核对授权书"):
        svc.application_submit(actor=staff["clerk"], application=dibao_app)
    svc.application_sign_authorisation(actor=staff["clerk"], application=dibao_app, signed_on=TODAY)
    with pytest.raises(ValidationError, match="不能转为"):
        verified(dibao_app, staff["clerk"])
        svc.application_to_village_review(actor=staff["clerk"], application=dibao_app)
    with pytest.raises(ValidationError, match="须经民主评议和公示"):
        svc.application_decide(actor=staff["approver"], application=dibao_app, outcome="grant")
    dibao_app.refresh_from_db()
    assert dibao_app.state == State.DRAFT


def test_a_stale_version_cannot_decide_twice(dibao_app, staff, make_user):
    _through_notice(dibao_app, staff)
    dibao_app.refresh_from_db()
    version = dibao_app.version
    later = TODAY + dt.timedelta(days=30)
    svc.application_decide(
        actor=staff["approver"], application=dibao_app, outcome="grant", expected_version=version, on=later
    )
    stale = Application.objects.get(pk=dibao_app.pk)
    stale.state, stale.version = State.PUBLIC_NOTICE, version
    with pytest.raises(ValidationError, match="已被他人处理"):
        svc.application_decide(
            actor=make_user("township_approver", TOWN_A),
            application=stale,
            outcome="grant",
            expected_version=version,
            on=later,
        )
    assert Decision.objects.filter(application=dibao_app).count() == 1
    assert Enrolment.objects.count() == 1


def test_a_refusal_needs_reasons_and_a_county_escalation_can_reverse_it(dibao_app, staff):
    _through_notice(dibao_app, staff)
    later = TODAY + dt.timedelta(days=30)
    with pytest.raises(ValidationError, match="理由"):
        svc.application_decide(actor=staff["approver"], application=dibao_app, outcome="refuse", on=later)
    svc.application_decide(
        actor=staff["approver"],
        application=dibao_app,
        outcome="refuse",
        reasons="入户调查发现有经营收入",
        on=later,
    )
    dibao_app.refresh_from_db()
    assert dibao_app.state == State.CLOSED
    esc = svc.escalation_request(actor=staff["clerk"], application=dibao_app, reason="经营已于上月注销")
    with pytest.raises(ValidationError, match="县级"):
        svc.escalation_decide(actor=staff["approver"], escalation=esc, outcome="grant", notes="x")
    county = svc.escalation_decide(
        actor=staff["county"], escalation=esc, outcome="grant", notes="县级复核：经营已注销，收入低于标准"
    )
    dibao_app.refresh_from_db()
    assert dibao_app.state == State.ACTIVE and county.level == "county"
    assert county.supersedes.outcome == "refuse"
    assert Enrolment.objects.filter(source_id=str(county.pk), monthly_amount=1197).exists()


def test_an_ineligible_household_cannot_be_granted(make_household, staff):
    hh = make_household(size=1)
    app = svc.application_create(
        actor=staff["clerk"],
        programme="dibao",
        household=hh,
        applicant=hh.memberships.get().person,
        declared=_declared(hh, wage=5000),
    )
    _through_notice(app, staff)
    with pytest.raises(ValidationError, match="不符合条件"):
        svc.application_decide(
            actor=staff["approver"], application=app, outcome="grant", on=TODAY + dt.timedelta(days=30)
        )


def test_a_clerk_cannot_open_a_case_for_a_household_outside_the_township(make_household, staff):
    hh = make_household(village=VILLAGE_B, size=1)
    with pytest.raises(ValidationError, match="管辖范围"):
        svc.application_create(
            actor=staff["clerk"],
            programme="dibao",
            household=hh,
            applicant=hh.memberships.get().person,
            declared=_declared(hh),
        )
    assert Application.objects.count() == 0


def test_temporary_assistance_is_accepted_where_the_emergency_happened_and_paid_at_once(
    make_household, staff
):
    visitor = make_household(village=VILLAGE_B, size=1)  # hukou and home in 兖州区
    app = svc.application_create(
        actor=staff["clerk"],
        programme="temporary",
        household=visitor,
        applicant=visitor.memberships.get().person,
        declared=_declared(visitor, wage=0),
        region_code=VILLAGE_A,
        amount_requested=1500,
        emergency_kind="urgent",
        emergency_description="火灾",
    )
    svc.application_submit(actor=staff["clerk"], application=app)
    decision = svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    assert decision.monthly_amount == 1500 and decision.level == "township"
    enrolment = Enrolment.objects.get(source_id=str(decision.pk))
    assert enrolment.first_month == enrolment.last_month == TODAY.replace(day=1)


def test_temporary_assistance_over_three_times_the_standard_goes_to_the_county(make_household, staff):
    hh = make_household(size=1)
    app = svc.application_create(
        actor=staff["clerk"],
        programme="temporary",
        household=hh,
        applicant=hh.memberships.get().person,
        declared=_declared(hh, wage=0),
        amount_requested=5000,
        emergency_kind="expense",
    )
    svc.application_submit(actor=staff["clerk"], application=app)
    with pytest.raises(ValidationError, match="县级审批"):
        svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    assert svc.application_decide(actor=staff["county"], application=app, outcome="grant").level == "county"


def test_payroll_is_frozen_and_rerunning_a_frozen_month_changes_nothing(dibao_app, staff, make_user):
    _through_notice(dibao_app, staff)
    decision = svc.application_decide(
        actor=staff["approver"], application=dibao_app, outcome="grant", on=TODAY + dt.timedelta(days=30)
    )
    month = decision.first_month
    checker = make_user("county_officer", "370811")  # make-and-check: another person freezes
    run = payroll_generate(actor=staff["county"], county_code="370811", month=month)
    payroll_freeze(actor=checker, run=run)
    again = payroll_generate(actor=staff["county"], county_code="370811", month=month)
    assert again.pk == run.pk and PayrollLine.objects.filter(run=run).count() == 1
    with pytest.raises(ValidationError, match="已审核冻结"):
        payroll_freeze(actor=checker, run=run)
    correction = payroll_adjust(
        actor=staff["county"], run=run, enrolment=Enrolment.objects.get(), amount=-100, reason="多发扣回"
    )
    run.refresh_from_db()
    assert run.total_amount == 1197 and correction.status == "pending"  # the frozen roll is untouched
    with pytest.raises(ValidationError, match="县"):
        payroll_generate(actor=staff["clerk"], county_code="370811", month=month)


def test_a_review_stops_a_household_and_payment_ends_the_month_after(dibao_app, staff):
    _through_notice(dibao_app, staff)
    decision = svc.application_decide(
        actor=staff["approver"], application=dibao_app, outcome="grant", on=TODAY + dt.timedelta(days=30)
    )
    enrolment = Enrolment.objects.get()
    review_day = decision.first_month + dt.timedelta(days=40)
    review = svc.review_open(actor=staff["clerk"], enrolment=enrolment, due_date=review_day)
    svc.review_decide(
        actor=staff["approver"],
        review=review,
        outcome="stop",
        reasons="家庭成员就业，收入超标",
        on=review_day,
    )
    enrolment.refresh_from_db()
    assert enrolment.last_month == review_day.replace(day=1)
    nxt = (review_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert payroll_generate(actor=staff["county"], county_code="370811", month=review_day).line_count == 1
    assert payroll_generate(actor=staff["county"], county_code="370811", month=nxt).line_count == 0


def test_gradual_exit_keeps_paying_six_months(dibao_app, staff):
    _through_notice(dibao_app, staff)
    decision = svc.application_decide(
        actor=staff["approver"], application=dibao_app, outcome="grant", on=TODAY + dt.timedelta(days=30)
    )
    enrolment = Enrolment.objects.get()
    review = svc.review_open(actor=staff["clerk"], enrolment=enrolment, due_date=decision.first_month)
    svc.review_decide(
        actor=staff["approver"],
        review=review,
        outcome="gradual_exit",
        reasons="就业后收入超标",
        on=decision.first_month,
    )
    enrolment.refresh_from_db()
    m = decision.first_month
    assert (enrolment.last_month.year * 12 + enrolment.last_month.month) - (m.year * 12 + m.month) == 6


def test_every_step_is_audited(dibao_app, staff):
    _through_notice(dibao_app, staff)
    states = AuditLog.objects.filter(target_type="application.state", target_id=str(dibao_app.pk))
    assert [r.new["state"] for r in states.order_by("seq")] == [
        "submitted",
        "verifying",
        "village_review",
        "public_notice",
    ]


def test_review_worklist_is_yearly_but_six_monthly_where_a_member_can_work(
    make_household, make_person, staff
):
    from minzheng.assistance.selectors import dibao_due_for_review
    from minzheng.benefits.services import enrolment_create
    from minzheng.people.services import household_add_member, household_create

    working = make_household(size=1)  # head born 1980: of working age
    elderly_head = make_person(birth=dt.date(1940, 1, 1), name="老人")
    elderly = household_create(
        actor=system_actor(purpose="测试数据"),
        number="OLD1",
        region_code=VILLAGE_A,
        hukou_type="urban",
        head=elderly_head,
        start_date=dt.date(2000, 1, 1),
    )
    household_add_member(
        actor=system_actor(purpose="测试数据"),
        household=elderly,
        person=make_person(birth=dt.date(1942, 1, 1)),
        relation="spouse",
        start_date=dt.date(2000, 1, 1),
    )
    on = dt.date(2025, 8, 15)
    for hh in (working, elderly):
        enrolment_create(
            actor=None,
            programme="dibao",
            person=hh.memberships.get(relation="head").person,
            household=hh,
            amount=500,
            first_month=dt.date(2025, 1, 1),
        )
    due = {e.household_id for e in dibao_due_for_review(actor=staff["clerk"], on=on)}
    assert due == {working.pk}  # 7 months in: only the household with a working-age member
    due_later = {e.household_id for e in dibao_due_for_review(actor=staff["clerk"], on=dt.date(2026, 1, 20))}
    assert due_later == {working.pk, elderly.pk}


def test_a_tekun_application_records_the_care_mode_and_its_institution(make_household, staff):
    hh = make_household(size=1)
    head = hh.memberships.get().person
    declared = {"members": [{"person_id": head.pk, "has_supporter": False}]}
    with pytest.raises(ValidationError, match="供养方式"):
        svc.application_create(
            actor=staff["clerk"], programme="tekun", household=hh, applicant=head, declared=declared
        )
    with pytest.raises(ValidationError, match="供养机构"):
        svc.application_create(
            actor=staff["clerk"],
            programme="tekun",
            household=hh,
            applicant=head,
            declared=declared,
            care_mode="centralised",
        )
    app = svc.application_create(
        actor=staff["clerk"],
        programme="tekun",
        household=hh,
        applicant=head,
        declared=declared,
        care_mode="centralised",
        care_institution="任城区福利中心",
    )
    assert app.get_care_mode_display() == "集中供养" and app.care_institution == "任城区福利中心"
