"""What people read on the line's pages (names and roles, masked 身份证号, a complete certificate), what the
overdue card costs, and bad input at the desk (a Chinese message, nothing written)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.casework.selectors import case_deadlines
from minzheng.core.idnumber import make_id_number
from minzheng.policy.models import ParameterStatus, PolicyParameter
from minzheng.protection import services
from minzheng.protection.models import AdoptableChild, Adoption
from minzheng.protection.selectors import overdue_cases, protection_todo
from minzheng.protection.workflow import PROTECTION
from tests.conftest import VILLAGE_A

TODAY = timezone.localdate()
ALL = ["motive", "health", "income", "housing", "record", "family"]
HUSBAND = make_id_number("370811", dt.date(1986, 2, 3), 41, "M")
WIFE = make_id_number("370811", dt.date(1987, 6, 9), 42, "F")


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6])


def _report(actor: Any, child: Any) -> Any:
    return services.case_report(
        actor=actor,
        source="hotline",
        summary="12345热线反映该儿童长期无人照料",
        reported_on=TODAY,
        child_id=child.pk,
    )


def test_the_case_log_and_its_workers_show_names_and_roles_never_login_names(team, reported):
    for key, name in (("director", "李桂英"), ("officer", "王建国")):
        team[key].display_name = name
        team[key].save(update_fields=["display_name"])
    services.case_assess(actor=team["officer"], case=reported, answers=["injury"], note="")
    c = Client()
    c.force_login(team["officer"])
    page = c.get(f"/protection/{reported.pk}/").content.decode()
    assert "李桂英（儿童主任）" in page and "王建国（儿童福利科）" in page
    for user in team.values():
        assert f">{user.username}<" not in page and f" {user.username}</li>" not in page


def test_the_overdue_card_costs_the_same_few_queries_for_one_case_or_twelve(
    team, make_person, django_assert_max_num_queries
):
    later = TODAY + dt.timedelta(days=5)
    for i in range(12):
        _report(team["officer"], make_person(village=VILLAGE_A, birth=dt.date(2014, 1, 1 + i), name=f"童{i}"))
    with django_assert_max_num_queries(8):
        todo = protection_todo(team["officer"], later)
    assert todo.count == 12 and len(todo.items) == 5


def test_the_batched_overdue_list_agrees_with_each_cases_own_deadlines_and_a_county_figure(
    team, reported, make_person
):
    other = _report(team["officer"], make_person(village=VILLAGE_A, birth=dt.date(2016, 1, 1), name="小兰"))
    services.case_assess(actor=team["officer"], case=other, answers=["injury"], note="")
    # A county's own (longer) assessment limit wins over the city's, as policy_resolve decides.
    PolicyParameter.objects.create(
        key="protection.assess_days",
        label="风险评估期限",
        value=Decimal(10),
        region_prefix=VILLAGE_A[:6],
        effective_from=TODAY - dt.timedelta(days=30),
        source="《未成年人保护法》",
        status=ParameterStatus.APPROVED,
    )
    for days in (0, 3, 12, 40, 100):
        on = TODAY + dt.timedelta(days=days)
        expected = {
            c.pk: next(d for d in case_deadlines(workflow=PROTECTION, case=c, on=on) if d.overdue or d.error)
            for c in (reported, other)
            if any(d.overdue or d.error for d in case_deadlines(workflow=PROTECTION, case=c, on=on))
        }
        got = {c.pk: d for c, d in overdue_cases(actor=team["officer"], on=on)}
        assert {k: (d.label, d.due) for k, d in got.items()} == {
            k: (d.label, d.due) for k, d in expected.items()
        }, days


def test_the_adoptable_list_shows_the_masked_id_and_registers_a_child_by_id_number(officer, make_person):
    person = make_person(village=VILLAGE_A, birth=dt.date(2023, 1, 5), name="小雨", sex="F")
    c = Client()
    c.force_login(officer)
    r = c.post(
        "/protection/adoption/children/",
        {"id_number": person.id_number, "institution": "任城区儿童福利院", "since": "2024-02-01"},
    )
    assert r.status_code == 302
    child = AdoptableChild.objects.get(person=person)
    page = c.get("/protection/adoption/children/").content.decode()
    assert person.id_masked in page and person.id_number not in page
    assert "人员编号" not in page and f">{person.pk}<" not in page
    assert person.id_masked in c.get("/protection/adoption/").content.decode()
    assert child.institution == "任城区儿童福利院"


def test_the_certificate_names_everyone_by_masked_id_with_its_number_authority_and_seal(officer, make_person):
    person = make_person(village=VILLAGE_A, birth=dt.date(2022, 5, 1), name="小红", sex="F")
    child = services.adoptable_child_add(
        actor=officer, person_id=person.pk, institution="任城区儿童福利院", since=dt.date(2024, 1, 1)
    )
    a = services.adoption_apply(
        actor=officer,
        child_id=child.pk,
        adopters="王刚、刘芳",
        adopter_id_numbers=[HUSBAND, WIFE],
        adopter_address="任城区某小区",
        applied_on=TODAY,
    )
    assert HUSBAND not in a.adopter_ids_enc
    a = services.adoption_assess(
        actor=officer, adoption=a, answers=ALL, home_visit_on=TODAY, home_visit_note="居住条件良好"
    )
    a = services.adoption_certify(
        actor=officer, adoption=services.adoption_register(actor=officer, adoption=a)
    )
    c = Client()
    c.force_login(officer)
    page = c.get(f"/protection/adoption/{a.pk}/certificate/").content.decode()
    for text in (
        f"{HUSBAND[:6]}********{HUSBAND[-4:]}",
        f"{WIFE[:6]}********{WIFE[-4:]}",
        person.id_masked,
        "文号",
        a.registration_number,
        "任城区民政局",
        'id="seal"',
        "css/document.css",
    ):
        assert text in page, text
    for full in (HUSBAND, WIFE, person.id_number):
        assert full not in page
    assert f"{HUSBAND[:6]}********{HUSBAND[-4:]}" in c.get(f"/protection/adoption/{a.pk}/").content.decode()


def test_bad_input_on_the_adoption_desk_says_why_in_chinese_and_saves_nothing(officer, make_person):
    person = make_person(village=VILLAGE_A, birth=dt.date(2022, 5, 1), name="小红", sex="F")
    child = services.adoptable_child_add(
        actor=officer, person_id=person.pk, institution="任城区儿童福利院", since=dt.date(2024, 1, 1)
    )
    c = Client()
    c.force_login(officer)
    good = {
        "child_id": child.pk,
        "adopters": "王刚",
        "adopter_id_1": HUSBAND,
        "adopter_address": "任城区某小区",
        "applied_on": TODAY.isoformat(),
    }
    for field, value, message in (
        ("child_id", "abc", "可送养儿童应为整数"),
        ("child_id", str(2**63), "可送养儿童超出合理范围"),
        ("applied_on", "9999-01-01", "申请日期应在"),
        ("adopter_id_1", "370811198602031234", "有效18位身份证号"),
    ):
        r = c.post("/protection/adoption/", {**good, field: value}, follow=True)
        assert r.status_code == 200 and message in r.content.decode(), field
    assert not Adoption.objects.exists()
    r = c.post(
        "/protection/adoption/children/", {"id_number": "x", "institution": "院", "since": "0001-01-01"}
    )
    assert not AdoptableChild.objects.exclude(pk=child.pk).exists()


def test_a_bad_date_or_number_on_a_case_step_changes_nothing(team, reported):
    c = Client()
    c.force_login(team["officer"])
    services.case_assess(actor=team["officer"], case=reported, answers=["injury"], note="")
    r = c.post(
        f"/protection/{reported.pk}/conference/",
        {"held_on": "2026-13-45", "participants": "督导员", "decisions": "临时监护"},
        follow=True,
    )
    assert "会商日期格式应为" in r.content.decode()
    r = c.post(f"/protection/{reported.pk}/assign/", {"user_id": "1e9", "duty": "director"}, follow=True)
    assert "人员应为整数" in r.content.decode()
    reported.refresh_from_db()
    assert reported.state == "assessed" and reported.assignments.count() == 1
