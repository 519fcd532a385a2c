"""The walk of round 13 through the death flow: a household benefit is re-decided, not silently left; a
death date before later activity is refused; letters to other authorities carry the full ID as an
audited reveal; the family's receipt holds no internal notes and the family follows the case in 指尖办."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.assistance import services as assist
from minzheng.assistance.models import Review
from minzheng.assistance.trial import application_assess_living
from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment
from minzheng.funeral import services
from minzheng.funeral.models import FuneralCase
from minzheng.programmes.registry import DeathEffect, Line, register_line, unregister_line
from tests.assistance.test_workflow import _granted
from tests.conftest import TOWN_A, VILLAGE_A

from .conftest import open_case, through_subsidy

TODAY = timezone.localdate()
DIED = TODAY - dt.timedelta(days=3)


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "recorder": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
    }


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _to_stop(clerk, person, home, died=DIED):
    case = open_case(clerk, person, died)
    case = services.funeral_cremation_record(actor=clerk, case=case, funeral_home=home, cremated_on=died)
    case = services.funeral_hukou_notice(actor=clerk, case=case)
    case = services.funeral_subsidy_decide(actor=clerk, case=case, urn_price=800)
    return services.funeral_benefits_stop(actor=clerk, case=case)


# ---------------------------------------------------------------- 1. the household's re-decision
def test_a_dibao_members_death_opens_a_re_decision_with_the_rules_estimate_and_the_step_waits_for_it(
    staff, make_household, home
):
    hh = make_household(size=2)
    app = _granted(hh, staff)
    dibao = Enrolment.objects.get(programme="dibao")
    member = hh.memberships.exclude(relation="head").get().person
    case = _to_stop(staff["clerk"], member, home)

    assert case.state == "subsidised" and case.stopped_on is None  # not done while the household waits
    review = Review.objects.get(enrolment=dibao, outcome="")
    assert review.trigger == f"death:{member.pk}"
    stop = case.stops.get()
    assert stop.action == "redecide" and stop.review_ref == review.pk
    expected = application_assess_living(application=app, on=TODAY).monthly_amount
    assert f"现每月{dibao.monthly_amount}元" in stop.note and f"预计每月{expected}元" in stop.note
    assert expected != dibao.monthly_amount  # one fewer member changes the amount by the rule
    dibao.refresh_from_db()
    assert dibao.last_month is None

    page = _client(staff["clerk"]).get(f"/funeral/{case.pk}/").content.decode()
    assert "待复核决定" in page and "复核已决定，完成停发" in page and f"预计每月{expected}元" in page

    # pressing the step again before the review is decided changes nothing
    again = services.funeral_benefits_stop(actor=staff["clerk"], case=case)
    assert again.state == "subsidised" and again.stops.count() == 1 and Review.objects.count() == 1

    assist.review_decide(
        actor=staff["approver"], review=review, outcome="adjust", reasons="成员死亡", on=dibao.first_month
    )
    adjusted = Enrolment.objects.get(programme="dibao", source_type="review")
    assert adjusted.monthly_amount == expected

    case = services.funeral_benefits_stop(actor=staff["clerk"], case=case)
    assert case.state == "stopped" and case.stopped_on == TODAY
    assert case.stops.count() == 1  # the re-decided household benefit is not flagged again
    page = _client(staff["clerk"]).get(f"/funeral/{case.pk}/").content.decode()
    assert "复核已决定：调整金额" in page


def test_the_stop_page_answers_that_the_re_decision_was_opened(staff, make_household, home):
    hh = make_household(size=2)
    _granted(hh, staff)
    member = hh.memberships.exclude(relation="head").get().person
    case = open_case(staff["clerk"], member, DIED)
    case = services.funeral_cremation_record(
        actor=staff["clerk"], case=case, funeral_home=home, cremated_on=DIED
    )
    case = services.funeral_hukou_notice(actor=staff["clerk"], case=case)
    case = services.funeral_subsidy_decide(actor=staff["clerk"], case=case, urn_price=800)
    r = _client(staff["clerk"]).post(f"/funeral/{case.pk}/stop/", follow=True)
    assert "已发起家庭待遇复核" in r.content.decode()
    assert FuneralCase.objects.get(pk=case.pk).state == "subsidised"


def test_a_re_decision_is_opened_even_by_a_clerk_without_the_review_permission(
    make_user, staff, make_household, home
):
    from minzheng.accounts.permissions import can

    hh = make_household(size=2)
    _granted(hh, staff)
    officer = make_user("social_affairs_officer", VILLAGE_A[:6])
    assert not can(officer, "assistance.review_open", region_code=VILLAGE_A)
    member = hh.memberships.exclude(relation="head").get().person
    case = _to_stop(officer, member, home)
    assert case.state == "subsidised" and Review.objects.filter(trigger=f"death:{member.pk}").exists()


# ---------------------------------------------------------------- 2. a death date before later activity
def test_a_death_date_before_a_recorded_visit_is_refused_naming_the_visit(clerk, make_person):
    from minzheng.visits.services import living_situation_set, visit_record

    elder = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="李奶奶")
    living_situation_set(actor=clerk, person=elder, situation="alone", on=dt.date(2025, 1, 1))
    visited = TODAY - dt.timedelta(days=10)
    visit_record(
        actor=clerk,
        elder=elder,
        visited_on=visited,
        mode="home",
        health="good",
        safety="safe",
        needs=["none"],
    )
    with pytest.raises(ValidationError, match=rf"之后仍有记录.*探访关爱：{visited:%Y年%m月%d日}"):
        open_case(clerk, elder, TODAY - dt.timedelta(days=20))
    elder.refresh_from_db()
    assert elder.is_alive and not FuneralCase.objects.exists()
    open_case(clerk, elder, visited)  # the visit's own day is not later


def test_a_death_date_before_a_care_home_admission_is_refused_naming_the_home(clerk, make_person, make_user):
    from minzheng.facilities.services import facility_create, residency_admit
    from tests.elderly.conftest import record_level

    officer = make_user("elderly_officer", TOWN_A[:6])
    care_home = facility_create(
        actor=officer,
        name="任城区中心敬老院",
        kind="tekun_home",
        operator="任城区民政局",
        address="幸福路1号",
        region_code=TOWN_A,
        beds_total=10,
        beds_nursing=8,
        status="filed",
        filed_on=dt.date(2021, 3, 1),
    )
    elder = make_person(village=VILLAGE_A, birth=dt.date(1940, 5, 1), name="王大爷")
    record_level(make_user, elder, 3)
    residency_admit(
        actor=officer,
        facility=care_home,
        person=elder,
        identity="tekun",
        monthly_fee=2000,
        admitted_on=dt.date(2026, 9, 1),
    )
    r = _client(clerk).post(
        f"/funeral/new/?person={elder.pk}",
        {
            "person": elder.pk,
            "death_date": "2026-08-10",
            "death_place": "家中",
            "certificate_number": "J1",
            "family_name": "王小二",
            "family_relation": "儿子",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and "2026年09月01日入住任城区中心敬老院" in html
    assert not FuneralCase.objects.exists()


# ---------------------------------------------------------------- 3. letters to other authorities
def test_the_hukou_letter_previews_masked_and_prints_the_full_id_as_an_audited_reveal(clerk, elder, home):
    case = through_subsidy(clerk, open_case(clerk, elder), home)
    c = _client(clerk)
    preview = c.get(f"/funeral/{case.pk}/letter/hukou/").content.decode()
    assert elder.id_number not in preview and elder.id_masked in preview and "funeral-letter-print" in preview
    assert not AuditLog.objects.filter(event_type="reveal", target_type="funeral_case.letter").exists()
    printed = c.post(f"/funeral/{case.pk}/letter/hukou/")
    assert printed["Cache-Control"] == "no-store" and elder.id_number in printed.content.decode()
    row = AuditLog.objects.get(event_type="reveal", target_type="funeral_case.letter")
    assert "户口注销告知单" in row.detail and elder.id_number not in str(row.new) + row.detail


def test_a_settlement_letter_cannot_be_printed_before_it_is_issued(clerk, elder, home):
    case = through_subsidy(clerk, open_case(clerk, elder), home)
    r = _client(clerk).post(f"/funeral/{case.pk}/letter/pension/", follow=True)
    assert "尚未出具" in r.content.decode() and elder.id_number not in r.content.decode()
    assert not AuditLog.objects.filter(target_type="funeral_case.letter").exists()


def test_the_family_receipt_is_not_a_reveal(clerk, elder, home):
    case = through_subsidy(clerk, open_case(clerk, elder), home)
    r = _client(clerk).post(f"/funeral/{case.pk}/letter/receipt/", follow=True)
    assert elder.id_number not in r.content.decode()


# ---------------------------------------------------------------- 4. the family's receipt and 指尖办
@pytest.fixture
def carer_note():
    def hook(*, actor, person, died_on):
        return [
            DeathEffect("居家服务", "12349工单X（助浴）", "已终止：服务对象死亡，护理员张护工的工单已更新")
        ]

    register_line(Line(code="test_carer", name="测试", app_label="funeral", on_death=hook))
    yield
    unregister_line("test_carer")


def test_the_family_receipt_leaves_out_the_carers_note_that_the_case_page_keeps(clerk, elder, carer_note):
    case = open_case(clerk, elder)
    c = _client(clerk)
    receipt = c.get(f"/funeral/{case.pk}/letter/receipt/").content.decode()
    assert "12349工单X（助浴）" in receipt and "已终止：服务对象死亡" in receipt and "张护工" not in receipt
    assert "张护工" in c.get(f"/funeral/{case.pk}/").content.decode()


def _resident_household(make_person, phone="13912345678"):
    from minzheng.people.services import household_add_member, household_create

    head = make_person(village=VILLAGE_A, name="王秀英", phone=phone, birth=dt.date(1975, 3, 4))
    hh = household_create(
        actor=system_actor(purpose="测试数据"),
        number=f"F{head.pk:08d}",
        region_code=VILLAGE_A,
        hukou_type="urban",
        head=head,
        start_date=dt.date(2010, 1, 1),
    )
    mother = make_person(village=VILLAGE_A, name="张老太", birth=dt.date(1940, 5, 6))
    household_add_member(
        actor=system_actor(purpose="测试数据"),
        household=hh,
        person=mother,
        relation="parent",
        start_date=dt.date(2010, 1, 1),
    )
    return head, mother


def _signed_in(person):
    from tests.citizen.conftest import sign_in

    client = Client()
    assert sign_in(client, person.id_number).status_code == 302
    return client


def test_the_household_head_follows_the_case_in_the_citizen_app_audited(clerk, make_person, home, carer_note):
    head, mother = _resident_household(make_person)
    case = open_case(clerk, mother)
    c = _signed_in(head)
    assert "/citizen/funeral/" in c.get("/citizen/me/").content.decode()
    listing = c.get("/citizen/funeral/").content.decode()
    assert "张老太" in listing
    r = c.get(f"/citizen/funeral/{case.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    for text in ("死亡证明", "已办结", "遗体接运与火化", "办理中", "需携带"):
        assert text in html, text
    assert "张护工" not in html and case.certificate_number not in html
    assert AuditLog.objects.filter(
        event_type="reveal", target_type="citizen.funeral_case", target_id=str(case.pk)
    ).exists()


def test_a_resident_of_another_household_gets_a_404_and_the_refusal_is_audited(clerk, make_person):
    _head, mother = _resident_household(make_person)
    case = open_case(clerk, mother)
    other = make_person(village=VILLAGE_A, name="赵大海", phone="13700001111", birth=dt.date(1970, 1, 1))
    c = _signed_in(other)
    assert "张老太" not in c.get("/citizen/funeral/").content.decode()
    assert c.get(f"/citizen/funeral/{case.pk}/").status_code == 404
    assert AuditLog.objects.filter(
        event_type="denied", target_type="citizen.funeral_case", target_id=str(case.pk)
    ).exists()


def test_the_family_member_who_reported_follows_the_case_by_name_and_phone(clerk, make_person, elder):
    son = make_person(village=VILLAGE_A, name="王小二", phone="13912345678", birth=dt.date(1970, 1, 1))
    case = open_case(clerk, elder)  # reported by 王小二, phone 13912345678
    c = _signed_in(son)
    assert c.get(f"/citizen/funeral/{case.pk}/").status_code == 200


def test_the_family_page_asks_a_visitor_to_sign_in(clerk, elder):
    case = open_case(clerk, elder)
    r = Client().get(f"/citizen/funeral/{case.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/citizen/")
