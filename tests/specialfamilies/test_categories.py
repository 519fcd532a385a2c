from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from minzheng.children.services import child_file_open, child_file_update  # noqa: F401
from minzheng.specialfamilies import categories as cat
from minzheng.specialfamilies import selectors
from minzheng.specialfamilies.services import hardship_household_record

from .conftest import certify, enrol, member


def _cats(person: Any) -> list[int]:
    on = timezone.localdate()
    found = cat.categories_of(cat.annotated(on).filter(pk=person.pk).first())
    # the person page's cheap pre-check may let through a person in no category, never hide one
    assert found == [] or cat.could_belong(person.pk, on)
    return found


def test_a_disabled_member_of_a_dibao_household_is_category_one(make_household: Any, clerk: Any) -> None:
    hh = make_household(size=2)
    enrol("dibao", hh)
    disabled = member(hh)
    certify(clerk, disabled, 4)
    assert _cats(disabled) == [1]
    assert _cats(member(hh, "head")) == []


def test_a_disabled_person_in_a_household_without_assistance_is_in_no_category(
    make_household: Any, clerk: Any
) -> None:
    hh = make_household(size=2)
    disabled = member(hh)
    certify(clerk, disabled, 1)
    assert _cats(disabled) == []
    assert not cat.could_belong(disabled.pk, timezone.localdate())


def test_a_tekun_person_is_category_two(make_household: Any) -> None:
    hh = make_household(size=1)
    head = member(hh, "head")
    enrol("tekun", hh, head)
    assert _cats(head) == [2]


def test_margin_households_count_severe_and_moderate_but_not_mild_disability(
    make_household: Any, clerk: Any
) -> None:
    hh = make_household(size=3)
    hardship_household_record(
        actor=clerk, household=hh, kind="margin", recognised_on=timezone.localdate(), basis="乡镇认定"
    )
    moderate, mild = list(hh.memberships.filter(relation="child").order_by("pk"))
    certify(clerk, moderate.person, 3)
    certify(clerk, mild.person, 4)
    assert _cats(moderate.person) == [3]
    assert 3 not in _cats(mild.person)


def test_expense_hardship_households_count_only_severe_disability(make_household: Any, clerk: Any) -> None:
    hh = make_household(size=3)
    hardship_household_record(
        actor=clerk, household=hh, kind="expense", recognised_on=timezone.localdate(), basis="大病支出"
    )
    severe, moderate = list(hh.memberships.filter(relation="child").order_by("pk"))
    certify(clerk, severe.person, 2)
    certify(clerk, moderate.person, 3)
    assert 4 in _cats(severe.person)
    assert 4 not in _cats(moderate.person)


def test_a_school_age_child_of_a_dibao_household_is_a_student_of_category_five(
    make_household: Any, make_person: Any
) -> None:
    hh = make_household(size=1)
    enrol("dibao", hh)
    from minzheng.accounts.system import system_actor
    from minzheng.people.services import household_add_member

    today = timezone.localdate()
    pupil = make_person(birth=today.replace(year=today.year - 10, day=1), name="小明")
    household_add_member(
        actor=system_actor(purpose="测试数据"), household=hh, person=pupil, relation="child", start_date=today
    )
    assert _cats(pupil) == [5]
    adult = make_person(birth=dt.date(1990, 1, 1), name="成年")
    household_add_member(
        actor=system_actor(purpose="测试数据"), household=hh, person=adult, relation="child", start_date=today
    )
    assert _cats(adult) == []


def test_the_family_list_filters_by_category_and_county_in_a_fixed_number_of_queries(
    make_household: Any, make_user: Any, clerk: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        hh = make_household(size=2)
        enrol("dibao", hh)
        certify(clerk, member(hh), 2)
    tekun = make_household(size=1)
    enrol("tekun", tekun, member(tekun, "head"))
    county = make_user("county_officer", "370811")
    with django_assert_max_num_queries(3):
        rows = selectors.member_rows(selectors.family_members(actor=county, on=timezone.localdate()))
    assert len(rows) == 4
    ones = selectors.family_members(actor=county, on=timezone.localdate(), category=1)
    assert ones.count() == 3
    other = selectors.family_members(actor=county, on=timezone.localdate(), county="370812")
    assert other.count() == 0
    counts = selectors.counts_by_county(actor=county, on=timezone.localdate())
    assert [(r["county"], r["total"], r["by"][:2]) for r in counts] == [("370811", 4, [3, 1])]
