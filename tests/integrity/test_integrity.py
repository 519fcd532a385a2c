from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.audit.models import AuditLog
from minzheng.benefits.services import first_of_month, payroll_freeze, payroll_generate
from minzheng.integrity import services as svc
from minzheng.integrity.models import Commitment, Finding, FindingStatus, RecoveryStatus
from minzheng.policy.selectors import policy_resolve
from tests.integrity.conftest import confirmed, report

pytestmark = pytest.mark.django_db


def test_a_signed_commitment_is_recorded_once_numbered_and_printable(case, staff):
    c = svc.commitment_record(actor=staff["cunxieli"], application=case, signed_on=timezone.localdate())
    assert c.signer_id == case.applicant_id and "诚诺〔" in c.number
    assert AuditLog.objects.filter(target_type="integrity.commitment", target_id=str(c.pk)).exists()
    with pytest.raises(ValidationError, match="已登记"):
        svc.commitment_record(actor=staff["clerk"], application=case, signed_on=timezone.localdate())
    client = Client()
    client.force_login(staff["clerk"])
    body = client.get(f"/integrity/applications/{case.pk}/letter/").content.decode()
    assert c.number in body and "受理机关" in body and "（盖章）" in body and 'class="document"' in body


def test_a_commitment_dated_in_the_future_is_refused_with_a_message_and_nothing_changes(case, staff):
    client = Client()
    client.force_login(staff["clerk"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    r = client.post(
        f"/integrity/applications/{case.pk}/",
        {"signer": case.applicant_id, "signed_on": tomorrow.isoformat()},
    )
    assert r.status_code == 200 and '<li class="error">签署日期' in r.content.decode()
    r = client.post(f"/integrity/applications/{case.pk}/", {"signer": case.applicant_id, "signed_on": "昨天"})
    assert r.status_code == 200 and "签署日期格式" in r.content.decode()
    assert not Commitment.objects.exists()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        svc.commitment_record(actor=staff["clerk"], application=case, signed_on=tomorrow)


def test_the_case_page_links_to_the_commitment(case, staff):
    client = Client()
    client.force_login(staff["clerk"])
    body = client.get(f"/assistance/{case.pk}/").content.decode()
    assert f"/integrity/applications/{case.pk}/" in body


def test_findings_come_from_the_latest_report_beyond_the_tolerance_only(case, staff, make_household):
    tolerance = policy_resolve(on=timezone.localdate(), region_code="370811", hukou_type="").get(
        "integrity.tolerance"
    )
    within = float(1000 * (1 + tolerance)) - 1
    report(case, staff["clerk"], income=(0, 5000), financial=(0, 90000))  # superseded by the next
    latest = report(case, staff["clerk"], income=(1000, within), financial=(1000, 60000))
    made = svc.findings_detect(actor=staff["clerk"])
    assert [(f.report_id, f.item) for f in made] == [(latest.pk, "financial")]
    assert svc.findings_detect(actor=staff["clerk"]) == []  # recorded once
    f = Finding.objects.get()
    policy = policy_resolve(on=f.found_on, region_code="370811", hukou_type="")
    # first 待说明: no waiting period yet, a deadline for the applicant's explanation (policy data)
    assert f.status == FindingStatus.PENDING and f.wait_until is None
    assert f.explain_by == f.found_on + dt.timedelta(days=int(policy.get("integrity.explain_days")))
    f = confirmed(f, staff["clerk"])
    wait = int(policy.get("integrity.wait_months"))
    assert (f.wait_until.year * 12 + f.wait_until.month) - (
        f.decided_on.year * 12 + f.decided_on.month
    ) == wait


def test_a_clerk_of_another_county_finds_nothing_here(case, staff, make_user):
    report(case, staff["clerk"], income=(0, 5000), financial=(0, 0))
    assert svc.findings_detect(actor=make_user("township_clerk", "370812001")) == []
    assert not Finding.objects.exists()


def test_a_new_application_inside_the_waiting_period_is_refused_naming_the_end_date(case, staff):
    report(case, staff["clerk"], income=(0, 3000), financial=(0, 0))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    household = case.household
    # a difference still waiting for the applicant's explanation blocks nothing
    svc.waiting_period_check(
        household=household, applicant=case.applicant, programme="temporary", on=timezone.localdate()
    )
    f = confirmed(f, staff["clerk"])
    with pytest.raises(
        ValidationError, match=f"等待期至{f.wait_until.year}年{f.wait_until.month}月{f.wait_until.day}日"
    ):
        assistance.application_create(
            actor=staff["clerk"],
            programme="temporary",
            household=household,
            applicant=case.applicant,
            declared={"members": [{"person_id": case.applicant_id}]},
            amount_requested=500,
            emergency_kind="urgent",
        )
    svc.finding_withdraw(actor=staff["clerk"], finding=f, reason="一次性劳务收入，已说明")
    again = assistance.application_create(
        actor=staff["clerk"],
        programme="temporary",
        household=household,
        applicant=case.applicant,
        declared={"members": [{"person_id": case.applicant_id}]},
        amount_requested=500,
        emergency_kind="urgent",
    )
    assert again.pk


def _paid(case, staff):
    assistance.application_submit(actor=staff["clerk"], application=case)
    assistance.application_decide(actor=staff["approver"], application=case, outcome="grant", reasons="测试")
    month = first_of_month(timezone.localdate())
    run = payroll_generate(actor=staff["county"], county_code="370811", month=month)
    payroll_freeze(actor=staff["finance"], run=run)
    return run


def test_the_overpayment_is_computed_from_what_was_paid_and_recovered_by_two_people(case, staff):
    run = _paid(case, staff)
    paid = run.total_amount
    assert paid > 0
    report(case, staff["clerk"], income=(0, 300), financial=(0, 0))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    f = confirmed(f, staff["clerk"])
    recovery = svc.recovery_propose(actor=staff["county"], finding=f)
    assert recovery.amount == min(paid, 300) and recovery.paid_total == paid and recovery.months == 1
    with pytest.raises(ValidationError, match="另一人"):
        svc.recovery_approve(actor=staff["county"], recovery=recovery, approve=True)
    recovery = svc.recovery_approve(actor=staff["approver"], recovery=recovery, approve=True)
    assert recovery.status == RecoveryStatus.APPROVED
    with pytest.raises(ValidationError, match="不能撤销"):
        svc.finding_withdraw(actor=staff["clerk"], finding=f, reason="x")


def test_concealed_assets_make_the_whole_payment_recoverable(case, staff):
    run = _paid(case, staff)
    report(case, staff["clerk"], income=(0, 0), financial=(0, 200000))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    assert svc.overpayment(finding=f)["amount"] == run.total_amount


def test_nothing_paid_means_nothing_to_recover(case, staff):
    report(case, staff["clerk"], income=(0, 3000), financial=(0, 0))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    f = confirmed(f, staff["clerk"])
    with pytest.raises(ValidationError, match="无需追回"):
        svc.recovery_propose(actor=staff["clerk"], finding=f)


def test_the_pages_panel_and_export_are_scoped_and_the_desk_flow_works(
    case, staff, make_user, django_assert_max_num_queries
):
    _paid(case, staff)
    report(case, staff["clerk"], income=(0, 300), financial=(0, 0))
    c = Client()
    c.force_login(staff["clerk"])
    r = c.post("/integrity/")
    assert r.status_code == 302
    f = Finding.objects.get()
    with django_assert_max_num_queries(25):
        body = c.get("/integrity/").content.decode()
    assert case.applicant.name in body
    url = f"/integrity/findings/{f.pk}/"
    assert 'id="explain-form"' in c.get(url).content.decode()
    assert c.post(url, {"action": "propose"}).status_code == 200  # not before the decision
    assert c.post(url, {"action": "explain", "explanation": "称不知道要申报"}).status_code == 302
    assert c.post(url, {"action": "decide", "confirmed": "1", "reason": "说明不成立"}).status_code == 302
    assert c.post(url, {"action": "propose"}).status_code == 302
    c.force_login(staff["approver"])
    r = c.post(f"/integrity/findings/{f.pk}/", {"action": "approve", "approve": "1"})
    assert r.status_code == 302 and f.recovery.__class__.objects.get().status == RecoveryStatus.APPROVED
    body = c.get(f"/people/{case.applicant_id}/").content.decode()
    assert "诚信记录" in body and "虚报月收入" in body
    notice = c.get(f"/integrity/findings/{f.pk}/notice/").content.decode()
    assert "行政复议" in notice and "（盖章）" in notice
    r = c.get("/integrity/?export=xlsx")
    assert r["Cache-Control"] == "no-store" and 'filename="integrity-' in r["Content-Disposition"]
    assert r.status_code == 200 and AuditLog.objects.filter(
        event_type="export", target_type="integrity.finding"
    )
    c.force_login(make_user("township_clerk", "370812001"))
    assert c.get(f"/integrity/findings/{f.pk}/").status_code == 404
    assert c.get(f"/integrity/applications/{case.pk}/").status_code == 404
    c.force_login(make_user("carer", "370811001"))
    assert c.get("/integrity/").status_code == 403
    api = Client()
    api.force_login(staff["county"])
    assert (
        api.get("/api/v1/integrity/findings").json()[0]["recovery_amount"]
        == Finding.objects.get().recovery.amount
    )
    assert Finding.objects.get().status == FindingStatus.RECORDED


def test_amounts_received_are_recorded_against_an_approved_recovery_until_it_is_settled(case, staff):
    _paid(case, staff)
    report(case, staff["clerk"], income=(0, 300), financial=(0, 0))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    f = confirmed(f, staff["clerk"])
    recovery = svc.recovery_propose(actor=staff["clerk"], finding=f)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="复核同意后"):
        svc.repayment_record(actor=staff["clerk"], recovery=recovery, amount=10, received_on=today)
    recovery = svc.recovery_approve(actor=staff["approver"], recovery=recovery, approve=True)
    assert recovery.amount > 1
    c = Client()
    c.force_login(staff["clerk"])
    url = f"/integrity/findings/{f.pk}/"
    r = c.post(url, {"action": "repay", "amount": "1", "received_on": today.isoformat(), "receipt_no": "R1"})
    assert r.status_code == 302
    recovery.refresh_from_db()
    assert recovery.received == 1 and recovery.status == RecoveryStatus.APPROVED
    rest = recovery.amount - 1
    r = c.post(url, {"action": "repay", "amount": str(rest + 1), "received_on": today.isoformat()})
    assert r.status_code == 200 and f"不能超过尚欠的{rest}元" in r.content.decode()
    r = c.post(url, {"action": "repay", "amount": "一百", "received_on": today.isoformat()})
    assert r.status_code == 200 and "收回金额应为整数" in r.content.decode()
    recovery.refresh_from_db()
    assert recovery.received == 1
    svc.repayment_record(actor=staff["county"], recovery=recovery, amount=rest, received_on=today)
    recovery.refresh_from_db()
    assert recovery.received == recovery.amount and recovery.status == RecoveryStatus.SETTLED
    assert AuditLog.objects.filter(target_type="integrity.repayment").count() == 2
    with pytest.raises(ValidationError, match="已收回完毕"):
        svc.repayment_record(actor=staff["clerk"], recovery=recovery, amount=1, received_on=today)
    body = c.get(url).content.decode()
    assert "已追回完毕" in body and "R1" in body and 'id="repay-form"' not in body
    with pytest.raises(ValidationError, match="不能撤销"):
        svc.finding_withdraw(actor=staff["clerk"], finding=f, reason="x")


def test_a_repayment_dated_in_the_future_is_refused(case, staff):
    _paid(case, staff)
    report(case, staff["clerk"], income=(0, 300), financial=(0, 0))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    f = confirmed(f, staff["clerk"])
    recovery = svc.recovery_propose(actor=staff["clerk"], finding=f)
    recovery = svc.recovery_approve(actor=staff["approver"], recovery=recovery, approve=True)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        svc.repayment_record(
            actor=staff["clerk"],
            recovery=recovery,
            amount=1,
            received_on=timezone.localdate() + dt.timedelta(days=1),
        )
    recovery.refresh_from_db()
    assert recovery.received == 0


def test_a_difference_explained_by_the_applicant_is_closed_with_no_wait_and_nothing_to_recover(case, staff):
    # the walk: the "hidden" savings were the dead husband's; the applicant explains, the clerk agrees
    _paid(case, staff)
    report(case, staff["clerk"], income=(0, 0), financial=(0, 24010))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    assert f.status == FindingStatus.PENDING and f.wait_until is None
    with pytest.raises(ValidationError, match="请先登记申请人的说明"):
        svc.finding_decide(actor=staff["clerk"], finding=f, confirmed=False, reason="x")
    with pytest.raises(ValidationError, match="只有已认定虚报的才能追回"):
        svc.recovery_propose(actor=staff["clerk"], finding=f)
    with pytest.raises(ValidationError, match="请填写申请人的说明"):
        svc.finding_explain(actor=staff["clerk"], finding=f, explanation="  ")
    svc.finding_explain(actor=staff["clerk"], finding=f, explanation="存款为已故丈夫的遗产，已按继承分割")
    f = svc.finding_decide(actor=staff["clerk"], finding=f, confirmed=False, reason="说明属实")
    assert (f.status, f.wait_until, f.decided_by_id) == (FindingStatus.EXPLAINED, None, staff["clerk"].pk)
    svc.waiting_period_check(
        household=case.household, applicant=case.applicant, programme="dibao", on=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="已作出决定"):
        svc.finding_decide(actor=staff["clerk"], finding=f, confirmed=True, reason="改判")
    c = Client()
    c.force_login(staff["clerk"])
    assert c.get(f"/integrity/findings/{f.pk}/notice/").status_code == 404  # no notice of a false declaration
    body = c.get(f"/integrity/findings/{f.pk}/").content.decode()
    assert "已说明，不予认定" in body and "已故丈夫的遗产" in body and 'id="wait-until"' not in body


def test_no_explanation_is_recorded_only_after_the_deadline_and_then_the_decision_starts_the_wait(
    case, staff
):
    report(case, staff["clerk"], income=(0, 3000), financial=(0, 0))
    (f,) = svc.findings_detect(actor=staff["clerk"])
    with pytest.raises(ValidationError, match="期满前不能登记"):
        svc.finding_explain(actor=staff["clerk"], finding=f, explanation="", none_given=True)
    late = f.explain_by + dt.timedelta(days=1)
    svc.finding_explain(actor=staff["clerk"], finding=f, explanation="", none_given=True, on=late)
    f = svc.finding_decide(actor=staff["clerk"], finding=f, confirmed=True, reason="期满未说明", on=late)
    assert f.status == FindingStatus.RECORDED and f.explanation == "" and f.wait_until > late
    with pytest.raises(ValidationError, match="等待期至"):
        svc.waiting_period_check(
            household=case.household, applicant=case.applicant, programme="dibao", on=late
        )
