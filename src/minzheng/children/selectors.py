"""Reads of 儿童保障: the roster of the actor's region and the person-page panel (region-scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from minzheng.benefits.models import Enrolment
from minzheng.benefits.selectors import active_enrolments, enrolments_for_person
from minzheng.people.models import Person

from .rules import CODE


def child_roster(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """Who is paid the allowance in `month` in the actor's region, by place then start."""
    return active_enrolments(actor=actor, month=month, programme=CODE).order_by(
        "region_code", "first_month", "pk"
    )


def child_panel(*, actor: Any, person: Person) -> dict[str, Any] | None:
    """The person's child-allowance enrolments (current first); None (no panel) when there are none."""
    enrolments = [e for e in enrolments_for_person(actor=actor, person=person) if e.programme == CODE]
    return {"enrolments": enrolments} if enrolments else None
