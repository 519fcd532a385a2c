"""The automatic actions of 高龄津贴, run by a screening run through the registry: the grant in the month
of the 80th birthday (到龄即享, seed 003, no application) and the tier change at 90 and 100. Enrolments
are written through the benefits services (audited there, in the same transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from minzheng.assistance.rules import Policy, age_in_month
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months, enrolment_create, enrolment_end
from minzheng.policy.selectors import policy_resolve

from .rules import CODE, TIER_LABELS, high_age_tier


def _current(person: Any, month: dt.date) -> Enrolment | None:
    return (
        Enrolment.objects.filter(person=person, programme=CODE, first_month__lte=month)
        .exclude(last_month__lt=month)
        .first()
    )


@transaction.atomic
def high_age_grant(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int | None:
    """The alert `high_age_grant`: enrol the person from `month` at the first tier. None (the alert stays
    open for an officer) when the person already has the allowance."""
    person = alert.person
    if Enrolment.objects.filter(person=person, programme=CODE).exclude(last_month__lt=month).exists():
        return None
    policy = policy_resolve(on=month, region_code=person.region_code, hukou_type=person.hukou_type)
    enrolment_create(
        actor=actor,
        programme=CODE,
        person=person,
        household=alert.household,
        amount=int(policy.get("high_age.tier80")),
        first_month=month,
        tier=TIER_LABELS["tier80"],
        source_type="screening",
        source_id=source_id,
        rule_version=policy.version,
    )
    return 1


@transaction.atomic
def high_age_tier_change(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int | None:
    """The alert `high_age_tier`: close the current enrolment at the month before and open one at the new
    tier's amount. None when there is nothing to change (no enrolment, same amount, started this month)."""
    person = alert.person
    policy = policy_resolve(on=month, region_code=person.region_code, hukou_type=person.hukou_type)
    age = int(alert.evidence.get("年龄") or 0) or age_in_month(person.birth_date, month)
    tier, amount_d = high_age_tier(age, Policy(policy, policy.version))
    amount = int(amount_d)
    current = _current(person, month)
    if not tier or current is None or current.monthly_amount == amount or current.first_month >= month:
        return None
    enrolment_end(actor=actor, enrolment=current, last_month=add_months(month, -1), reason="高龄津贴调档")
    enrolment_create(
        actor=actor,
        programme=CODE,
        person=person,
        household=current.household,
        amount=amount,
        first_month=month,
        tier=TIER_LABELS[tier],
        source_type="screening",
        source_id=source_id,
        rule_version=policy.version,
    )
    return 1
