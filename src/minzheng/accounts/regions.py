"""Region pickers inside the actor's scope: the cascade's children (the /api/v1/regions endpoint and the
desk's htmx picker) and the county → township → village cascade of forms. Here, beside the scope, so that
regions (below accounts) need not know actors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minzheng.regions.models import Region

from .scoping import actor_prefix


def region_children_for_actor(*, actor: object, code: str | None) -> QuerySet[Region]:
    """Cascade picker: children of `code` (or the actor's own region) inside the actor's subtree."""
    prefix = actor_prefix(actor)
    if prefix is None:
        return Region.objects.none()
    qs = Region.objects.filter(code__startswith=prefix)
    if code:
        return qs.filter(parent__code=code).order_by("code")
    return qs.filter(prefix=prefix).order_by("code")


CASCADE_LEVELS = (
    ("county", 6, "place_county", _("县(市、区)")),
    ("township", 9, "place_township", _("乡镇(街道)")),
    ("village", 12, "region_code", _("村(社区)")),
)


def region_cascade(*, actor: Any, selected: str = "", dom_prefix: str = "place") -> list[dict[str, Any]]:
    """The county → township → village picker inside the actor's scope (a township clerk's county and
    township are fixed, its villages to choose), pre-selected on `selected`; three queries."""
    prefix = actor_prefix(actor)
    if prefix is None:
        return []
    selected = selected if selected.isdigit() else ""
    levels: list[dict[str, Any]] = []
    parent = ""
    for i, (level, length, name, label) in enumerate(CASCADE_LEVELS):
        qs = Region.objects.filter(level=level)
        qs = qs.filter(code__startswith=prefix) if len(prefix) <= length else qs.filter(code=prefix[:length])
        if i and not parent:
            options: list[Region] = []
        else:
            options = list(qs.filter(parent__code=parent).order_by("code") if parent else qs.order_by("code"))
        codes = {r.code for r in options}
        chosen = selected[:length] if selected[:length] in codes else ""
        if not chosen and len(options) == 1:
            chosen = options[0].code  # above the actor's own level there is nothing to choose
        nxt = CASCADE_LEVELS[i + 1][0] if i + 1 < len(CASCADE_LEVELS) else ""
        levels.append(
            {
                "level": level,
                "name": name,
                "label": str(label),
                "options": options,
                "selected": chosen,
                "id": f"{dom_prefix}-{level}",
                "next_id": f"{dom_prefix}-{nxt}" if nxt else "",
            }
        )
        parent = chosen
    return levels


def cascade_value(post: Any) -> str:
    """The deepest level chosen in a region cascade (a village, else its township, else its county)."""
    for _level, _length, name, _label in reversed(CASCADE_LEVELS):
        value = (post.get(name) or "").strip()
        if value:
            return str(value)
    return ""
