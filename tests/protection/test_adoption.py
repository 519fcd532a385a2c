"""Adoption (收养): application → scored assessment with a home visit → registration → certificate →
archive, for children an institution may place; only the child-welfare officer of the region."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.core.idnumber import make_id_number
from minzheng.protection import services
from minzheng.protection.models import AdoptableChild
from tests.conftest import TOWN_B, VILLAGE_A

ALL = ["motive", "health", "income", "housing", "record", "family"]
ADOPTER_IDS = [
    make_id_number("370811", dt.date(1988, 4, 12), 31, "M"),
    make_id_number("370811", dt.date(1990, 9, 3), 32, "F"),
]


@pytest.fixture
def officer(make_user):
    return make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6])


@pytest.fixture
def application(officer, make_person) -> Any:
    person = make_person(village=VILLAGE_A, birth=dt.date(2022, 5, 1), name="小红", sex="F")
    child = services.adoptable_child_add(
        actor=officer, person_id=person.pk, institution="任城区儿童福利院", since=dt.date(2024, 1, 1)
    )
    return services.adoption_apply(
        actor=officer,
        child_id=child.pk,
        adopters="王刚、刘芳",
        adopter_id_numbers=ADOPTER_IDS,
        adopter_address="任城区某小区",
        applied_on=timezone.localdate(),
    )


def test_an_adoption_runs_from_application_to_archive_with_a_printable_certificate(officer, application):
    today = timezone.localdate()
    a = services.adoption_assess(
        actor=officer, adoption=application, answers=ALL, home_visit_on=today, home_visit_note="居住条件良好"
    )
    assert (a.state, a.assessment_score) == ("assessed", 100)
    a = services.adoption_register(actor=officer, adoption=a)
    assert a.state == "registered" and a.registration_number
    assert AdoptableChild.objects.get(pk=a.child_id).placed
    a = services.adoption_certify(actor=officer, adoption=a)
    c = Client()
    c.force_login(officer)
    page = c.get(f"/protection/adoption/{a.pk}/certificate/").content.decode()
    for text in ("收养登记证", a.certificate_number, "任城区民政局", "盖章", "行政复议", "css/document.css"):
        assert text in page
    a = services.adoption_archive(actor=officer, adoption=a)
    assert a.state == "archived" and a.archive_number


def test_an_assessment_below_the_pass_line_refuses_the_application(officer, application):
    a = services.adoption_assess(
        actor=officer,
        adoption=application,
        answers=["motive"],
        home_visit_on=timezone.localdate(),
        home_visit_note="无固定住所",
    )
    assert (a.state, a.assessment_score) == ("refused", 20)


def test_an_assessment_needs_its_home_visit_record(officer, application):
    with pytest.raises(ValidationError, match="家访"):
        services.adoption_assess(
            actor=officer, adoption=application, answers=ALL, home_visit_on=None, home_visit_note=""
        )
    application.refresh_from_db()
    assert application.state == "applied"


def test_an_officer_of_another_county_gets_404_and_others_are_refused(officer, application, make_user):
    other = Client()
    other.force_login(make_user(Role.CHILD_WELFARE_OFFICER, TOWN_B[:6]))
    assert other.get(f"/protection/adoption/{application.pk}/").status_code == 404
    clerk = Client()
    clerk.force_login(make_user(Role.TOWNSHIP_CLERK, VILLAGE_A[:9]))
    assert clerk.get("/protection/adoption/").status_code == 403


def test_the_adoption_pages_show_the_application_and_its_actions(officer, application):
    c = Client()
    c.force_login(officer)
    assert "小红" in c.get("/protection/adoption/").content.decode()
    assert "小红" in c.get("/protection/adoption/children/").content.decode()
    page = c.get(f"/protection/adoption/{application.pk}/").content.decode()
    assert "收养评估（含家访）" in page and "待评估" in page
    r = c.post(
        f"/protection/adoption/{application.pk}/assess/",
        {"item": ALL, "home_visit_on": timezone.localdate().isoformat(), "home_visit_note": "家访良好"},
    )
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.state == "assessed"


def test_only_a_living_minor_can_be_registered_as_adoptable(officer, make_person):
    grown = make_person(village=VILLAGE_A, birth=dt.date(1957, 3, 1), name="成年人")
    with pytest.raises(ValidationError, match="不能登记为可送养儿童"):
        services.adoptable_child_add(
            actor=officer, person_id=grown.pk, institution="任城区儿童福利院", since=dt.date(2024, 1, 1)
        )
    assert not AdoptableChild.objects.filter(person=grown).exists()
