"""Fund safety in payroll (发放): make-and-check, one county per roll, one payment per person, programme
and month (a database constraint), frozen rolls never edited (corrections go to the next roll, a
deduction larger than the payment becomes a recovery), bounded adjustments with a second approver, sane
months and dates, payee accounts in another name approved by a second person, and the bank file for
county finance only. Each test reproduces the defect or attack it guards against."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import (
    Enrolment,
    PayeeAccount,
    PayrollCorrection,
    PayrollLine,
    PayrollRun,
)
from minzheng.benefits.services import (
    enrolment_create,
    payee_account_decide,
    payee_account_set,
    payroll_adjust,
    payroll_bank_file_export,
    payroll_correction_decide,
    payroll_freeze,
    payroll_generate,
)
from tests.conftest import TOWN_A, VILLAGE_A

MONTH = dt.date(2025, 3, 1)
ACCOUNT = "6228480012345678901"
ACCOUNT_2 = "6217001234567890"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def maker(make_user):
    return make_user("county_officer", "370811")


@pytest.fixture
def checker(make_user):
    return make_user("county_officer", "370811")


@pytest.fixture
def finance(make_user):
    return make_user("county_finance", "370811")


@pytest.fixture
def clerk(make_user):
    return make_user("township_clerk", TOWN_A)


def _enrol(person, amount=500, programme="high_age", **kw):
    return enrolment_create(
        actor=None,
        programme=programme,
        person=person,
        household=None,
        amount=amount,
        first_month=kw.pop("first_month", MONTH),
        **kw,
    )


def _frozen(maker, checker, month=MONTH, county="370811"):
    return payroll_freeze(actor=checker, run=payroll_generate(actor=maker, county_code=county, month=month))


def _bank_rows(finance, run):
    response = _client(finance).get(f"/payroll/{run.pk}/bank.csv")
    assert response.status_code == 200, response.content[:300]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


# ---------------------------------------------------------------- 1. make-and-check


def test_the_officer_who_generated_a_roll_cannot_freeze_it_and_another_records_the_check(
    make_person, maker, checker
):
    _enrol(make_person())
    run = payroll_generate(actor=maker, county_code="370811", month=MONTH)
    with pytest.raises(ValidationError, match="制表人不能审核自己生成的发放名册"):
        payroll_freeze(actor=maker, run=run)
    run.refresh_from_db()
    assert run.status == "draft" and run.checked_by is None and run.generated_by == maker
    frozen = payroll_freeze(actor=checker, run=run)
    assert frozen.status == "frozen" and frozen.generated_by == maker and frozen.checked_by == checker


def test_whoever_regenerates_a_draft_becomes_its_maker_and_cannot_then_freeze_it(make_person, maker, checker):
    _enrol(make_person())
    payroll_generate(actor=maker, county_code="370811", month=MONTH)
    run = payroll_generate(actor=checker, county_code="370811", month=MONTH)
    assert run.generated_by == checker
    with pytest.raises(ValidationError, match="制表人不能审核"):
        payroll_freeze(actor=checker, run=run)
    assert payroll_freeze(actor=maker, run=run).checked_by == maker


def test_county_finance_may_check_but_not_generate_a_roll(make_person, maker, finance):
    _enrol(make_person())
    with pytest.raises(ValidationError, match="只有县级可以办理此事项"):
        payroll_generate(actor=finance, county_code="370811", month=MONTH)
    run = payroll_generate(actor=maker, county_code="370811", month=MONTH)
    assert payroll_freeze(actor=finance, run=run).checked_by == finance


# ---------------------------------------------------------------- 2. one county, paid at most once


@pytest.mark.parametrize("county", ["37081", "370812%", "3708", "370811001", "", "999999", "37081_"])
def test_a_roll_is_only_for_exactly_one_county_of_the_region_tree(make_person, make_user, county):
    _enrol(make_person())
    city = make_user("city_officer", "370800")
    for actor in (city, make_user("county_officer", "370811")):
        with pytest.raises(ValidationError, match="请选择一个县"):
            payroll_generate(actor=actor, county_code=county, month=MONTH)
    assert not PayrollRun.objects.exists() and not PayrollLine.objects.exists()


def test_a_prefix_posted_to_the_generate_page_is_refused_with_a_chinese_message(make_person, maker, checker):
    _enrol(make_person())
    _frozen(maker, checker)
    page = _client(maker).post("/payroll/generate/", {"county": "37081", "month": "2025-03"}, follow=True)
    assert page.status_code == 200 and "请选择一个县" in page.content.decode()
    assert PayrollRun.objects.count() == 1 and PayrollLine.objects.count() == 1


def test_the_database_refuses_a_second_regular_payment_for_a_person_programme_and_month(
    make_person, maker, checker
):
    enrolment = _enrol(make_person())
    run = _frozen(maker, checker)
    other = PayrollRun.objects.create(county_code="370812", month=MONTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollLine.objects.create(
            run=other,
            month=MONTH,
            enrolment=enrolment,
            programme=enrolment.programme,
            person=enrolment.person,
            region_code=enrolment.region_code,
            amount=500,
        )
    # Adjustment lines are not regular payments: they may sit next to it.
    PayrollLine.objects.create(
        run=other,
        month=MONTH,
        enrolment=enrolment,
        kind="adjustment",
        programme=enrolment.programme,
        person=enrolment.person,
        region_code=enrolment.region_code,
        amount=20,
    )
    assert PayrollLine.objects.filter(run=run).count() == 1


def test_a_second_roll_that_would_pay_someone_again_is_refused_in_chinese_and_nothing_is_kept(
    make_person, make_user, maker, checker
):
    person = make_person()
    _enrol(person, 300)
    # The same person enrolled again under the neighbouring county (a duplicate registration).
    Enrolment.objects.create(
        programme="high_age",
        person=person,
        region_code="370812001001",
        monthly_amount=300,
        first_month=MONTH,
    )
    _frozen(maker, checker)
    with pytest.raises(ValidationError, match="重复发放"):
        payroll_generate(actor=make_user("county_officer", "370812"), county_code="370812", month=MONTH)
    assert list(PayrollRun.objects.values_list("county_code", flat=True)) == ["370811"]
    assert PayrollLine.objects.filter(person=person).count() == 1


def test_the_generate_form_offers_a_select_of_the_officers_own_county(maker):
    page = _client(maker).get("/payroll/").content.decode()
    assert '<select name="county"' in page and '<option value="370811">任城区</option>' in page
    assert "370812" not in page


# ---------------------------------------------------------------- 3. frozen rolls are immutable


def test_a_correction_after_freezing_changes_neither_the_frozen_roll_nor_its_bank_file_and_goes_to_the_next(
    make_person, maker, checker, finance
):
    person = make_person(name="王五")
    enrolment = _enrol(person, 500)
    payee_account_set(actor=maker, person=person, bank_name="农行", account_number=ACCOUNT)
    run = _frozen(maker, checker)
    before = _bank_rows(finance, run)
    correction = payroll_adjust(actor=maker, run=run, enrolment=enrolment, amount=-100, reason="多发扣回")
    run.refresh_from_db()
    assert run.total_amount == 500 and run.lines.count() == 1
    assert _bank_rows(finance, run) == before
    assert correction.status == "pending" and correction.applied_run is None
    nxt = payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 4, 1))
    correction.refresh_from_db()
    assert correction.status == "applied" and correction.applied_run == nxt
    assert sorted(nxt.lines.values_list("kind", "amount")) == [("adjustment", -100), ("regular", 500)]
    assert nxt.total_amount == 400
    # Regenerating the draft does not apply the correction twice.
    again = payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 4, 1))
    assert again.pk == nxt.pk and again.total_amount == 400 and again.lines.count() == 2


def test_a_deduction_larger_than_the_payment_becomes_a_recovery_carried_forward_never_a_negative_bank_line(
    make_person, maker, checker, finance
):
    person = make_person(name="赵六")
    enrolment = _enrol(person, 50)
    payee_account_set(actor=maker, person=person, bank_name="农行", account_number=ACCOUNT)
    march = _frozen(maker, checker)
    payroll_adjust(actor=maker, run=march, enrolment=enrolment, amount=-100, reason="死亡后多发扣回")
    april = _frozen(maker, checker, month=dt.date(2025, 4, 1))
    assert april.total_amount == 0  # 50 − 100 + 50 carried forward
    assert all(int(r[6]) > 0 for r in _bank_rows(finance, april))
    assert "赵六" not in [r[3] for r in _bank_rows(finance, april)]
    recovery = PayrollCorrection.objects.get(kind="recovery")
    assert recovery.amount == -50 and recovery.source_run == april and recovery.status == "pending"
    may = _frozen(maker, checker, month=dt.date(2025, 5, 1))
    recovery.refresh_from_db()
    assert recovery.status == "applied" and recovery.applied_run == may
    assert may.total_amount == 0 and PayrollCorrection.objects.filter(kind="recovery").count() == 1
    june = _frozen(maker, checker, month=dt.date(2025, 6, 1))
    assert [r[6] for r in _bank_rows(finance, june)] == ["50"]


def test_a_draft_recovery_is_not_taken_by_another_roll_until_its_roll_is_frozen(make_person, maker, checker):
    person = make_person()
    enrolment = _enrol(person, 50)
    march = _frozen(maker, checker)
    payroll_adjust(actor=maker, run=march, enrolment=enrolment, amount=-80, reason="扣回")
    payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 4, 1))  # draft: recovery −30
    may = payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 5, 1))
    assert may.total_amount == 50
    again = payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 4, 1))
    assert PayrollCorrection.objects.filter(kind="recovery").count() == 1
    assert again.total_amount == 0


# ---------------------------------------------------------------- 4. bounded adjustments


def test_an_adjustment_above_the_policy_maximum_is_refused(make_person, maker, checker):
    enrolment = _enrol(make_person())
    run = _frozen(maker, checker)
    for amount in (99_999_999, -99_999_999, 20_001, 2**63):
        with pytest.raises(ValidationError, match="单笔调整金额不能超过20000元"):
            payroll_adjust(actor=maker, run=run, enrolment=enrolment, amount=amount, reason="补发")
    assert not PayrollCorrection.objects.exists()


def test_an_adjustment_above_the_threshold_waits_for_a_second_person_before_it_is_paid(
    make_person, maker, checker, finance
):
    enrolment = _enrol(make_person())
    run = _frozen(maker, checker)
    small = payroll_adjust(actor=maker, run=run, enrolment=enrolment, amount=2000, reason="补发")
    big = payroll_adjust(actor=maker, run=run, enrolment=enrolment, amount=2001, reason="补发三个月")
    assert small.status == "pending" and big.status == "awaiting_approval"
    april = payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 4, 1))
    assert april.total_amount == 500 + 2000  # the one awaiting approval is not paid
    with pytest.raises(ValidationError, match="不能复核自己登记的更正"):
        payroll_correction_decide(actor=maker, correction=big, approve=True)
    approved = payroll_correction_decide(actor=finance, correction=big, approve=True)
    assert approved.status == "pending" and approved.approved_by == finance
    april = payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 4, 1))
    assert april.total_amount == 500 + 2000 + 2001


def test_a_rejected_adjustment_is_never_paid(make_person, maker, checker):
    enrolment = _enrol(make_person())
    run = _frozen(maker, checker)
    big = payroll_adjust(actor=maker, run=run, enrolment=enrolment, amount=5000, reason="补发")
    payroll_correction_decide(actor=checker, correction=big, approve=False)
    assert payroll_generate(actor=maker, county_code="370811", month=dt.date(2025, 4, 1)).total_amount == 500


def test_a_second_approver_of_another_county_does_not_see_the_correction(
    make_person, maker, checker, make_user
):
    enrolment = _enrol(make_person())
    big = payroll_adjust(
        actor=maker, run=_frozen(maker, checker), enrolment=enrolment, amount=5000, reason="补发"
    )
    outsider = _client(make_user("county_finance", "370812"))
    got = outsider.post("/payroll/corrections/decide/", {"correction": big.pk, "decision": "approve"})
    missing = outsider.post("/payroll/corrections/decide/", {"correction": 987654321, "decision": "approve"})
    assert got.status_code == missing.status_code == 404
    big.refresh_from_db()
    assert big.status == "awaiting_approval"


# ---------------------------------------------------------------- 5. sane months, dates and amounts


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12", f"{timezone.localdate().year + 2}-01"])
def test_an_absurd_payroll_month_is_refused_in_chinese(maker, month):
    page = _client(maker).post("/payroll/generate/", {"county": "370811", "month": month}, follow=True)
    assert page.status_code == 200 and "发放月应在2000年01月至" in page.content.decode()
    assert not PayrollRun.objects.exists()


@pytest.mark.parametrize("month", ["March", "99999-01", "2025-13", "", "2025-03-01"])
def test_a_malformed_payroll_month_is_refused_in_chinese(maker, month):
    page = _client(maker).post("/payroll/generate/", {"county": "370811", "month": month}, follow=True)
    assert page.status_code == 200 and "发放月格式不正确" in page.content.decode()
    assert not PayrollRun.objects.exists()


@pytest.mark.parametrize("valid_from", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_an_absurd_payee_valid_from_date_is_refused_in_chinese(make_person, clerk, valid_from):
    person = make_person()
    page = _client(clerk).post(
        f"/payroll/payee/{person.pk}/",
        {"bank_name": "农行", "account_number": ACCOUNT, "valid_from": valid_from},
        follow=True,
    )
    assert page.status_code == 200 and "启用日期应在2000年01月至" in page.content.decode()
    assert not PayeeAccount.objects.exists()


@pytest.mark.parametrize(
    "enrolment,amount,message",
    [
        ("{e}", str(2**63), "金额应为不超过9位的整数"),
        ("{e}", "NaN", "金额应为不超过9位的整数"),
        ("{e}", "1e9", "金额应为不超过9位的整数"),
        ("{e}", "一百", "金额应为不超过9位的整数"),
        ("{e}", "", "金额应为不超过9位的整数"),
        ("{e}", "99999999", "单笔调整金额不能超过"),
        ("{e}", "0", "调整金额不能为0"),
        ("abc", "100", "待遇编号应为整数"),
        (str(2**63), "100", "待遇编号应为整数"),
    ],
)
def test_a_bad_adjustment_form_is_refused_in_chinese_never_a_500(
    make_person, maker, checker, enrolment, amount, message
):
    e = _enrol(make_person())
    run = _frozen(maker, checker)
    page = _client(maker).post(
        f"/payroll/{run.pk}/adjust/",
        {"enrolment": enrolment.format(e=e.pk), "amount": amount, "reason": "补发"},
        follow=True,
    )
    assert page.status_code == 200 and message in page.content.decode()
    assert not PayrollCorrection.objects.exists()


# ---------------------------------------------------------------- 6. accounts in someone else's name


def test_an_account_in_another_name_needs_a_reason_and_a_second_persons_approval_before_it_is_paid(
    make_person, make_user, clerk, maker, checker, finance
):
    person = make_person(name="孙七")
    _enrol(person)
    own = payee_account_set(actor=clerk, person=person, bank_name="农行", account_number=ACCOUNT)
    with pytest.raises(ValidationError, match="须填写原因"):
        payee_account_set(
            actor=clerk, person=person, bank_name="农行", account_number=ACCOUNT_2, holder_name="钱八"
        )
    other = payee_account_set(
        actor=maker,
        person=person,
        bank_name="农商行",
        account_number=ACCOUNT_2,
        holder_name="钱八",
        holder_reason="监护人代领",
    )
    assert not other.active and other.approval == "pending"
    own.refresh_from_db()
    assert own.active
    march = _frozen(maker, checker)
    assert [(r[10], r[11]) for r in _bank_rows(finance, march)] == [("孙七", ACCOUNT)]
    with pytest.raises(ValidationError, match="不能复核自己登记的账户"):
        payee_account_decide(actor=maker, person=person, approve=True)
    with pytest.raises(ValidationError, match="只有县级、乡镇审批可以办理此事项"):
        payee_account_decide(actor=clerk, person=person, approve=True)
    approver = make_user("township_approver", TOWN_A)
    approved = payee_account_decide(actor=approver, person=person, approve=True)
    assert approved.active and approved.approved_by == approver
    own.refresh_from_db()
    assert not own.active
    april = _frozen(maker, checker, month=dt.date(2025, 4, 1))
    assert [(r[10], r[11]) for r in _bank_rows(finance, april)] == [("钱八", ACCOUNT_2)]


def test_a_rejected_account_in_another_name_is_never_used(make_person, make_user, clerk):
    person = make_person(name="孙七")
    page = _client(clerk).post(
        f"/payroll/payee/{person.pk}/",
        {"bank_name": "农行", "account_number": ACCOUNT, "holder_name": "钱八", "holder_reason": "代领"},
        follow=True,
    )
    assert "须另一名工作人员复核后启用" in page.content.decode()
    approver = _client(make_user("township_approver", TOWN_A))
    body = approver.get(f"/people/{person.pk}/").content.decode()
    assert "待复核的收款账户" in body and "do-approve-payee" in body
    approver.post(f"/payroll/payee/{person.pk}/decide/", {"decision": "reject"})
    assert not PayeeAccount.objects.filter(active=True).exists()
    assert PayeeAccount.objects.get().approval == "rejected"


def test_the_clerk_who_registered_it_is_not_offered_the_approval(make_person, clerk):
    person = make_person(name="孙七")
    payee_account_set(
        actor=clerk,
        person=person,
        bank_name="农行",
        account_number=ACCOUNT,
        holder_name="钱八",
        holder_reason="代",
    )
    body = _client(clerk).get(f"/people/{person.pk}/").content.decode()
    assert "待复核的收款账户" in body and "do-approve-payee" not in body


# ---------------------------------------------------------------- 7. the bank file is finance's alone


@pytest.mark.parametrize(
    "role,region",
    [
        ("village_assistant", VILLAGE_A),
        ("township_clerk", TOWN_A),
        ("township_approver", TOWN_A),
        ("county_officer", "370811"),
        ("city_officer", "370800"),
        ("auditor", "370811"),
    ],
)
def test_only_county_finance_can_download_the_bank_file_by_typing_its_url(
    make_person, make_user, maker, checker, role, region
):
    _enrol(make_person())
    run = _frozen(maker, checker)
    c = _client(make_user(role, region))
    before = AuditLog.objects.filter(event_type="export").count()
    for fmt in ("csv", "xlsx"):
        got = c.get(f"/payroll/{run.pk}/bank.{fmt}")
        missing = c.get(f"/payroll/987654321/bank.{fmt}")
        assert got.status_code == missing.status_code == 403
    assert AuditLog.objects.filter(event_type="export").count() == before
    assert AuditLog.objects.filter(event_type="denied", target_type="payroll.bank_file").count() >= 2
    with pytest.raises(ValidationError):
        payroll_bank_file_export(actor=make_user(role, region), run=run, fmt="csv")


def test_finance_of_another_county_finds_the_bank_file_missing(make_person, make_user, maker, checker):
    _enrol(make_person())
    run = _frozen(maker, checker)
    c = _client(make_user("county_finance", "370812"))
    got, missing = c.get(f"/payroll/{run.pk}/bank.csv"), c.get("/payroll/987654321/bank.csv")
    assert got.status_code == missing.status_code == 404 and got.content == missing.content


def test_each_finance_download_is_audited(make_person, maker, checker, finance):
    _enrol(make_person())
    run = _frozen(maker, checker)
    c = _client(finance)
    before = AuditLog.objects.filter(event_type="export", target_type="payroll.bank_file").count()
    assert c.get(f"/payroll/{run.pk}/bank.csv").status_code == 200
    assert c.get(f"/payroll/{run.pk}/bank.xlsx").status_code == 200
    rows = AuditLog.objects.filter(event_type="export", target_type="payroll.bank_file")
    assert rows.count() == before + 2 and {r.actor_id for r in rows} == {finance.pk}


# ---------------------------------------------------------------- 8. exports neutralise formulas


def test_a_name_typed_as_a_formula_stays_text_in_the_bank_file_and_summary(
    make_person, maker, checker, finance
):
    person = make_person(name="=HYPERLINK(1)")
    _enrol(person)
    payee_account_set(
        actor=maker,
        person=person,
        bank_name="@农行",
        account_number=ACCOUNT,
        holder_name="+钱八",
        holder_reason="-代领",
    )
    run = _frozen(maker, checker)
    rows = _bank_rows(finance, run)
    assert rows[0][3] == "'=HYPERLINK(1)"
    body = _client(finance).get(f"/payroll/{run.pk}/bank.xlsx").content
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(body)).active
    assert list(ws.iter_rows(values_only=True))[1][3] == "'=HYPERLINK(1)"


# ---------------------------------------------------------------- 9. pages: who made, who checked


def test_the_roll_page_shows_maker_checker_state_and_only_the_controls_the_user_may_use(
    make_person, maker, checker, finance
):
    maker.display_name, checker.display_name = "张制表", "李审核"
    maker.save()
    checker.save()
    _enrol(make_person())
    run = payroll_generate(actor=maker, county_code="370811", month=MONTH)
    own = _client(maker).get(f"/payroll/{run.pk}/").content.decode()
    assert "张制表" in own and "待审核" in own
    assert 'id="do-freeze"' not in own and "须由另一名工作人员审核冻结" in own
    assert 'id="bank-csv"' not in own
    other = _client(checker).get(f"/payroll/{run.pk}/").content.decode()
    assert 'id="do-freeze"' in other
    _client(checker).post(f"/payroll/{run.pk}/freeze/")
    after = _client(maker).get(f"/payroll/{run.pk}/").content.decode()
    assert "已审核冻结" in after and "李审核" in after and 'id="bank-csv"' not in after
    assert 'id="do-freeze"' not in after and 'id="adjust-form"' in after
    money = _client(finance).get(f"/payroll/{run.pk}/").content.decode()
    assert 'id="bank-csv"' in money and 'id="adjust-form"' not in money
    listing = _client(finance).get("/payroll/").content.decode()
    assert "张制表" in listing and "李审核" in listing and "已审核冻结" in listing
    assert 'id="generate-form"' not in listing


def test_the_payroll_list_runs_a_fixed_number_of_queries(
    make_person, maker, checker, django_assert_max_num_queries
):
    _enrol(make_person())
    c = _client(maker)
    _frozen(maker, checker)
    c.get("/payroll/")
    with django_assert_max_num_queries(12) as few:
        c.get("/payroll/")
    for m in range(4, 10):
        _frozen(maker, checker, month=dt.date(2025, m, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = c.get("/payroll/")
    assert page.content.decode().count("/payroll/") >= 7


def test_township_staff_cannot_open_the_payroll_pages(make_person, make_user, maker, checker):
    _enrol(make_person())
    run = _frozen(maker, checker)
    c = _client(make_user("township_clerk", TOWN_A))
    assert c.get("/payroll/").status_code == 403
    assert c.get(f"/payroll/{run.pk}/").status_code == 403
    assert c.get(f"/payroll/{run.pk}/summary.csv").status_code == 403
