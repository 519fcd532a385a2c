from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import actor_prefix
from minzheng.regions.models import Region

from .models import AuditLog

BEIJING = ZoneInfo("Asia/Shanghai")


def audit_log_list(
    *,
    actor: Any,
    event_type: str = "",
    target: str = "",
    user: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLog]:
    """The auditor reads the log of the subtree (permission audit.read); the system admin may not read it.
    Dates are calendar days in Beijing time, both ends included."""
    prefix = actor_prefix(actor)
    if prefix is None or not can(actor, "audit.read"):
        return AuditLog.objects.none()
    qs = AuditLog.objects.filter(actor_region__startswith=prefix) | AuditLog.objects.filter(
        region_code__startswith=prefix
    )
    if event_type:
        qs = qs.filter(event_type=event_type)
    if target:
        qs = qs.filter(target_id=target)
    if user:
        qs = qs.filter(actor_name=user)
    if date_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=BEIJING))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)
        qs = qs.filter(created_at__lt=end)
    return qs.order_by("-seq")


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_changes(entry: AuditLog) -> list[Change]:
    """Before → after per field: every key of old or new, unchanged keys left out when both sides exist."""
    old = entry.old if isinstance(entry.old, dict) else ({} if entry.old is None else {"值": entry.old})
    new = entry.new if isinstance(entry.new, dict) else ({} if entry.new is None else {"值": entry.new})
    both = entry.old is not None and entry.new is not None
    keys = list(dict.fromkeys([*old, *new]))
    return [
        Change(str(k), _shown(old.get(k)), _shown(new.get(k)))
        for k in keys
        if not (both and old.get(k) == new.get(k))
    ]


def audit_region_names(entries: Iterable[AuditLog]) -> dict[str, str]:
    """Names of the regions the entries mention, in one query (people read names, not codes)."""
    codes = {c for e in entries for c in (e.actor_region, e.region_code) if c}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
