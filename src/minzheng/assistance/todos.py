"""The 首页 to-do of 社会救助 (registered on the line): referrals the actor's office has to handle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.core.todos import Item, Todo

from . import selectors

LIST_LENGTH = 5


def referrals_to_handle(actor: Any, on: dt.date) -> Todo:
    """Open referrals received by the actor's office, the earliest deadline first (two queries)."""
    qs = selectors.referrals_received(actor=actor, view="open", on=on)
    return Todo(
        key="assist_referrals",
        title=_("待办理的跟踪转介"),
        count=qs.count(),
        url=reverse("referral-list"),
        items=[
            Item(
                label=r.application.applicant.name,
                url=reverse("referral-detail", args=[r.pk]),
                note=(_("已逾期") if r.due_date and r.due_date < on else r.target),
            )
            for r in qs[:LIST_LENGTH]
        ],
    )
