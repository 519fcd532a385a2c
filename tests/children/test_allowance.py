"""The child workers' allowance: no seed gives a figure, so no row is shipped (未设定); the city enters it
per county as policy data (a spec-only key the policy page offers), and the workforce page then shows it
for that county only and says where it is entered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.children.selectors import worker_allowances
from minzheng.policy.models import PolicyParameter
from minzheng.policy.selectors import policy_page
from minzheng.policy.services import policy_parameter_propose, policy_proposal_approve

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def test_no_allowance_is_shipped_and_the_page_says_unset_and_where_it_is_entered(make_user):
    assert not PolicyParameter.objects.filter(
        key__in=["child.director_allowance", "child.supervisor_allowance"]
    )
    assert worker_allowances(region_code="370811", on=timezone.localdate()) == {
        "supervisor": "未设定",
        "director": "未设定",
    }
    c = Client()
    c.force_login(make_user("child_welfare_officer", "370811"))
    page = c.get(reverse("children-workforce")).content.decode()
    assert "未设定" in page and 'id="allowances-where"' in page and reverse("policy-parameters") in page


def test_the_city_enters_a_countys_director_allowance_which_that_county_alone_then_shows(make_user):
    proposer, checker = make_user("city_officer", "370800"), make_user("city_officer", "370800")
    keys = [k for k, _label, _unit in policy_page(actor=proposer, today=timezone.localdate()).keys]
    assert "child.director_allowance" in keys and "child.supervisor_allowance" in keys
    with pytest.raises(ValidationError, match="儿童主任工作补贴"):
        policy_parameter_propose(
            actor=proposer,
            key="child.director_allowance",
            value=Decimal("99999"),
            effective_from=TOMORROW,
            source="《任城区儿童主任工作补贴发放办法》",
            region_prefix="370811",
        )
    row = policy_parameter_propose(
        actor=proposer,
        key="child.director_allowance",
        value=Decimal("300"),
        effective_from=TOMORROW,
        source="《任城区儿童主任工作补贴发放办法》",
        region_prefix="370811",
    )
    assert row.label == "儿童主任工作补贴"
    policy_proposal_approve(actor=checker, proposal=row)
    assert worker_allowances(region_code="370811", on=TOMORROW)["director"] == "300元/月"
    assert worker_allowances(region_code="370812", on=TOMORROW)["director"] == "未设定"
    assert worker_allowances(region_code="370811", on=TOMORROW)["supervisor"] == "未设定"
