"""Adopting the standard linked to consumption (seed 002): a city officer enters last year's per-capita
consumption and the link ratio, the page proposes the new standard per county, a second city officer
approves, and the new dated standard is the one in force for a household from the chosen month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import PayrollRun, PayrollStatus
from minzheng.policy.models import ParameterStatus, PolicyParameter
from minzheng.policy.selectors import ConsumptionEntry, consumption_page, policy_resolve
from minzheng.policy.services import policy_consumption_adopt, policy_proposal_approve

from .conftest import client_for

pytestmark = pytest.mark.django_db

DOC = "济政字〔2026〕31号"


def next_month(n: int = 1) -> dt.date:
    first = timezone.localdate().replace(day=1)
    return (first + dt.timedelta(days=32 * n)).replace(day=1)


def entry(urban: str = "30000", rural: str = "18000", ratio: str = "0.36") -> ConsumptionEntry:
    return ConsumptionEntry(
        consumption={"urban": Decimal(urban), "rural": Decimal(rural)}, ratio=Decimal(ratio)
    )


def form(**changes: str) -> dict[str, str]:
    data = {
        "consumption_urban": "30000",
        "consumption_rural": "18000",
        "ratio": "0.36",
        "effective_month": f"{next_month():%Y-%m}",
        "source": DOC,
    }
    return data | changes


def test_the_entered_figures_give_the_proposed_standard_of_each_county_without_saving(maker):
    lines = consumption_page(actor=maker, today=timezone.localdate(), entry=entry())
    assert len(lines) == 22
    assert {x.computed for x in lines if x.hukou == "城镇"} == {900}  # 30000 × 0.36 / 12
    assert {x.computed for x in lines if x.hukou == "农村"} == {540}
    body = client_for(maker).get("/policy/consumption/", form()).content.decode()
    assert "900" in body and "尚未保存" in body
    assert not PolicyParameter.objects.filter(status=ParameterStatus.PROPOSED).exists()


def test_an_adopted_and_approved_standard_is_in_force_for_a_household_from_its_month_only(
    maker, checker, make_household
):
    household = make_household(hukou_type="rural")
    start = next_month(2)
    before = start - dt.timedelta(days=1)

    def standard(on: dt.date) -> Decimal:
        return policy_resolve(on=on, region_code=household.region_code, hukou_type="rural").get(
            "dibao.standard"
        )

    old = standard(before)
    rows = policy_consumption_adopt(actor=maker, entry=entry(), effective_from=start, source=DOC)
    assert {(r.key, r.hukou_type, r.value) for r in rows} == {
        ("dibao.standard", "urban", Decimal(900)),
        ("dibao.standard", "rural", Decimal(540)),
        ("dibao.consumption_ratio", "", Decimal("0.36")),
    }
    assert all(DOC in r.source for r in rows)
    assert standard(start) == old  # proposed only: nothing changes until another officer approves
    for row in rows:
        policy_proposal_approve(actor=checker, proposal=row)
    assert standard(before) == old
    assert standard(start) == Decimal(540)
    assert standard(start + dt.timedelta(days=40)) == Decimal(540)
    assert AuditLog.objects.filter(detail="按居民人均消费支出挂钩提出低保标准调整").count() == 1


def test_the_proposer_cannot_approve_the_standard_they_adopted(maker):
    rows = policy_consumption_adopt(actor=maker, entry=entry(), effective_from=next_month(), source=DOC)
    with pytest.raises(ValidationError, match="另一名"):
        policy_proposal_approve(actor=maker, proposal=rows[0])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consumption_urban": "-5"}, "应在0至"),
        ({"consumption_rural": "很多"}, "应为数字"),
        ({"ratio": "1.2"}, "挂钩比例"),
        ({"ratio": "0"}, "应大于0"),
        ({"effective_month": ""}, "执行月份"),
        ({"source": " "}, "文号"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_changes_nothing(maker, changes: dict[str, str], message: str):
    count = PolicyParameter.objects.count()
    response = client_for(maker).post("/policy/consumption/", form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PolicyParameter.objects.count() == count


def test_a_month_whose_payroll_is_closed_or_already_begun_is_refused(maker):
    count = PolicyParameter.objects.count()
    this_month = timezone.localdate().replace(day=1)
    body = client_for(maker).post("/policy/consumption/", form(effective_month=f"{this_month:%Y-%m}"))
    assert "执行月份须晚于本月" in body.content.decode()
    # a payroll closed ahead of time (the county froze next month's roll already)
    PayrollRun.objects.create(county_code="370811", month=next_month(), status=PayrollStatus.FROZEN)
    with pytest.raises(ValidationError, match="已审核冻结"):
        policy_consumption_adopt(actor=maker, entry=entry(), effective_from=next_month(), source=DOC)
    assert PolicyParameter.objects.count() == count


def test_the_page_needs_its_permission_and_the_form_is_the_city_officers(make_user: Any):
    clerk = make_user("township_clerk", "370811001")
    assert client_for(clerk).get("/policy/consumption/").status_code == 403
    county = make_user("county_officer", "370811")
    assert [x.county[-3:] for x in consumption_page(actor=county, today=timezone.localdate())] == [
        "任城区",
        "任城区",
    ]
    body = client_for(county).get("/policy/consumption/").content.decode()
    assert "任城区" in body and 'id="consumption-form"' not in body
    assert client_for(county).post("/policy/consumption/", form()).status_code == 403


def test_the_checker_approves_on_the_page_and_comes_back_to_it(maker, checker):
    rows = policy_consumption_adopt(actor=maker, entry=entry(), effective_from=next_month(), source=DOC)
    c = client_for(checker)
    body = c.get("/policy/consumption/").content.decode()
    assert "批准生效" in body and DOC in body
    response = c.post(f"/policy/{rows[0].pk}/approve/", {"back": "consumption"})
    assert response.status_code == 302 and response.url == "/policy/consumption/"
    rows[0].refresh_from_db()
    assert rows[0].status == ParameterStatus.APPROVED
