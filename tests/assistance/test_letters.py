"""Decision letters tell the truth: only the steps the case went through, the programme's payment form,
the issuing office by name with a 文号 that a reprint keeps, the seal position, the appeal route, Beijing
dates, and an override of the 核对 result when there was one."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.assistance import services as svc
from minzheng.assistance.letters import decision_letter, decision_letter_document, review_letter_document
from minzheng.assistance.models import Decision, PublicNotice
from minzheng.assistance.numbering import document_number_issue
from minzheng.core.models import DocumentNumberSequence, IssuedDocumentNumber
from minzheng.core.pdf import printable
from tests.conftest import TOWN_A, verified

TODAY = timezone.localdate()


@pytest.fixture
def staff(make_user):
    return {
        "intake": make_user("township_clerk", TOWN_A),  # 受理 and 核对 are different people
        "clerk": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
    }


PRINTER = system_actor(purpose="打印决定书（测试）")


def _declared(hh, wage=0):
    members = [m.person for m in hh.memberships.filter(end_date__isnull=True).order_by("id")]
    rows = [{"person_id": members[0].pk, "monthly_wage": wage, "employed": bool(wage)}]
    rows += [{"person_id": p.pk} for p in members[1:]]
    return {"members": rows, "assets": {"financial": 0, "vehicles": [], "residential_properties": 1}}


def _temporary(make_household, staff, amount=1500, approver="approver"):
    hh = make_household(size=1)
    app = svc.application_create(
        actor=staff["intake"],
        programme="temporary",
        household=hh,
        applicant=hh.memberships.get().person,
        declared=_declared(hh),
        amount_requested=amount,
        emergency_kind="urgent",
        emergency_description="火灾",
    )
    svc.application_submit(actor=staff["intake"], application=app)
    return svc.application_decide(actor=staff[approver], application=app, outcome="grant")


def _dibao(make_household, staff, wage=1200):
    hh = make_household(size=3)
    intake, clerk = staff["intake"], staff["clerk"]
    app = svc.application_create(
        actor=intake,
        programme="dibao",
        household=hh,
        applicant=hh.memberships.get(relation="head").person,
        declared=_declared(hh, wage=wage),
    )
    svc.application_sign_authorisation(actor=intake, application=app, signed_on=TODAY)
    svc.application_submit(actor=intake, application=app)
    svc.application_start_verification(actor=clerk, application=app)
    svc.application_record_home_visit(
        actor=clerk, application=app, visited_on=TODAY, visitors="王、李", findings="房屋简陋"
    )
    verified(app, clerk)
    svc.application_to_village_review(actor=clerk, application=app)
    svc.application_record_village_review(
        actor=intake, application=app, held_on=TODAY, participants=9, agreed=9
    )
    notice = PublicNotice.objects.get(application=app)
    return svc.application_decide(
        actor=staff["approver"], application=app, outcome="grant", on=notice.end_date + dt.timedelta(days=1)
    )


def test_a_temporary_grant_letter_claims_no_verification_and_says_it_is_paid_once(make_household, staff):
    decision = _temporary(make_household, staff)
    text = decision_letter_document(decision, actor=PRINTER).plain_text
    for step in ("核对", "入户调查", "民主评议", "公示"):
        assert step not in text
    assert "经审核" in text
    assert "一次性发放" in text and "按月发放" not in text and "/月" not in text
    assert "临时救助金1500元" in text
    assert "王邹街道办事处" in text  # the approving street office by name, not a level or a code
    # No region code or ID number; the policy version is a hash and may hold any digits by chance.
    assert not re.search(r"\d{9}", re.sub(r"政策参数版本号 \S+", "", text))


def test_a_dibao_letter_names_exactly_the_steps_the_case_went_through(make_household, staff):
    decision = _dibao(make_household, staff)
    text = decision_letter_document(decision, actor=PRINTER).plain_text
    # 核对, home visit, village review and notice were each recorded, and the letter names them in order.
    assert "经家庭经济状况核对、入户调查、民主评议和公示" in text
    assert "按月发放" in text and "一次性发放" not in text
    assert "月保障金额1197元" in text and "保障人数3人" in text


def test_the_letter_carries_a_document_number_that_a_reprint_keeps(make_household, staff):
    first = _temporary(make_household, staff)
    year = timezone.localtime(first.decided_at).year
    text = decision_letter_document(first, actor=PRINTER).plain_text
    assert f"王邹办救〔{year}〕1号" in text
    assert (
        f"王邹办救〔{year}〕1号" in decision_letter_document(first, actor=PRINTER).plain_text
    )  # reprint: same number
    second = _temporary(make_household, staff)
    assert f"王邹办救〔{year}〕2号" in decision_letter_document(second, actor=PRINTER).plain_text
    assert IssuedDocumentNumber.objects.count() == 2
    assert DocumentNumberSequence.objects.get(office_code=TOWN_A, year=year).last_serial == 2


def test_a_county_decision_is_issued_by_the_county_bureau_with_its_own_sequence(make_household, staff):
    town = _temporary(make_household, staff)
    county = _temporary(make_household, staff, amount=5000, approver="county")
    assert county.level == "county"
    year = timezone.localtime(county.decided_at).year
    text = decision_letter_document(county, actor=PRINTER).plain_text
    assert "任城区民政局" in text and f"任民救〔{year}〕1号" in text
    assert f"王邹办救〔{year}〕1号" in decision_letter_document(town, actor=PRINTER).plain_text


def test_document_numbers_are_sequential_per_office_and_year(db):
    issue = document_number_issue
    a = issue(
        actor=None, target="t:1", office_code="370811", office_name="任城区民政局", prefix="任民救", year=2026
    )
    b = issue(
        actor=None, target="t:2", office_code="370811", office_name="任城区民政局", prefix="任民救", year=2026
    )
    c = issue(
        actor=None, target="t:3", office_code="370811", office_name="任城区民政局", prefix="任民救", year=2027
    )
    again = issue(
        actor=None, target="t:1", office_code="370811", office_name="任城区民政局", prefix="任民救", year=2026
    )
    assert (a.number, b.number, c.number) == ("任民救〔2026〕1号", "任民救〔2026〕2号", "任民救〔2027〕1号")
    assert again.pk == a.pk


def test_the_letter_states_the_appeal_route_and_the_seal_position(make_household, staff):
    text = decision_letter_document(_dibao(make_household, staff), actor=PRINTER).plain_text
    assert "60日内向任城区人民政府申请行政复议" in text
    assert "6个月内依法向人民法院提起行政诉讼" in text
    assert "《中华人民共和国行政复议法》" in text and "《中华人民共和国行政诉讼法》" in text
    lines = text.splitlines()
    seal = lines.index("（盖章）")
    assert lines[seal + 1] == "王邹街道办事处" and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[seal + 2])


def test_letter_dates_are_beijing_dates(make_household, staff):
    decision = _temporary(make_household, staff)
    Decision.objects.filter(pk=decision.pk).update(
        decided_at=dt.datetime(2026, 11, 29, 20, 29, tzinfo=dt.UTC)
    )
    decision.refresh_from_db()
    text = decision_letter_document(decision, actor=PRINTER).plain_text
    assert "审批日期：2026年11月30日" in text and "2026年11月29日" not in text
    assert "〔2026〕" in text


def test_a_decision_against_the_verification_result_says_so(make_household, staff):
    decision = _temporary(make_household, staff)
    assert "不一致" not in decision_letter_document(decision, actor=PRINTER).plain_text
    decision.verification_override = True
    decision.override_reasons = "突发火灾，核对数据滞后"
    text = decision_letter_document(decision, actor=PRINTER).plain_text
    assert "与家庭经济状况核对结论" in text and "不一致" in text and "突发火灾，核对数据滞后" in text


def test_a_review_letter_has_an_office_number_and_appeal_route(make_household, staff):
    decision = _dibao(make_household, staff)
    from minzheng.benefits.models import Enrolment

    enrolment = Enrolment.objects.get(source_id=str(decision.pk))
    review = svc.review_open(actor=staff["clerk"], enrolment=enrolment, due_date=TODAY)
    review = svc.review_decide(
        actor=staff["approver"], review=review, outcome="continue", reasons="家庭情况无变化"
    )
    text = review_letter_document(review, actor=PRINTER).plain_text
    assert "王邹街道办事处" in text and "办救〔" in text and "行政复议" in text


def test_a_minus_sign_is_printed_not_dropped():
    assert printable("(537 − 193.33) × 2人") == "(537 - 193.33) × 2人"
    assert printable("任民救〔2026〕15号 ≤ ≥") == "任民救〔2026〕15号 ≤ ≥"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_printed_letter_reads_as_chinese_with_its_minus_signs(make_household, staff, tmp_path):
    decision = _dibao(make_household, staff)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(decision_letter(decision, actor=PRINTER))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    assert "审批决定通知书" in text and "按月发放" in text
    assert re.search(r"\(719 - \d+(\.\d+)?\)", text.replace("\n", " "))


def test_the_why_page_shows_labels_amounts_and_payment_form_not_codes(make_household, staff, client):
    temporary = _temporary(make_household, staff)
    client.force_login(staff["approver"])
    page = client.get(f"/assistance/{temporary.application_id}/why/").content.decode()
    body = re.sub(r"<[^>]+>", " ", page[page.index("<h1") :])
    assert "一次性发放" in body and "/月" not in body and "按月" not in body
    assert "审批权限" in body and "approval_level" not in body and "locality" not in body
    assert "低保标准：719元/人·月" in body and "dibao.standard" not in body and ".0000" not in body
    # The emergency's place by name (the rule version is a hash and may hold any digits by chance).
    assert not re.search(r"\d{9}", re.sub(r"规则版本 \S+", "", body))
    dibao = _dibao(make_household, staff)
    page = client.get(f"/assistance/{dibao.application_id}/why/").content.decode()
    body = re.sub(r"<[^>]+>", " ", page[page.index("<h1") :])
    assert "按月发放" in body and "金融资产" in body and "financial_assets" not in body
    assert "就业成本扣减比例：20%" in body


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_simultaneous_letters_of_one_office_get_distinct_numbers(transactional_db):
    serials: list[int] = []
    barrier = threading.Barrier(4)

    def issue(i: int) -> None:
        try:
            barrier.wait()
            serials.append(
                document_number_issue(
                    actor=None,
                    target=f"t:{i}",
                    office_code="370811",
                    office_name="任城区民政局",
                    prefix="任民救",
                    year=2026,
                ).serial
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(serials) == [1, 2, 3, 4]


def test_the_case_page_shows_a_temporary_grant_as_paid_once_and_the_letter_number_has_its_issuer(
    make_household, staff
):
    from django.test import Client

    from minzheng.audit.models import AuditLog

    decision = _temporary(make_household, staff)
    c = Client()
    c.force_login(staff["approver"])
    page = c.get(f"/assistance/{decision.application_id}/").content.decode()
    section = page.split('id="decision"')[1].split("</section>")[0]
    assert "一次性发放" in section and "元/月" not in section
    assert c.get(f"/assistance/{decision.application_id}/letter.pdf").status_code == 200
    numbered = AuditLog.objects.filter(target_type__contains="document_number").order_by("-seq").first()
    assert numbered is not None and numbered.actor_id == staff["approver"].pk


def test_a_review_decided_by_the_county_is_issued_by_the_county_bureau(make_household, staff):
    decision = _dibao(make_household, staff)
    from minzheng.benefits.models import Enrolment

    enrolment = Enrolment.objects.get(source_id=str(decision.pk))
    review = svc.review_open(actor=staff["clerk"], enrolment=enrolment, due_date=TODAY)
    review = svc.review_decide(
        actor=staff["county"], review=review, outcome="continue", reasons="家庭情况无变化"
    )
    text = review_letter_document(review, actor=PRINTER).plain_text
    assert "任城区民政局" in text and "王邹街道办事处" not in text
