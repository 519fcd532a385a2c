"""The 首页 to-dos of 儿童福利 (registered as the line's `todos`): the child director's beneficiaries not
yet checked this month, and the category cases waiting for the actor's step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.core.todos import Item, Todo

from . import selectors as sel
from .models import CaseState

LIST_LENGTH = 5


def missing_checks(actor: Any, on: dt.date) -> Todo:
    qs = sel.check_worklist(actor=actor, month=on.replace(day=1)).filter(checked=False)  # type: ignore[misc]
    return Todo(
        key="child_checks",
        title=_("本月儿童核查未完成"),
        count=qs.count(),
        url=reverse("children-checks"),
        items=[
            Item(label=e.person.name, url=reverse("children-check", args=[e.person_id]))
            for e in qs[:LIST_LENGTH]
        ],
        empty=_("本月核查已全部完成"),
    )


def check_findings(actor: Any, on: dt.date) -> Todo:
    """The township supervisor's review: this month's checks that found something (an item not ticked)."""
    qs = sel.check_findings(actor=actor, month=on.replace(day=1))
    return Todo(
        key="child_check_findings",
        title=_("本月儿童核查发现问题待督导"),
        count=qs.count(),
        url=reverse("children-check-rate"),
        items=[
            Item(label=c.person.name, url=reverse("person-detail", args=[c.person_id]))
            for c in qs[:LIST_LENGTH]
        ],
        empty=_("本月核查未发现问题"),
    )


def _cases(actor: Any, state: str, key: str, title: str) -> Todo:
    qs = sel.category_cases(actor=actor, state=state)
    return Todo(
        key=key,
        title=title,
        count=qs.count(),
        url=reverse("children-cases") + f"?state={state}",
        items=[Item(label=c.child.name, url=reverse("children-case", args=[c.pk])) for c in qs[:LIST_LENGTH]],
    )


def cases_to_verify(actor: Any, on: dt.date) -> Todo:
    return _cases(actor, CaseState.SUBMITTED, "child_to_verify", _("儿童类别认定待核实"))


def cases_to_decide(actor: Any, on: dt.date) -> Todo:
    return _cases(actor, CaseState.VERIFIED, "child_to_decide", _("儿童类别认定待认定"))


def referrals_due(actor: Any, on: dt.date) -> Todo:
    qs = sel.referrals_due(actor=actor)
    return Todo(
        key="child_referrals",
        title=_("儿童保障到龄待转介"),
        count=qs.count(),
        url=reverse("children-roster"),
        items=[
            Item(label=e.person.name, url=reverse("person-detail", args=[e.person_id]))
            for e in qs[:LIST_LENGTH]
        ],
    )


def redecisions_due(actor: Any, on: dt.date) -> Todo:
    """Parents the registry now records as dead while the decision says otherwise (re-decision due)."""
    qs = sel.redecisions_due(actor=actor)
    return Todo(
        key="child_redecisions",
        title=_("父母情形变化待重新认定"),
        count=qs.count(),
        url=reverse("children-redecisions"),
        items=[
            Item(label=s.case.child.name, url=reverse("children-case", args=[s.case_id]))
            for s in qs[:LIST_LENGTH]
        ],
    )


def follow_ups_due(actor: Any, on: dt.date) -> Todo:
    """Files whose latest guardianship assessment's follow-up date has come."""
    qs = sel.follow_ups_due(actor=actor, on=on)
    return Todo(
        key="child_follow_ups",
        title=_("监护能力评估到期待复评"),
        count=qs.count(),
        url=reverse("children-files"),
        items=[
            Item(label=f.person.name, url=reverse("children-file", args=[f.person_id]))
            for f in qs[:LIST_LENGTH]
        ],
    )
