"""Reads of 高龄津贴: the roster of the actor's region and the person-page panel (region-scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from minzheng.assistance.rules import Policy, age_in_month
from minzheng.benefits.models import Enrolment
from minzheng.benefits.selectors import active_enrolments, enrolments_for_person
from minzheng.people.models import Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve

from .rules import CODE, high_age_tier


def high_age_roster(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """Who is paid the allowance in `month` in the actor's region, by place then start."""
    return active_enrolments(actor=actor, month=month, programme=CODE).order_by(
        "region_code", "first_month", "pk"
    )


def high_age_panel(*, actor: Any, person: Person, on: dt.date | None = None) -> dict[str, Any] | None:
    """The person's allowance: age this month, the tier that age earns under the policy in force, and
    the enrolments (current first); None (no panel) for someone neither enrolled nor of age."""
    on = on or timezone.localdate()
    enrolments = [e for e in enrolments_for_person(actor=actor, person=person) if e.programme == CODE]
    age = age_in_month(person.birth_date, on)
    try:
        ps = policy_resolve(on=on, region_code=person.region_code, hukou_type=person.hukou_type)
        tier, amount = high_age_tier(age, Policy(ps, ps.version))
    except PolicyMissing:
        tier, amount = "", None
    if not enrolments and not tier:
        return None
    return {"age": age, "tier": tier, "amount": amount, "enrolments": enrolments}
