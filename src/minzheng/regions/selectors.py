from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from minzheng.accounts.scoping import actor_prefix

from .models import Region


def region_get(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def region_children_for_actor(*, actor: object, code: str | None) -> QuerySet[Region]:
    """Cascade picker: children of `code` (or the actor's own region) inside the actor's subtree."""
    prefix = actor_prefix(actor)
    if prefix is None:
        return Region.objects.none()
    qs = Region.objects.filter(code__startswith=prefix)
    if code:
        return qs.filter(parent__code=code).order_by("code")
    return qs.filter(prefix=prefix).order_by("code")


def region_labels(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """code → (name, full name) of the known codes, in one query (core.labels reads it)."""
    rows = Region.objects.filter(code__in=list(codes)).values_list("code", "name", "full_name")
    return {code: (name, full_name) for code, name, full_name in rows}
