"""The one region-scope mechanism. Every selector, list, search, export and API endpoint goes through
`scope()` / `actor_prefix()`; nothing filters by region on its own. It fails closed: an anonymous or
inactive user, a user with no region, or an unknown role gets the empty set. The system actor
(accounts.system) sees the whole city. Role checks are not here: ask `permissions.require/can`."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from .models import Role
from .system import is_system

M = TypeVar("M", bound=Model)

_KNOWN_ROLES = set(Role.values)


def actor_prefix(actor: Any) -> str | None:
    """The region-code prefix the actor may see, or None for nothing ("" for the system: the whole city)."""
    if is_system(actor):
        return ""
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_active", False)
    ):
        return None
    if getattr(actor, "role", "") not in _KNOWN_ROLES:
        return None
    region = getattr(actor, "region", None)
    if region is None or not region.prefix:
        return None
    return str(region.prefix)


def scope(qs: QuerySet[M], actor: Any, *, field: str = "region_code") -> QuerySet[M]:
    """Restrict `qs` to rows whose `field` (a region code) lies in the actor's subtree."""
    prefix = actor_prefix(actor)
    if prefix is None:
        return qs.none()
    return qs.filter(**{f"{field}__startswith": prefix})


def in_scope(actor: Any, region_code: str) -> bool:
    prefix = actor_prefix(actor)
    return prefix is not None and region_code.startswith(prefix)


def has_role(actor: Any, *roles: str) -> bool:
    """Deprecated: only assistance still calls it until it moves onto the case engine; use `require/can`."""
    return actor_prefix(actor) is not None and getattr(actor, "role", "") in roles
