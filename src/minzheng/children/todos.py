"""The 首页 to-dos of 儿童福利 (registered as the line's `todos`): the child director's beneficiaries not
yet checked this month, and the category cases waiting for the actor's step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.core.todos import Item, Todo

from . import selectors as sel
from .models import CaseState

LIST_LENGTH = 5


def _todo(key: str, title: str, qs: Any, url: str, item: Callable[[Any], Item], empty: str = "") -> Todo:
    """A card: the count and the first few rows (two queries whatever the length)."""
    return Todo(
        key=key,
        title=title,
        count=qs.count(),
        url=url,
        items=[item(x) for x in qs[:LIST_LENGTH]],
        empty=empty,
    )


def _person(x: Any) -> Item:
    return Item(label=x.person.name, url=reverse("person-detail", args=[x.person_id]))


def missing_checks(actor: Any, on: dt.date) -> Todo:
    qs = sel.check_worklist(actor=actor, month=on.replace(day=1)).filter(checked=False)  # type: ignore[misc]
    return _todo(
        "child_checks",
        _("本月儿童核查未完成"),
        qs,
        reverse("children-checks"),
        lambda e: Item(label=e.person.name, url=reverse("children-check", args=[e.person_id])),
        _("本月核查已全部完成"),
    )


def check_findings(actor: Any, on: dt.date) -> Todo:
    """The township supervisor's review: this month's checks that found something (an item not ticked)."""
    qs = sel.check_findings(actor=actor, month=on.replace(day=1))
    return _todo(
        "child_check_findings",
        _("本月儿童核查发现问题待督导"),
        qs,
        reverse("children-check-rate"),
        _person,
        _("本月核查未发现问题"),
    )


def _cases(actor: Any, state: str, key: str, title: str) -> Todo:
    return _todo(
        key,
        title,
        sel.category_cases(actor=actor, state=state),
        reverse("children-cases") + f"?state={state}",
        lambda c: Item(label=c.child.name, url=reverse("children-case", args=[c.pk])),
    )


def cases_to_verify(actor: Any, on: dt.date) -> Todo:
    return _cases(actor, CaseState.SUBMITTED, "child_to_verify", _("儿童类别认定待核实"))


def cases_to_decide(actor: Any, on: dt.date) -> Todo:
    return _cases(actor, CaseState.VERIFIED, "child_to_decide", _("儿童类别认定待认定"))


def referrals_due(actor: Any, on: dt.date) -> Todo:
    return _todo(
        "child_referrals",
        _("儿童保障到龄待转介"),
        sel.referrals_due(actor=actor),
        reverse("children-roster"),
        _person,
    )


def redecisions_due(actor: Any, on: dt.date) -> Todo:
    """Parents the registry now records as dead while the decision says otherwise (re-decision due)."""
    return _todo(
        "child_redecisions",
        _("父母情形变化待重新认定"),
        sel.redecisions_due(actor=actor),
        reverse("children-redecisions"),
        lambda s: Item(label=s.case.child.name, url=reverse("children-case", args=[s.case_id])),
    )


def follow_ups_due(actor: Any, on: dt.date) -> Todo:
    """Files whose latest guardianship assessment's follow-up date has come."""
    return _todo(
        "child_follow_ups",
        _("监护能力评估到期待复评"),
        sel.follow_ups_due(actor=actor, on=on),
        reverse("children-files"),
        lambda f: Item(label=f.person.name, url=reverse("children-file", args=[f.person_id])),
    )
