"""The child director's monthly check of every beneficiary: one a month, on a 390 px page; the month's
completion rate by township in a fixed number of queries; the unchecked as a to-do and a worklist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import Denied
from minzheng.benefits.services import enrolment_create
from minzheng.children import services as svc
from minzheng.children.models import MonthlyCheck
from minzheng.children.selectors import check_completion
from minzheng.children.todos import missing_checks
from tests.conftest import VILLAGE_A

MONTH = timezone.localdate().replace(day=1)
ALL = dict.fromkeys(svc.CHECK_ITEMS, True)


@pytest.fixture
def beneficiaries(make_person):
    out = []
    for i in range(3):
        p = make_person(birth=dt.date(2014, 1, 1 + i), name=f"儿童{i}")
        enrolment_create(
            actor=None,
            programme="child",
            person=p,
            household=None,
            amount=1540,
            first_month=MONTH,
            tier="scattered_orphan",
        )
        out.append(p)
    return out


def test_a_check_is_recorded_once_a_month_and_counted_in_the_townships_rate(make_user, beneficiaries):
    director = make_user("child_director", VILLAGE_A)
    svc.monthly_check_record(actor=director, person=beneficiaries[0], month=MONTH, items=ALL)
    with pytest.raises(ValidationError, match="已登记过该儿童的核查"):
        svc.monthly_check_record(actor=director, person=beneficiaries[0], month=MONTH, items={})
    rows = check_completion(actor=make_user("child_welfare_officer", "370811"), month=MONTH)
    assert [(r["township"], r["total"], r["checked"], r["rate"]) for r in rows] == [("370811001", 3, 1, 33.3)]


def test_the_completion_rate_takes_a_fixed_number_of_queries(
    make_user, beneficiaries, make_person, django_assert_max_num_queries
):
    officer = make_user("child_welfare_officer", "370811")
    for i in range(5):
        p = make_person(village="370811002001", birth=dt.date(2013, 2, 1 + i), name=f"乙{i}")
        enrolment_create(
            actor=None, programme="child", person=p, household=None, amount=1078, first_month=MONTH
        )
    with django_assert_max_num_queries(3):
        rows = check_completion(actor=officer, month=MONTH)
    assert sum(r["total"] for r in rows) == 8


def test_a_child_not_on_the_roster_cannot_be_checked_and_others_may_not_check(
    make_user, make_person, beneficiaries
):
    director = make_user("child_director", VILLAGE_A)
    with pytest.raises(ValidationError, match="不在儿童保障名册"):
        svc.monthly_check_record(actor=director, person=make_person(name="路人"), month=MONTH, items={})
    with pytest.raises(Denied):
        svc.monthly_check_record(
            actor=make_user("township_clerk", "370811001"), person=beneficiaries[0], month=MONTH, items={}
        )
    assert not MonthlyCheck.objects.exists()


def test_the_unchecked_are_the_directors_to_do_and_leave_it_once_checked(make_user, beneficiaries):
    director = make_user("child_director", VILLAGE_A)
    assert missing_checks(director, timezone.localdate()).count == 3
    svc.monthly_check_record(actor=director, person=beneficiaries[1], month=MONTH, items=ALL)
    todo = missing_checks(director, timezone.localdate())
    assert todo.count == 2 and beneficiaries[1].name not in [i.label for i in todo.items]


def test_the_director_checks_a_child_on_the_worklist_page(
    make_user, beneficiaries, django_assert_max_num_queries
):
    c = Client()
    c.force_login(make_user("child_director", VILLAGE_A))
    with django_assert_max_num_queries(12):
        page = c.get(reverse("children-checks")).content.decode()
    assert "儿童0" in page and "去核查" in page
    r = c.post(
        reverse("children-check", args=[beneficiaries[0].pk]),
        {"seen": "1", "living_ok": "1", "note": "寄宿学校，周末回家"},
    )
    assert r.status_code == 302
    check = MonthlyCheck.objects.get(person=beneficiaries[0])
    assert check.seen and check.living_ok and not check.schooling_ok
    again = c.post(
        reverse("children-check", args=[beneficiaries[0].pk]), {"seen": "1", "note": "再次核查情况"}
    )
    assert again.status_code == 400 and "已登记过" in again.content.decode()


def test_an_empty_check_is_refused_and_the_real_check_can_still_be_made(make_user, beneficiaries):
    director = make_user("child_director", VILLAGE_A)
    with pytest.raises(ValidationError, match="未勾选任何核查项目"):
        svc.monthly_check_record(actor=director, person=beneficiaries[0], month=MONTH, items={})
    with pytest.raises(ValidationError, match="说明"):
        svc.monthly_check_record(actor=director, person=beneficiaries[0], month=MONTH, items={"seen": True})
    assert not MonthlyCheck.objects.filter(person=beneficiaries[0]).exists()
    svc.monthly_check_record(actor=director, person=beneficiaries[0], month=MONTH, items=ALL)


def test_a_director_elsewhere_sees_no_child_here(make_user, beneficiaries):
    c = Client()
    c.force_login(make_user("child_director", "370812001001"))
    assert c.get(reverse("children-check", args=[beneficiaries[0].pk])).status_code == 404


def test_the_missing_checks_to_do_and_list_cost_the_same_for_three_children_or_thirty(
    make_user, beneficiaries, make_person
):
    director = make_user("child_director", VILLAGE_A)
    c = Client()
    c.force_login(director)
    c.get(reverse("children-checks"))

    def cost() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as todo_q:
            todo = missing_checks(director, timezone.localdate())
        with CaptureQueriesContext(connection) as page_q:
            assert c.get(reverse("children-checks")).status_code == 200
        assert todo.count >= 3
        return len(todo_q), len(page_q)

    small = cost()
    for i in range(27):
        p = make_person(birth=dt.date(2013, 3, 1 + i % 27), name=f"丙{i}")
        enrolment_create(
            actor=None, programme="child", person=p, household=None, amount=1078, first_month=MONTH
        )
    assert cost() == small


def test_a_check_with_nothing_ticked_is_refused_even_with_a_note_and_counts_for_nothing(
    make_user, beneficiaries
):
    director = make_user("child_director", VILLAGE_A)
    with pytest.raises(ValidationError, match="未勾选任何核查项目"):
        svc.monthly_check_record(
            actor=director, person=beneficiaries[0], month=MONTH, items={}, note="本月电话联系，未入户"
        )
    rows = check_completion(actor=make_user("child_welfare_officer", "370811"), month=MONTH)
    assert [(r["checked"], r["rate"]) for r in rows] == [(0, 0.0)]
    assert missing_checks(director, timezone.localdate()).count == 3


def test_the_check_page_refuses_an_empty_check_and_keeps_what_was_entered(make_user, beneficiaries):
    c = Client()
    c.force_login(make_user("child_director", VILLAGE_A))
    r = c.post(reverse("children-check", args=[beneficiaries[0].pk]), {"note": "电话联系，孩子在外婆家"})
    page = r.content.decode()
    assert r.status_code == 400 and "未勾选任何核查项目" in page and "电话联系，孩子在外婆家" in page
    r = c.post(
        reverse("children-check", args=[beneficiaries[0].pk]), {"seen": "1", "health_ok": "1", "note": "感冒"}
    )
    page = r.content.decode()
    assert r.status_code == 400 and "至少4个字" in page
    assert 'name="seen" value="1" checked' in page and 'name="health_ok" value="1" checked' in page
    assert 'name="living_ok" value="1" checked' not in page
    assert not MonthlyCheck.objects.exists()


def test_each_check_box_sits_on_the_line_of_its_words_on_a_phone(make_user, beneficiaries):
    """The walk: at 390 px the boxes stood on lines of their own, away from their labels (app.css makes an
    input in a label a full-width block); the line's own stylesheet keeps box and words on one row."""
    import re
    from pathlib import Path

    import minzheng.children

    c = Client()
    c.force_login(make_user("child_director", VILLAGE_A))
    page = c.get(reverse("children-check", args=[beneficiaries[0].pk])).content.decode()
    assert 'href="/static/children/children.css"' in page
    item = r'<label class="check-item"><input type="checkbox" name="(\w+)"[^>]*><span>[^<]+</span>'
    boxes = re.findall(item, page)
    assert boxes == list(svc.CHECK_ITEMS)
    css = (Path(minzheng.children.__file__).parent / "static/children/children.css").read_text()
    assert re.search(r"\.check-item \{[^}]*display: flex", css)
    assert re.search(r"\.check-item input\[type=checkbox\] \{[^}]*display: inline-block[^}]*flex: none", css)
