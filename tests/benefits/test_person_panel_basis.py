import datetime as dt
from typing import Any

from minzheng.accounts.system import system_actor
from minzheng.benefits.selectors import enrolment_panel_context
from minzheng.benefits.services import enrolment_create
from tests.conftest import VILLAGE_A


def test_the_person_page_names_the_decision_behind_an_enrolment_never_its_code(
    make_person: Any, make_user: Any
) -> None:
    person = make_person()
    enrolment_create(
        actor=system_actor(purpose="test"),
        programme="dibao",
        person=person,
        household=None,
        amount=500,
        first_month=dt.date(2026, 1, 1),
        source_type="disability.application",
        source_id=9,
    )
    ctx = enrolment_panel_context(actor=make_user("township_clerk", VILLAGE_A[:9]), person=person)
    assert [e.basis for e in ctx["enrolments"]] == ["残疾人补贴申请 9"]


def test_a_childs_enrolment_shows_the_category_by_name_not_its_code(make_person: Any, make_user: Any) -> None:
    child = make_person(birth=dt.date(2016, 3, 1))
    enrolment_create(
        actor=system_actor(purpose="test"),
        programme="child",
        person=child,
        household=None,
        amount=1500,
        first_month=dt.date(2026, 1, 1),
        tier="scattered_orphan",
    )
    clerk = make_user("township_clerk", VILLAGE_A[:9])
    ctx = enrolment_panel_context(actor=clerk, person=child)
    assert [e.tier_label for e in ctx["enrolments"]] == ["社会散居孤儿"]


def test_a_line_entitlement_reads_by_name_and_a_one_off_grant_as_one_off(
    make_person: Any, make_user: Any
) -> None:
    from django.template.loader import render_to_string

    person = make_person()
    enrolment_create(
        actor=system_actor(purpose="test"),
        programme="sf_medical",
        person=person,
        household=None,
        amount=800,
        first_month=dt.date(2026, 1, 1),
        last_month=dt.date(2026, 1, 1),
        source_type="specialfamilies",
        source_id="medical",
    )
    ctx = enrolment_panel_context(actor=make_user("township_clerk", VILLAGE_A[:9]), person=person)
    assert [e.basis for e in ctx["enrolments"]] == ["特殊困难家庭"]
    html = render_to_string("benefits/_person_panel.html", {"ctx": ctx})
    assert "medical" not in html
    assert "一次性 800元" in html and "月金额" not in html
