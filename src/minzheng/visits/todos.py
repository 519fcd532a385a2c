"""The line's 首页 to-dos (registered in apps.py): counts and the first few, each one scoped query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.accounts.permissions import can
from minzheng.core.todos import Item, Todo

from . import selectors as sel

FIRST = 5


def _first(qs: Any) -> tuple[int, list[Any]]:
    """The first few and the count: one query when the list is short (the usual case on a 首页)."""
    first = list(qs[:FIRST])
    return (len(first) if len(first) < FIRST else qs.count()), first


def _items(rows: list[Any]) -> list[Item]:
    return [
        Item(
            label=p.person.name,
            url=reverse("visits-elder", args=[p.person_id]),
            note=p.get_living_situation_display(),
        )
        for p in rows
    ]


def unassigned(actor: Any, on: dt.date) -> Todo:
    n, rows = _first(sel.unassigned(actor=actor, on=on))
    return Todo(
        "visits_unassigned",
        _("特殊困难老年人未指派探访人员"),
        n,
        reverse("visits-assign"),
        _items(rows),
        _("均已指派"),
    )


def my_month(actor: Any, on: dt.date) -> Todo:
    if can(actor, "visits.assign"):  # township staff work the missing-visits list, not a visitor's round
        return Todo("visits_mine", _("本月待探访"), 0, reverse("visits-mine"), [], _("本月探访已完成"))
    n, rows = _first(sel.my_month(actor=actor, month=on).filter(visited_on__isnull=True))  # type: ignore[misc]
    return Todo("visits_mine", _("本月待探访"), n, reverse("visits-mine"), _items(rows), _("本月探访已完成"))


def missing(actor: Any, on: dt.date) -> Todo:
    """The month's missing visits of the actor's region: the township's worklist (see rate page)."""
    n, rows = _first(sel.not_visited(actor=actor, month=on))
    return Todo(
        "visits_missing",
        _("本月尚未探访的特殊困难老年人"),
        n,
        reverse("visits-rate"),
        _items(rows),
        _("本月已全部探访"),
    )


def raised(actor: Any, on: dt.date) -> Todo:
    n, rows = _first(sel.open_raises(actor=actor))
    items = [
        Item(
            label=f"{r.elder.name} · {r.get_kind_display()}",
            url=reverse("visits-raises"),
            note=r.get_status_display(),
        )
        for r in rows
    ]
    return Todo(
        "visits_raised", _("探访发现的风险与转介"), n, reverse("visits-raises"), items, _("无待处理事项")
    )


def silent_pairs(actor: Any, on: dt.date) -> Todo:
    # No open pair in the region (the usual case away from the villages): no policy lookup at all.
    rows: list[Any] = []
    n = 0
    if not can(actor, "visits.assign") and sel.pairs(actor=actor).exists():
        n, rows = _first(sel.pairs_silent(actor=actor, on=on))
    items = [Item(label=p.elder.name, url=reverse("visits-pairs"), note=p.helper_name) for p in rows]
    return Todo(
        "visits_silent",
        _("相约黎明结对多日未报平安"),
        n,
        reverse("visits-pairs"),
        items,
        _("结对均按时报平安"),
    )
