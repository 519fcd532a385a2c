"""Issue #16 walk, after a dibao member's death and the household's re-decision: the clerk's case page and
the family's receipt read one state (the decided review's new amount), the receipt lists a re-decided
benefit under its own heading (it goes on, it is not stopped), and the letters to the medical-insurance
and pension offices print the family contact's phone in full inside the audited reveal."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as assist
from minzheng.assistance.models import Review
from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment
from minzheng.funeral import selectors, services
from tests.assistance.test_workflow import _granted
from tests.conftest import TOWN_A

TODAY = timezone.localdate()
DIED = TODAY - dt.timedelta(days=3)
PHONE = "13912345678"


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "recorder": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
    }


@pytest.fixture
def redecided(staff, make_household, home):
    """A dibao member died; the household's review is decided (adjusted), the case closed with notices."""
    hh = make_household(size=2)
    _granted(hh, staff)
    dibao = Enrolment.objects.get(programme="dibao")
    member = hh.memberships.exclude(relation="head").get().person
    clerk = staff["clerk"]
    case = services.funeral_case_open(
        actor=clerk,
        person=member,
        death_date=DIED,
        death_place="家中",
        certificate_number="J370811202616101",
        family_name="王小二",
        family_relation="儿子",
        family_phone=PHONE,
    )
    case = services.funeral_cremation_record(actor=clerk, case=case, funeral_home=home, cremated_on=DIED)
    case = services.funeral_hukou_notice(actor=clerk, case=case)
    case = services.funeral_subsidy_decide(actor=clerk, case=case, urn_price=800)
    case = services.funeral_benefits_stop(actor=clerk, case=case)
    review = Review.objects.get(enrolment=dibao, outcome="")
    assist.review_decide(
        actor=staff["approver"], review=review, outcome="adjust", reasons="成员死亡", on=dibao.first_month
    )
    case = services.funeral_benefits_stop(actor=clerk, case=case)
    case = services.funeral_notices_issue(actor=clerk, case=case)
    review.refresh_from_db()
    return case, review


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_case_page_reads_the_decided_re_decision_like_the_family_receipt(staff, redecided):
    case, review = redecided
    c = _client(staff["clerk"])
    page = _text(c.get(f"/funeral/{case.pk}/").content.decode())
    receipt = _text(c.get(f"/funeral/{case.pk}/letter/receipt/").content.decode())
    said = f"家庭待遇已重新核定为每月{review.new_amount}元"
    assert said in page and said in receipt
    assert "家庭仍有在世成员，待重新核定" not in page and "请在复核中核定" not in page
    stop = selectors.case_stops(case)[0]
    assert stop.review_state and stop.family_amount == review.new_amount


def test_the_receipt_lists_a_re_decided_household_benefit_under_its_own_heading(staff, redecided):
    case, review = redecided
    receipt = _client(staff["clerk"]).get(f"/funeral/{case.pk}/letter/receipt/").content.decode()
    assert "已重新核定的待遇" in receipt
    redecided_part = receipt[receipt.index('id="funeral-redecided"') :]
    assert f"每月{review.new_amount}元" in redecided_part
    assert "已停发的待遇" not in receipt  # nothing else was stopped: no "stopped" heading over it


@pytest.mark.parametrize("kind", ["medical", "pension"])
def test_the_printed_letters_to_the_insurance_offices_show_the_family_phone_in_full_audited(
    staff, redecided, kind
):
    case, _ = redecided
    c = _client(staff["clerk"])
    preview = c.get(f"/funeral/{case.pk}/letter/{kind}/").content.decode()
    assert PHONE not in preview and "139****5678" in preview
    printed = c.post(f"/funeral/{case.pk}/letter/{kind}/").content.decode()
    assert PHONE in printed and case.person.id_number in printed
    row = AuditLog.objects.filter(target_type="funeral_case.letter", target_id=str(case.pk)).latest("seq")
    assert "家属联系人的完整电话" in row.detail and PHONE not in str(row.new) + row.detail


def test_the_hukou_letter_carries_no_phone(staff, redecided):
    case, _ = redecided
    printed = _client(staff["clerk"]).post(f"/funeral/{case.pk}/letter/hukou/").content.decode()
    assert PHONE not in printed
