from __future__ import annotations

import datetime as dt

from minzheng.accounts.models import Role
from minzheng.funeral import selectors
from minzheng.funeral.models import FuneralCase
from tests.conftest import VILLAGE_A

from .conftest import open_case


def test_open_cases_are_a_to_do_of_the_township(clerk, elder):
    open_case(clerk, elder)
    todo = selectors.open_todo(clerk, dt.date(2026, 11, 30))
    assert todo.count == 1 and todo.items[0].label == "王老汉" and todo.items[0].note == "已登记死亡"


def test_a_step_left_longer_than_the_policy_allows_is_overdue(clerk, elder):
    case = open_case(clerk, elder)
    today = case.state_since
    assert selectors.overdue_todo(clerk, today + dt.timedelta(days=3)).count == 0
    todo = selectors.overdue_todo(clerk, today + dt.timedelta(days=4))
    assert todo.count == 1 and "未办理下一环节" in todo.items[0].note


def test_the_to_dos_cost_two_queries_each_whatever_the_number_of_cases(
    clerk, make_person, make_user, django_assert_max_num_queries
):
    for i in range(8):
        open_case(clerk, make_person(birth=dt.date(1940, 1, 1 + i), name=f"逝者{i}"))
    FuneralCase.objects.update(state_since=dt.date(2026, 1, 1))
    on = dt.date(2026, 11, 30)
    with django_assert_max_num_queries(2):
        selectors.open_todo(clerk, on)
    with django_assert_max_num_queries(3):  # + the policy figure of the step limit
        assert selectors.overdue_todo(clerk, on).count == 8
    county = make_user(Role.COUNTY_OFFICER, VILLAGE_A[:6])
    with django_assert_max_num_queries(2):
        selectors.redecide_todo(county, on)
