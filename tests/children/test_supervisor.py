"""The township supervisor's work: the month's checks that found something (a to-do and a list on the
completion-rate page) and the re-decision list, read without the button that opens one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.benefits.services import enrolment_create
from minzheng.children import services as svc
from minzheng.children.todos import check_findings
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A

MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def checked(make_user, make_person):
    director = make_user("child_director", VILLAGE_A)
    kids = []
    for i, found in enumerate((False, True)):
        p = make_person(birth=dt.date(2014, 1, 1 + i), name=f"督导儿童{i}")
        enrolment_create(
            actor=None, programme="child", person=p, household=None, amount=1540, first_month=MONTH
        )
        svc.monthly_check_record(
            actor=director,
            person=p,
            month=MONTH,
            items={k: not (found and k == "schooling_ok") for k in svc.CHECK_ITEMS},
            note="本月旷课5天，已联系班主任" if found else "",
        )
        kids.append(p)
    return kids


def test_the_supervisor_reviews_the_checks_that_found_something(
    make_user, checked, django_assert_max_num_queries
):
    supervisor = make_user("child_supervisor", TOWN_A)
    with django_assert_max_num_queries(2):
        todo = check_findings(supervisor, timezone.localdate())
    assert todo.count == 1 and [i.label for i in todo.items] == ["督导儿童1"]
    assert check_findings(make_user("child_supervisor", TOWN_B), timezone.localdate()).count == 0
    c = Client()
    c.force_login(supervisor)
    page = c.get(reverse("children-check-rate")).content.decode()
    assert "核查发现的问题" in page and "督导儿童1" in page and "按时上学" in page and "本月旷课5天" in page
    assert "督导儿童0</a>" not in page
    assert "本月儿童核查发现问题待督导" in c.get("/").content.decode()


def test_the_supervisor_reads_the_redecision_list_but_only_the_clerk_may_open_one(make_user, make_person):
    from minzheng.people.services import person_record_death
    from tests.children.conftest import parent

    clerk = make_user("township_clerk", TOWN_A)
    father = make_person(birth=dt.date(1984, 1, 1), name="父亲甲")
    child = make_person(birth=dt.date(2015, 5, 5), name="重认儿童")
    case = svc.category_case_intake(
        actor=clerk,
        child=child,
        father=parent("imprisoned", parent_person=father),
        mother=parent("lost_contact"),
    )
    svc.category_case_verify(actor=clerk, case=case)
    svc.category_case_decide(actor=make_user("township_approver", TOWN_A), case=case, on=timezone.localdate())
    person_record_death(actor=clerk, person=father, death_date=timezone.localdate())
    c = Client()
    c.force_login(make_user("child_supervisor", TOWN_A))
    page = c.get(reverse("children-redecisions")).content.decode()
    assert "重认儿童" in page and "发起重新认定" not in page
    c.force_login(clerk)
    assert "发起重新认定" in c.get(reverse("children-redecisions")).content.decode()
    c.force_login(make_user("child_supervisor", TOWN_B))
    assert "重认儿童" not in c.get(reverse("children-redecisions")).content.decode()
