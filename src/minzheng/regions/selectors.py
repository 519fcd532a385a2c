from __future__ import annotations

from collections.abc import Iterable

from .models import Region


def region_get(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def region_labels(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """code → (name, full name) of the known codes, in one query (core.labels reads it)."""
    rows = Region.objects.filter(code__in=list(codes)).values_list("code", "name", "full_name")
    return {code: (name, full_name) for code, name, full_name in rows}
