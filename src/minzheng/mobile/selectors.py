"""Reads of 掌上办: the phone's bottom bar and the user's own synced records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from minzheng.accounts.permissions import can
from minzheng.programmes.registry import nav_entries

from .models import SyncedRecord

# The registered navigation entries that are field work (首页, intake, visits and checks, service
# check-in/out, the village's alerts): the bottom bar shows those of them the user may open, in the
# registry's order, at most five. Labels and permissions come from the registry, not from here.
FIELD_ENTRIES = (
    "home",
    "assistance-worklist",
    "visits-mine",
    "children-checks",
    "children-files",
    "protection-cases",
    "facilities-list",
    "homecare-my",
    "governance-grid",
    "vagrants-ledger",
    "alert-worklist",
    "volunteers-mine",
)
BOTTOM_MAX = 5

# The field forms that may ask the browser for its position (their pages get geolocation=(self)).
GEO_FORMS = frozenset({"visits-elder", "children-file-visit", "vagrants-visit"})


def bottom_nav(user: Any) -> list[dict[str, str]]:
    """[{label, url}] of the field user's bottom bar; empty for desk roles (they keep the top menu)."""
    if not getattr(user, "is_authenticated", False) or not can(user, "mobile.field"):
        return []
    entries = [
        e
        for e in nav_entries()
        if e.url_name in FIELD_ENTRIES and (not e.permission or can(user, e.permission))
    ]
    return [{"label": e.label, "url": reverse(e.url_name)} for e in entries[:BOTTOM_MAX]]


def synced_mine(*, actor: Any) -> QuerySet[SyncedRecord]:
    """The actor's own synced records, newest first (nobody reads another's phone queue)."""
    return SyncedRecord.objects.filter(user=actor)
