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
from minzheng.policy.services import (
    policy_batch_approve,
    policy_consumption_adopt,
    policy_proposal_approve,
    policy_proposal_reject,
)

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
    body = client_for(maker).post("/policy/consumption/", form(action="trial")).content.decode()
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
    policy_batch_approve(actor=checker, proposal=rows[0])
    assert standard(before) == old
    assert standard(start) == Decimal(540)
    assert standard(start + dt.timedelta(days=40)) == Decimal(540)
    assert AuditLog.objects.filter(detail="按居民人均消费支出挂钩提出低保标准调整").count() == 1


def test_the_proposer_cannot_approve_the_standard_they_adopted(maker):
    rows = policy_consumption_adopt(actor=maker, entry=entry(), effective_from=next_month(), source=DOC)
    with pytest.raises(ValidationError, match="另一名"):
        policy_batch_approve(actor=maker, proposal=rows[0])


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
    assert body.count("批准生效") == 1  # one action for the whole proposal
    response = c.post(f"/policy/{rows[-1].pk}/approve/", {"back": "consumption"})
    assert response.status_code == 302 and response.url == "/policy/consumption/"
    assert {r.status for r in PolicyParameter.objects.filter(pk__in=[r.pk for r in rows])} == {
        ParameterStatus.APPROVED
    }


def test_the_proposal_names_the_year_of_the_figures_the_page_asks_for(maker):
    last_year = timezone.localdate().year - 1
    body = client_for(maker).get("/policy/consumption/").content.decode()
    assert f"录入{last_year}年的数据" in body
    # a January start (the year after next month's year at the turn of the year) still names last year
    start = dt.date(timezone.localdate().year + 1, 1, 1)
    rows = policy_consumption_adopt(actor=maker, entry=entry(), effective_from=start, source=DOC)
    standards = [r for r in rows if r.key == "dibao.standard"]
    assert all(f"（{last_year}年人均消费支出" in r.source for r in standards)
    assert not any(f"{start.year - 1}年人均消费支出" in r.source for r in standards)  # this year: unpublished


def test_a_proposal_cannot_be_approved_in_part_only_as_a_whole(maker, checker):
    rows = policy_consumption_adopt(actor=maker, entry=entry(), effective_from=next_month(), source=DOC)
    assert len(rows) == 3 and len({r.batch for r in rows}) == 1
    with pytest.raises(ValidationError, match="整体批准"):
        policy_proposal_approve(actor=checker, proposal=rows[1])
    response = client_for(checker).post(f"/policy/{rows[1].pk}/approve/")
    assert response.status_code == 302
    approved = PolicyParameter.objects.filter(pk__in=[r.pk for r in rows], status=ParameterStatus.APPROVED)
    assert approved.count() == 3  # the button of any row approves the whole proposal, never a part
    assert AuditLog.objects.filter(detail="整体批准低保标准调整方案").count() == 1


def test_rejecting_one_row_of_a_proposal_rejects_the_whole_proposal(maker, checker):
    rows = policy_consumption_adopt(actor=maker, entry=entry(), effective_from=next_month(), source=DOC)
    policy_proposal_reject(actor=checker, proposal=rows[0], note="数据待核")
    statuses = set(
        PolicyParameter.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)
    )
    assert statuses == {ParameterStatus.REJECTED}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ratio": "7"}, "“挂钩比例”应在0至1"),
        ({"consumption_urban": "99999999999999999"}, "应在0至1,000,000"),
        ({"consumption_urban": "1000000", "ratio": "0.9"}, "超出低保标准的允许范围100至5,000"),
    ],
)
def test_the_trial_is_bounded_and_answers_in_chinese_without_computing_absurd_standards(
    maker, changes: dict[str, str], message: str
):
    response = client_for(maker).post("/policy/consumption/", form(action="trial", **changes))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "尚未保存" not in body and "58333333333333" not in body
    assert not PolicyParameter.objects.filter(status=ParameterStatus.PROPOSED).exists()


def test_the_trial_form_posts_so_the_token_never_ends_up_in_an_address(maker):
    body = client_for(maker).get("/policy/consumption/").content.decode()
    assert 'formmethod="get"' not in body
    assert 'name="action" value="trial"' in body
    assert client_for(maker).post("/policy/consumption/", form(action="trial")).status_code == 200


def test_a_proposal_lowering_a_standard_warns_and_needs_an_explicit_confirmation(maker, checker):
    # rural 15200 × 0.35 / 12 = 443 < 537 in force
    low = entry(urban="27000", rural="15200", ratio="0.35")
    rows = policy_consumption_adopt(actor=maker, entry=low, effective_from=next_month(), source=DOC)
    c = client_for(checker)
    body = c.get("/policy/consumption/").content.decode()
    assert "将降低现行低保标准" in body and "现行537元，拟调为443元" in body
    assert 'name="confirm_lower"' in body
    with pytest.raises(ValidationError, match="确认降低标准"):
        policy_batch_approve(actor=checker, proposal=rows[0])
    response = c.post(f"/policy/{rows[0].pk}/approve/", {"back": "consumption"})
    assert response.status_code == 302
    assert not PolicyParameter.objects.filter(pk__in=[r.pk for r in rows], status="approved").exists()
    c.post(f"/policy/{rows[0].pk}/approve/", {"back": "consumption", "confirm_lower": "1"})
    assert PolicyParameter.objects.filter(pk__in=[r.pk for r in rows], status="approved").count() == len(rows)
