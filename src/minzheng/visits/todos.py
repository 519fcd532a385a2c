"""The line's 首页 to-dos (registered in apps.py): counts and the first few, each one scoped query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.core.todos import Item, Todo

from . import selectors as sel

FIRST = 5


def _items(qs: Any) -> list[Item]:
    return [
        Item(
            label=p.person.name,
            url=reverse("visits-elder", args=[p.person_id]),
            note=p.get_living_situation_display(),
        )
        for p in qs[:FIRST]
    ]


def unassigned(actor: Any, on: dt.date) -> Todo:
    qs = sel.unassigned(actor=actor, on=on)
    return Todo(
        "visits_unassigned",
        _("特殊困难老年人未指派探访人员"),
        qs.count(),
        reverse("visits-assign"),
        _items(qs),
        _("均已指派"),
    )


def my_month(actor: Any, on: dt.date) -> Todo:
    qs = sel.my_month(actor=actor, month=on).filter(visited_on__isnull=True)  # type: ignore[misc]
    return Todo(
        "visits_mine", _("本月待探访"), qs.count(), reverse("visits-mine"), _items(qs), _("本月探访已完成")
    )


def missing(actor: Any, on: dt.date) -> Todo:
    """The month's missing visits of the actor's region: the township's worklist (see rate page)."""
    qs = sel.not_visited(actor=actor, month=on)
    return Todo(
        "visits_missing",
        _("本月尚未探访的特殊困难老年人"),
        qs.count(),
        reverse("visits-rate"),
        _items(qs),
        _("本月已全部探访"),
    )


def raised(actor: Any, on: dt.date) -> Todo:
    qs = sel.open_raises(actor=actor)
    items = [
        Item(
            label=f"{r.elder.name} · {r.get_kind_display()}",
            url=reverse("visits-raises"),
            note=r.get_status_display(),
        )
        for r in qs[:FIRST]
    ]
    return Todo(
        "visits_raised",
        _("探访发现的风险与转介"),
        qs.count(),
        reverse("visits-raises"),
        items,
        _("无待处理事项"),
    )


def silent_pairs(actor: Any, on: dt.date) -> Todo:
    qs = sel.pairs_silent(actor=actor, on=on)
    items = [Item(label=p.elder.name, url=reverse("visits-pairs"), note=p.helper_name) for p in qs[:FIRST]]
    return Todo(
        "visits_silent",
        _("相约黎明结对多日未报平安"),
        qs.count(),
        reverse("visits-pairs"),
        items,
        _("结对均按时报平安"),
    )
