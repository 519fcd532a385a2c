"""The automatic action of 儿童保障, run by a screening run through the registry: the allowance ends in
the month the child turns 18 (the month before is the last paid). Written through the benefits services
(audited there, in the same transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months, enrolment_end

from .rules import CODE


@transaction.atomic
def child_allowance_end(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int:
    """The alert `child_end`: end every open child enrolment of the person that began before `month`."""
    ended = 0
    for current in Enrolment.objects.filter(person=alert.person, programme=CODE).exclude(
        last_month__lt=month
    ):
        if current.first_month < month:
            enrolment_end(
                actor=actor,
                enrolment=current,
                last_month=add_months(month, -1),
                reason="年满18周岁，儿童保障终止",
            )
            ended += 1
    return ended
