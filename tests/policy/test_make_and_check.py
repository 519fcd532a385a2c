"""Make-and-check: one city officer proposes, a different one approves; only approved rows are used. A
wrong entry can be withdrawn (proposer) or rejected (checker) before its effective date; every step is
audited with old → new."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.permissions import flush_denials
from minzheng.audit.models import AuditLog
from minzheng.policy.models import ParameterStatus, PolicyParameter
from minzheng.policy.selectors import policy_resolve
from minzheng.policy.services import (
    policy_parameter_propose,
    policy_proposal_approve,
    policy_proposal_reject,
    policy_proposal_withdraw,
)

from .conftest import client_for, days_ahead

SOURCE = "《济宁市人民政府关于提高城乡低保标准的通知》"


def urban_standard(on: dt.date) -> Decimal:
    return policy_resolve(on=on, region_code="370811001001", hukou_type="urban").get("dibao.standard")


def propose(actor: Any, value: int = 760, days: int = 30) -> PolicyParameter:
    return policy_parameter_propose(
        actor=actor,
        key="dibao.standard",
        value=Decimal(value),
        effective_from=days_ahead(days),
        source=SOURCE,
        hukou_type="urban",
    )


def open_row() -> PolicyParameter:
    return PolicyParameter.objects.get(
        key="dibao.standard", hukou_type="urban", region_prefix="", effective_from=dt.date(2021, 1, 1)
    )


def test_a_change_posted_on_the_page_is_not_used_until_a_second_city_officer_approves_it(maker, checker):
    start = days_ahead(30)
    client_for(maker).post(
        "/policy/change/",
        {
            "key": "dibao.standard",
            "value": "760",
            "effective_from": start.isoformat(),
            "source": SOURCE,
            "hukou_type": "urban",
        },
    )
    assert urban_standard(start) == Decimal(719)
    row = PolicyParameter.objects.get(key="dibao.standard", effective_from=start)
    assert row.status == ParameterStatus.PROPOSED and open_row().effective_to is None
    client_for(checker).post(f"/policy/{row.pk}/approve/")
    assert urban_standard(start) == Decimal(760)
    assert urban_standard(start - dt.timedelta(days=1)) == Decimal(719)
    assert open_row().effective_to == start - dt.timedelta(days=1)
    row.refresh_from_db()
    assert (row.status, row.decided_by, row.replaced) == (ParameterStatus.APPROVED, checker, open_row())


def test_the_proposer_cannot_approve_their_own_proposal(maker):
    row = propose(maker)
    with pytest.raises(ValidationError, match="须由提出人以外的另一名市级民政干部复核"):
        policy_proposal_approve(actor=maker, proposal=row)
    page = client_for(maker).post(f"/policy/{row.pk}/approve/", follow=True).content.decode()
    assert "须由提出人以外的另一名市级民政干部复核" in page
    assert PolicyParameter.objects.get(pk=row.pk).status == ParameterStatus.PROPOSED
    assert urban_standard(days_ahead(30)) == Decimal(719)


def test_only_city_officers_propose_or_approve_and_refusals_are_audited(maker, make_user):
    county = make_user("county_officer", "370811")

    def denied() -> list[str]:
        flush_denials()
        return list(
            AuditLog.objects.filter(event_type="denied").order_by("seq").values_list("target_type", flat=True)
        )

    with pytest.raises(ValidationError, match="只有市级"):
        propose(county)
    assert denied() == ["policy.propose"]
    row = propose(maker)
    with pytest.raises(ValidationError, match="只有市级"):
        policy_proposal_approve(actor=county, proposal=row)
    assert denied() == ["policy.propose", "policy.approve"]
    assert PolicyParameter.objects.get(pk=row.pk).status == ParameterStatus.PROPOSED


def test_the_proposer_withdraws_a_pending_proposal_and_may_propose_the_same_date_again(maker, checker):
    row = propose(maker)
    with pytest.raises(ValidationError, match="只有提出人可以撤回"):
        policy_proposal_withdraw(actor=checker, proposal=row)
    policy_proposal_withdraw(actor=maker, proposal=row, note="金额录错")
    row.refresh_from_db()
    assert (row.status, row.note) == (ParameterStatus.WITHDRAWN, "金额录错")
    with pytest.raises(ValidationError, match="只能批准待复核的调整"):
        policy_proposal_approve(actor=checker, proposal=row)
    again = propose(maker, value=761)
    policy_proposal_approve(actor=checker, proposal=again)
    assert urban_standard(days_ahead(30)) == Decimal(761)


def test_the_checker_rejects_a_proposal_with_a_reason_and_it_is_never_used(maker, checker):
    row = propose(maker)
    with pytest.raises(ValidationError, match="请填写驳回理由"):
        policy_proposal_reject(actor=checker, proposal=row, note=" ")
    with pytest.raises(ValidationError, match="须由提出人以外"):
        policy_proposal_reject(actor=maker, proposal=row, note="自己驳回")
    policy_proposal_reject(actor=checker, proposal=row, note="与通知金额不符")
    assert PolicyParameter.objects.get(pk=row.pk).status == ParameterStatus.REJECTED
    assert urban_standard(days_ahead(30)) == Decimal(719)


def test_an_approved_change_withdrawn_before_its_effective_date_gives_the_old_row_back(maker, checker):
    row = policy_proposal_approve(actor=checker, proposal=propose(maker))
    assert open_row().effective_to is not None
    policy_proposal_withdraw(actor=maker, proposal=row, note="通知推迟执行")
    assert open_row().effective_to is None
    assert urban_standard(days_ahead(30)) == Decimal(719)


def test_an_approved_change_rejected_by_the_checker_before_its_effective_date_is_undone(maker, checker):
    row = policy_proposal_approve(actor=checker, proposal=propose(maker))
    policy_proposal_reject(actor=checker, proposal=row, note="文号有误")
    assert open_row().effective_to is None and urban_standard(days_ahead(400)) == Decimal(719)


def test_only_the_newest_approved_change_of_a_slot_can_be_undone(maker, checker):
    first = policy_proposal_approve(actor=checker, proposal=propose(maker, 760, days=30))
    policy_proposal_approve(actor=checker, proposal=propose(maker, 800, days=60))
    with pytest.raises(ValidationError, match="请先撤回或驳回后面的调整"):
        policy_proposal_withdraw(actor=maker, proposal=first)
    assert urban_standard(days_ahead(45)) == Decimal(760)


def test_nothing_can_be_approved_withdrawn_or_rejected_once_its_date_has_come(maker, checker, monkeypatch):
    approved = policy_proposal_approve(actor=checker, proposal=propose(maker, 760, days=10))
    pending = propose(maker, 800, days=20)
    later = timezone.localdate() + dt.timedelta(days=25)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    with pytest.raises(ValidationError, match="已生效的参数不能撤回或驳回"):
        policy_proposal_withdraw(actor=maker, proposal=approved)
    with pytest.raises(ValidationError, match="生效日期已到，不能再批准"):
        policy_proposal_approve(actor=checker, proposal=pending)
    # A stale proposal can still be cleared away; it was never used.
    policy_proposal_withdraw(actor=maker, proposal=pending)
    assert urban_standard(later) == Decimal(760)


def test_every_step_is_audited_with_old_and_new(maker, checker):
    row = propose(maker)
    policy_proposal_approve(actor=checker, proposal=row)
    policy_proposal_withdraw(actor=maker, proposal=row, note="推迟")
    steps = list(AuditLog.objects.filter(target_type="policy", target_id=str(row.pk)).order_by("seq"))
    assert [(s.event_type, s.actor_id) for s in steps] == [
        ("create", maker.pk),
        ("decision", checker.pk),
        ("update", maker.pk),
    ]
    proposed, approved, withdrawn = steps
    assert proposed.old["value"] == "719" and proposed.new["value"] == "760"
    assert proposed.new["status"] == "proposed"
    assert approved.old["in_force"]["to"] is None
    assert approved.new["in_force"]["to"] == str(row.effective_from - dt.timedelta(days=1))
    assert (approved.old["proposal"]["status"], approved.new["proposal"]["status"]) == (
        "proposed",
        "approved",
    )
    assert withdrawn.old["restored"]["to"] == str(row.effective_from - dt.timedelta(days=1))
    assert withdrawn.new["restored"]["to"] is None and withdrawn.new["proposal"]["status"] == "withdrawn"


def test_a_second_proposal_for_the_same_slot_and_date_is_refused_while_the_first_is_pending(maker):
    propose(maker)
    with pytest.raises(ValidationError, match="已有待复核或已批准的调整"):
        propose(maker, value=770)
    assert PolicyParameter.objects.filter(status=ParameterStatus.PROPOSED).count() == 1
