"""Fixtures of the credit line: a township's template copied to village A, its assistant and approver."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from minzheng.credit import services as svc
from tests.conftest import TOWN_A, VILLAGE_A


@pytest.fixture
def village(make_user: Any) -> dict[str, Any]:
    clerk = make_user("township_clerk", TOWN_A)
    approver = make_user("township_approver", TOWN_A)
    assistant = make_user("village_assistant", VILLAGE_A)
    good = svc.rule_template_create(
        actor=clerk,
        township_code=TOWN_A,
        category="good_deed",
        name="拾金不昧",
        points=10,
        min_points=5,
        max_points=20,
        evidence_required=False,
    )
    svc.rule_template_create(
        actor=clerk,
        township_code=TOWN_A,
        category="deduction",
        name="乱堆乱放",
        points=-5,
        min_points=-10,
        max_points=-2,
        evidence_required=False,
    )
    svc.rules_copy(actor=assistant, village_code=VILLAGE_A)
    from minzheng.credit.models import PointRule

    rules = {r.name: r for r in PointRule.objects.filter(region_code=VILLAGE_A)}
    return {
        "clerk": clerk,
        "approver": approver,
        "assistant": assistant,
        "template": good,
        "good": rules["拾金不昧"],
        "bad": rules["乱堆乱放"],
        "today": timezone.localdate(),
    }


def earn(v: dict[str, Any], hh: Any, times: int = 1) -> None:
    """`times` approved good deeds for the household (recorded by the assistant, approved by another)."""
    for _ in range(times):
        rec = svc.point_record(actor=v["assistant"], household=hh, rule=v["good"], occurred_on=v["today"])
        svc.point_decide(actor=v["approver"], record=rec, approve=True)
