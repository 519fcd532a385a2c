"""Reads of the audit log that need no actor: the changes of one entry and the names of its regions. The
log itself is read, permission- and region-scoped, by the desk (web/selectors.py audit_log_list)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from minzheng.regions.models import Region

from .models import AuditLog

BEIJING = ZoneInfo("Asia/Shanghai")


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
