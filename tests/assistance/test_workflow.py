"""The case workflow as an officer meets it (issues 11 and 12): 特困 intake, objections, reviews that stop,
the village vote, dates on the server's clock, overrides with a second approver, bounded amounts,
separation of duties, the evidence on the case page, robust forms and uploads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.assistance import selectors as sel
from minzheng.assistance import services as svc
from minzheng.assistance.models import (
    Application,
    Decision,
    Document,
    Objection,
    PublicNotice,
    Review,
    SecondApproval,
    State,
)
from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment
from tests.assistance.conftest import age_notice
from tests.conftest import TOWN_A, VILLAGE_A, verified

TODAY = timezone.localdate()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "recorder": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "approver2": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
        "assistant": make_user("village_assistant", VILLAGE_A),
    }


def _declared(hh, wage=0, has_supporter=None):
    members = [m.person for m in hh.memberships.filter(end_date__isnull=True).order_by("id")]
    rows = [{"person_id": members[0].pk, "monthly_wage": wage, "employed": bool(wage)}]
    if has_supporter is not None:
        rows[0]["has_supporter"] = has_supporter
    rows += [{"person_id": p.pk} for p in members[1:]]
    return {"members": rows, "assets": {"financial": 0, "vehicles": [], "residential_properties": 1}}


def _dibao(hh, staff, wage=600):
    return svc.application_create(
        actor=staff["clerk"],
        programme="dibao",
        household=hh,
        applicant=hh.memberships.get(relation="head").person,
        declared=_declared(hh, wage),
    )


def _to_village_review(app, staff):
    svc.application_sign_authorisation(actor=staff["clerk"], application=app, signed_on=TODAY)
    svc.application_submit(actor=staff["clerk"], application=app)
    svc.application_start_verification(actor=staff["verifier"], application=app)
    svc.application_record_home_visit(
        actor=staff["verifier"], application=app, visited_on=TODAY, visitors="王、李", findings="属实"
    )
    verified(app, staff["verifier"])
    svc.application_to_village_review(actor=staff["verifier"], application=app)


def _to_notice(app, staff, agreed=9):
    _to_village_review(app, staff)
    svc.application_record_village_review(
        actor=staff["recorder"], application=app, held_on=TODAY, participants=9, agreed=agreed
    )
    app.refresh_from_db()
    return app


def _granted(hh, staff):
    app = _to_notice(_dibao(hh, staff), staff)
    age_notice(app)
    svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    app.refresh_from_db()
    return app


# ---------------------------------------------------------------- 1. 特困: the 有赡养人 box
def test_an_unticked_has_supporter_box_is_stored_as_no_supporter_and_tekun_can_be_granted(
    make_household, staff
):
    hh = make_household(size=1)
    pid = hh.memberships.get().person_id
    form = {
        "programme": "tekun",
        "member": [pid],
        f"disability_grade_{pid}": "1",
        "care_mode": "dispersed",
        "financial": "0",
        "residential_properties": "1",
    }  # has_supporter_<pid> unticked: the browser does not send it
    r = _client(staff["clerk"]).post(f"/assistance/new/{hh.pk}/", form)
    assert r.status_code == 302, r.content.decode()[:300]
    app = Application.objects.get()
    assert app.declared["members"][0]["has_supporter"] is False
    assert svc.application_assess(application=app).eligible


def test_declared_facts_are_corrected_before_the_decision_with_old_and_new_in_the_audit(
    make_household, staff
):
    hh = make_household(size=1)
    head = hh.memberships.get().person
    app = svc.application_create(
        actor=staff["clerk"],
        programme="tekun",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": head.pk, "disability_grade": 1, "has_supporter": True}]},
        care_mode="dispersed",
    )
    assert not svc.application_assess(application=app).eligible
    c = _client(staff["clerk"])
    page = c.post(
        f"/assistance/{app.pk}/declared/",
        {"member": [head.pk], f"disability_grade_{head.pk}": "1", "financial": "0"},
        follow=True,
    ).content.decode()
    assert "已更正申报信息" in page
    app.refresh_from_db()
    assert app.declared["members"][0]["has_supporter"] is False
    row = AuditLog.objects.get(target_type="application.declared", target_id=str(app.pk))
    assert row.old["members"][0]["has_supporter"] is True and row.new["members"][0]["has_supporter"] is False


def test_a_county_escalation_can_reverse_a_tekun_refusal_after_correcting_the_facts(make_household, staff):
    hh = make_household(size=1)
    head = hh.memberships.get().person
    app = svc.application_create(
        actor=staff["clerk"],
        programme="tekun",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": head.pk, "disability_grade": 1, "has_supporter": True}]},
        care_mode="dispersed",
    )
    _to_notice(app, staff)
    age_notice(app)
    svc.application_decide(actor=staff["approver"], application=app, outcome="refuse", reasons="有赡养人")
    esc = svc.escalation_request(actor=staff["clerk"], application=app, reason="子女已去世，申报有误")
    with pytest.raises(ValidationError, match="更正申报信息"):
        svc.escalation_decide(actor=staff["county"], escalation=esc, outcome="grant", notes="改批")
    declared = {"members": [{"person_id": head.pk, "disability_grade": 1, "has_supporter": False}]}
    svc.application_update_declared(actor=staff["county"], application=app, declared=declared)
    svc.escalation_decide(actor=staff["county"], escalation=esc, outcome="grant", notes="核实无赡养人，改批")
    app.refresh_from_db()
    assert app.state == State.ACTIVE


def test_declared_facts_cannot_change_after_the_decision(make_household, staff):
    app = _granted(make_household(size=2), staff)
    with pytest.raises(ValidationError, match="不能再修改申报信息"):
        svc.application_update_declared(actor=staff["clerk"], application=app, declared=app.declared)


# ---------------------------------------------------------------- 2. objections
def test_an_objection_rejected_with_the_objector_informed_lets_the_decision_go_on(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    age_notice(app)
    objection = svc.application_record_objection(
        actor=staff["clerk"], application=app, received_on=TODAY, content="他家有车", objector="邻居王某"
    )
    with pytest.raises(ValidationError, match="未处理的异议"):
        svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    acts = sel.application_actions(actor=staff["approver"], application=app)
    assert "resolve_objection" in acts and "decide" not in acts  # no control that would be refused
    with pytest.raises(ValidationError, match="告知"):
        svc.objection_resolve(
            actor=staff["approver"], objection=objection, action="reject", resolution="车已报废"
        )
    svc.objection_resolve(
        actor=staff["approver"],
        objection=objection,
        action="reject",
        resolution="经核实车辆已于去年报废",
        informed_on=TODAY,
        informed_how="电话告知",
    )
    objection.refresh_from_db()
    assert objection.upheld is False and objection.informed_how == "电话告知"
    assert objection.resolved_by == staff["approver"]
    svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    app.refresh_from_db()
    assert app.state == State.ACTIVE


def test_an_upheld_objection_sends_the_case_back_to_verification(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    objection = svc.application_record_objection(
        actor=staff["clerk"], application=app, received_on=TODAY, content="有经营收入"
    )
    svc.objection_resolve(
        actor=staff["verifier"], objection=objection, action="reverify", resolution="需重新核对"
    )
    app.refresh_from_db()
    assert app.state == State.VERIFYING


def test_an_objection_upheld_for_refusal_allows_only_a_refusal(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    age_notice(app)
    objection = svc.application_record_objection(
        actor=staff["clerk"], application=app, received_on=TODAY, content="隐瞒存款"
    )
    svc.objection_resolve(actor=staff["approver2"], objection=objection, action="refuse", resolution="属实")
    with pytest.raises(ValidationError, match="异议经核实成立"):
        svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    svc.application_decide(actor=staff["approver"], application=app, outcome="refuse", reasons="隐瞒存款")
    app.refresh_from_db()
    assert app.state == State.CLOSED


def test_the_approver_sees_and_resolves_objections_on_the_case_page(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    svc.application_record_objection(
        actor=staff["clerk"], application=app, received_on=TODAY, content="他家有车", objector="邻居"
    )
    c = _client(staff["approver"])
    page = c.get(f"/assistance/{app.pk}/").content.decode()
    assert "他家有车" in page and "待核实处理" in page and "do-resolve" in page
    objection = Objection.objects.get()
    page = c.post(
        f"/assistance/{app.pk}/resolve_objection/",
        {
            "objection": objection.pk,
            "resolve_action": "reject",
            "resolution": "车已报废",
            "informed_on": TODAY.isoformat(),
            "informed_how": "书面通知",
        },
        follow=True,
    ).content.decode()
    assert "已处理异议" in page and "已告知异议人（书面通知）" in page


# ---------------------------------------------------------------- 3. stops close the case
def test_a_review_that_stops_the_benefit_closes_the_case_and_escalation_can_reverse_it(make_household, staff):
    app = _granted(make_household(size=2), staff)
    enrolment = Enrolment.objects.get()
    review_day = enrolment.first_month + dt.timedelta(days=40)
    review = svc.review_open(actor=staff["clerk"], enrolment=enrolment, due_date=review_day)
    svc.review_decide(
        actor=staff["approver"], review=review, outcome="stop", reasons="收入超标", on=review_day
    )
    app.refresh_from_db()
    enrolment.refresh_from_db()
    assert app.state == State.CLOSED and enrolment.last_month == review_day.replace(day=1)
    esc = svc.escalation_request(actor=staff["clerk"], application=app, reason="收入为一次性收入")
    svc.escalation_decide(
        actor=staff["county"], escalation=esc, outcome="grant", notes="一次性收入，恢复保障"
    )
    app.refresh_from_db()
    assert app.state == State.ACTIVE
    assert Enrolment.objects.filter(last_month__isnull=True).count() == 1


def test_a_gradual_exit_closes_the_case_when_the_exit_ends_and_a_death_closes_it_at_once(
    make_household, staff
):
    from minzheng.people.services import person_record_death

    exiting = _granted(make_household(size=2), staff)
    first = Enrolment.objects.get().first_month
    review = svc.review_open(actor=staff["clerk"], enrolment=Enrolment.objects.get(), due_date=first)
    svc.review_decide(
        actor=staff["approver"], review=review, outcome="gradual_exit", reasons="就业", on=first
    )
    died = _granted(make_household(size=1), staff)
    person_record_death(actor=system_actor(purpose="测试数据"), person=died.applicant, death_date=TODAY)
    assert svc.applications_close_ended(actor=staff["approver"]) == 1
    exiting.refresh_from_db()
    died.refresh_from_db()
    assert exiting.state == State.ACTIVE and died.state == State.CLOSED
    ended = Enrolment.objects.get(person=died.applicant)
    assert ended.last_month == ended.first_month and ended.end_reason == "保障对象死亡"
    assert svc.applications_close_ended(actor=staff["approver"], on=first + dt.timedelta(days=31 * 6)) == 0
    assert svc.applications_close_ended(actor=staff["approver"], on=first + dt.timedelta(days=31 * 7)) == 1
    exiting.refresh_from_db()
    assert exiting.state == State.CLOSED


# ---------------------------------------------------------------- 4. village review follows its votes
def test_one_of_five_agreeing_does_not_go_to_public_notice_and_leads_to_refusal(make_household, staff):
    app = _dibao(make_household(size=2), staff)
    _to_village_review(app, staff)
    review = svc.application_record_village_review(
        actor=staff["recorder"], application=app, held_on=TODAY, participants=5, agreed=1
    )
    app.refresh_from_db()
    assert not review.passed and app.state == State.VILLAGE_REVIEW
    assert not PublicNotice.objects.filter(application=app).exists()
    page = _client(staff["approver"]).get(f"/assistance/{app.pk}/").content.decode()
    assert "民主评议未通过" in page and "至少3人" in page
    with pytest.raises(ValidationError, match="民主评议未通过，不能批准"):
        svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    svc.application_decide(actor=staff["approver"], application=app, outcome="refuse", reasons="评议未通过")
    app.refresh_from_db()
    assert app.state == State.CLOSED


def test_exactly_half_agreeing_fails_and_the_case_may_go_back_to_verification(make_household, staff):
    app = _dibao(make_household(size=2), staff)
    _to_village_review(app, staff)
    review = svc.application_record_village_review(
        actor=staff["recorder"], application=app, held_on=TODAY, participants=6, agreed=3
    )
    assert not review.passed
    svc.application_return_to_verification(actor=staff["verifier"], application=app, reason="补充核对")
    app.refresh_from_db()
    assert app.state == State.VERIFYING


# ---------------------------------------------------------------- 5. dates
def test_the_notice_starts_today_by_the_server_and_the_vote_cannot_predate_the_case(make_household, staff):
    app = _dibao(make_household(size=2), staff)
    _to_village_review(app, staff)
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        svc.application_record_village_review(
            actor=staff["recorder"],
            application=app,
            held_on=TODAY - dt.timedelta(days=30),
            participants=9,
            agreed=9,
        )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        svc.application_record_village_review(
            actor=staff["recorder"],
            application=app,
            held_on=TODAY + dt.timedelta(days=1),
            participants=9,
            agreed=9,
        )
    svc.application_record_village_review(
        actor=staff["recorder"], application=app, held_on=TODAY, participants=9, agreed=9
    )
    notice = PublicNotice.objects.get(application=app)
    assert notice.start_date == TODAY and notice.end_date == TODAY + dt.timedelta(days=7)
    with pytest.raises(ValidationError, match="公示期满后"):
        svc.application_decide(actor=staff["approver"], application=app, outcome="grant")


def test_absurd_dates_typed_in_the_case_forms_answer_in_chinese(make_household, staff):
    app = _dibao(make_household(size=2), staff)
    _to_village_review(app, staff)
    c = _client(staff["recorder"])
    for held_on in ("0001-01-01", "1899-12-31", "9999-12-31", "2024-02-30"):
        r = c.post(
            f"/assistance/{app.pk}/village_review/",
            {"held_on": held_on, "participants": "9", "agreed": "9"},
            follow=True,
        )
        assert r.status_code == 200
        assert "评议日期" in r.content.decode()
    app.refresh_from_db()
    assert app.state == State.VILLAGE_REVIEW


def test_a_date_with_no_policy_in_force_answers_a_chinese_error(make_household, staff):
    app = _dibao(make_household(size=1), staff)
    with pytest.raises(ValidationError, match="没有有效的"):
        svc.application_assess(application=app, on=dt.date(2000, 1, 1))


# ---------------------------------------------------------------- 6. decision against the 核对 report
def _report(app, actor, conclusion):
    from minzheng.verification.models import VerificationReport

    return VerificationReport.objects.create(
        application=app,
        region_code=app.region_code,
        snapshot_month="2025-01",
        snapshot_sha="0" * 64,
        rule_version="t",
        conclusion=conclusion,
        members=[],
        totals={},
        tests=[],
        declared_vs_verified=[{"item": "月收入", "declared": 600, "verified": 3200, "under_declared": True}],
        created_by=actor,
    )


def test_a_grant_against_a_no_match_report_needs_reasons_and_a_second_approver(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    _report(app, staff["verifier"], "no_match")
    age_notice(app)
    with pytest.raises(ValidationError, match="不采纳核对结论"):
        svc.application_decide(actor=staff["approver"], application=app, outcome="grant")
    with pytest.raises(ValidationError, match="已被他人处理"):  # a stale page parks no proposal
        svc.application_decide(
            actor=staff["approver"],
            application=app,
            outcome="grant",
            override=True,
            override_reasons="工资为一次性补发",
            expected_version=app.version - 1,
        )
    assert not SecondApproval.objects.exists()
    proposal = svc.application_decide(
        actor=staff["approver"],
        application=app,
        outcome="grant",
        override=True,
        override_reasons="工资为一次性补发",
    )
    assert isinstance(proposal, SecondApproval)
    app.refresh_from_db()
    assert app.state == State.PUBLIC_NOTICE and not Decision.objects.exists()
    with pytest.raises(ValidationError, match="另一人"):
        svc.second_approval_confirm(actor=staff["approver"], approval=proposal)
    with pytest.raises(ValidationError, match="只有"):
        svc.second_approval_confirm(actor=staff["clerk"], approval=proposal)
    decision = svc.second_approval_confirm(actor=staff["approver2"], approval=proposal)
    assert decision.verification_override and decision.override_reasons == "工资为一次性补发"
    assert decision.second_approver == staff["approver2"] and decision.decided_by == staff["approver"]
    app.refresh_from_db()
    assert app.state == State.ACTIVE


# ---------------------------------------------------------------- 7. review amounts
def test_an_adjustment_takes_its_amount_from_the_rule_and_refuses_absurd_manual_amounts(
    make_household, staff
):
    app = _granted(make_household(size=2), staff)
    enrolment = Enrolment.objects.get()
    day = enrolment.first_month
    review = svc.review_open(actor=staff["clerk"], enrolment=enrolment, due_date=day)
    with pytest.raises(ValidationError, match="手工调整金额须在1至5000"):
        svc.review_decide(
            actor=staff["approver"],
            review=review,
            outcome="adjust",
            reasons="x",
            new_amount=99_999_999,
            on=day,
        )
    assert Review.objects.get().outcome == ""
    svc.review_decide(actor=staff["approver"], review=review, outcome="adjust", reasons="按规则重算", on=day)
    new = Enrolment.objects.get(source_type="review")
    assert new.monthly_amount == svc.application_assess(application=app).monthly_amount


def test_a_manual_amount_above_the_threshold_waits_for_a_second_approver(make_household, staff):
    _granted(make_household(size=2), staff)
    day = Enrolment.objects.get().first_month
    review = svc.review_open(actor=staff["clerk"], enrolment=Enrolment.objects.get(), due_date=day)
    svc.review_decide(
        actor=staff["approver"], review=review, outcome="adjust", reasons="重病", new_amount=3000, on=day
    )
    review.refresh_from_db()
    assert review.outcome == "" and not Enrolment.objects.filter(source_type="review").exists()
    approval = SecondApproval.objects.get(review=review)
    with pytest.raises(ValidationError, match="另一人"):
        svc.second_approval_confirm(actor=staff["approver"], approval=approval)
    svc.second_approval_confirm(actor=staff["approver2"], approval=approval, on=day)
    review.refresh_from_db()
    assert review.outcome == "adjust" and review.second_approver == staff["approver2"]
    assert Enrolment.objects.get(source_type="review").monthly_amount == 3000


def test_a_huge_amount_typed_in_the_review_form_answers_in_chinese(make_household, staff):
    _granted(make_household(size=2), staff)
    review = svc.review_open(actor=staff["clerk"], enrolment=Enrolment.objects.get(), due_date=TODAY)
    c = _client(staff["approver"])
    for amount in (str(2**63), "abc", "99999999"):
        r = c.post(
            f"/assistance/reviews/{review.pk}/decide/",
            {"outcome": "adjust", "reasons": "x", "new_amount": amount},
            follow=True,
        )
        assert r.status_code == 200 and (
            "超出合理范围" in r.content.decode()
            or "应为整数" in r.content.decode()
            or "手工调整金额须在" in r.content.decode()
        )
    assert Review.objects.get().outcome == ""


# ---------------------------------------------------------------- 8. separation of duties
def test_no_one_takes_two_make_and_check_steps_of_a_case(make_household, staff):
    app = _dibao(make_household(size=2), staff)
    svc.application_sign_authorisation(actor=staff["clerk"], application=app, signed_on=TODAY)
    svc.application_submit(actor=staff["clerk"], application=app)
    with pytest.raises(ValidationError, match="您已办理本案的“受理”环节"):
        svc.application_start_verification(actor=staff["clerk"], application=app)
    svc.application_start_verification(actor=staff["verifier"], application=app)
    svc.application_record_home_visit(
        actor=staff["verifier"], application=app, visited_on=TODAY, visitors="王", findings="属实"
    )
    verified(app, staff["verifier"])
    svc.application_to_village_review(actor=staff["verifier"], application=app)
    with pytest.raises(ValidationError, match="核对与入户调查"):
        svc.application_record_village_review(
            actor=staff["verifier"], application=app, held_on=TODAY, participants=9, agreed=9
        )
    assert sel.application_actions(actor=staff["verifier"], application=app) >= {"upload"}
    assert "village_review" not in sel.application_actions(actor=staff["verifier"], application=app)
    assert "village_review" in sel.application_actions(actor=staff["recorder"], application=app)
    steps = svc.case_steps(app)
    assert steps[staff["clerk"].pk] == {"intake"} and steps[staff["verifier"].pk] == {"verification"}


def test_a_county_officer_who_decided_cannot_decide_the_escalation(make_household, staff, make_user):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    age_notice(app)
    svc.application_decide(actor=staff["county"], application=app, outcome="refuse", reasons="收入超标")
    esc = svc.escalation_request(actor=staff["clerk"], application=app, reason="不服")
    with pytest.raises(ValidationError, match="“审批”环节"):
        svc.escalation_decide(actor=staff["county"], escalation=esc, outcome="refuse", notes="维持")
    svc.escalation_decide(
        actor=make_user("county_officer", "370811"), escalation=esc, outcome="refuse", notes="维持"
    )


# ---------------------------------------------------------------- 9/11. the case page
def test_the_case_page_shows_the_evidence_and_chinese_state_names(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    report = _report(app, staff["verifier"], "no_match")
    pdf = SimpleUploadedFile("收入证明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    svc.application_add_document(actor=staff["clerk"], application=app, kind="income_proof", upload=pdf)
    page = _client(staff["approver"]).get(f"/assistance/{app.pk}/").content.decode()
    assert f"/verification/{report.pk}/" in page and "不符合" in page
    assert "3200" in page and "少报" in page
    assert "收入证明.pdf" in page and "参加9人，同意9人" in page
    assert 'id="do-decide"' in page and 'for="outcome-grant"' in page
    assert "草稿" in page and "已受理" in page and "公示中" in page
    assert "draft" not in page.split('id="history"')[1].split("</table>")[0]


def test_the_case_page_keeps_its_query_count(make_household, staff, django_assert_max_num_queries):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    c = _client(staff["approver"])
    with django_assert_max_num_queries(60):
        assert c.get(f"/assistance/{app.pk}/").status_code == 200


# ---------------------------------------------------------------- 10. robust forms and uploads
def test_a_tampered_member_id_answers_in_chinese(make_household, staff):
    hh = make_household(size=2)
    c = _client(staff["clerk"])
    for member in ("abc", str(2**63), "-1"):
        r = c.post(f"/assistance/new/{hh.pk}/", {"programme": "dibao", "member": [member]})
        assert r.status_code == 200 and "成员信息不正确" in r.content.decode()
    r = c.post(
        f"/assistance/new/{hh.pk}/",
        {
            "programme": "temporary",
            "member": [hh.memberships.first().person_id],
            "amount_requested": str(2**63),
        },
    )
    assert r.status_code == 200 and "超出合理范围" in r.content.decode()
    assert Application.objects.count() == 0


def test_a_renamed_executable_is_refused_and_the_file_name_is_redacted(make_household, staff):
    hh = make_household(size=2)
    app = _dibao(hh, staff)
    c = _client(staff["clerk"])
    exe = SimpleUploadedFile("收入证明.pdf", b"MZ\x90\x00" + b"0" * 100, content_type="application/pdf")
    page = c.post(
        f"/assistance/{app.pk}/upload/", {"kind": "other", "file": exe}, follow=True
    ).content.decode()
    assert "只能上传PDF" in page and not Document.objects.exists()
    id_number = hh.memberships.get(relation="head").person.id_number
    png = SimpleUploadedFile(f"{id_number}.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, content_type="image/png")
    c.post(f"/assistance/{app.pk}/upload/", {"kind": "id_card", "file": png}, follow=True)
    doc = Document.objects.get()
    assert id_number not in doc.original_name and id_number not in doc.file.name
    assert not AuditLog.objects.filter(new__icontains=id_number).exists()
    r = _client(staff["approver"]).get(f"/assistance/{app.pk}/document/?d={doc.pk}")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert AuditLog.objects.filter(event_type="reveal", target_type="application.document").count() == 1


def test_another_townships_officer_cannot_open_a_document(make_household, staff, make_user):
    app = _dibao(make_household(size=2), staff)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
    doc = svc.application_add_document(actor=staff["clerk"], application=app, kind="other", upload=pdf)
    other = _client(make_user("township_approver", "370812001"))
    assert other.get(f"/assistance/{app.pk}/document/?d={doc.pk}").status_code == 404
