"""Retention of data-exchange snapshots: the files of accepted snapshots older than
SNAPSHOT_RETENTION_MONTHS are deleted (their database rows and audit trail stay), under the same store
lock as an import."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record

from .importing import (
    _locked,
    _remove,
    _root,
)
from .models import Snapshot, SnapshotStatus


def snapshot_purge(*, actor: Any, ip: str = "") -> int:
    """Delete the files of accepted snapshots older than SNAPSHOT_RETENTION_MONTHS (default 36) months
    before the current month, never the latest accepted snapshot. Their rows stay, marked purged (what
    was imported remains on record). Returns how many snapshots were purged."""
    retention = int(getattr(settings, "SNAPSHOT_RETENTION_MONTHS", 36))
    root = _root()
    with _locked(root):
        paths = _purge_mark(actor=actor, retention=retention, ip=ip)
        for rel in paths:  # after the commit; a kill in between leaves dirs _recover removes
            _remove(root / rel)
    return len(paths)


@transaction.atomic
def _purge_mark(*, actor: Any, retention: int, ip: str) -> list[str]:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - max(retention, 0)
    cutoff = f"{index // 12:04d}-{index % 12 + 1:02d}"
    accepted = Snapshot.objects.select_for_update().filter(status=SnapshotStatus.ACCEPTED)
    latest = accepted.order_by("-month", "-imported_at", "-pk").first()
    candidates = accepted.filter(month__lt=cutoff)
    old = list(candidates.exclude(pk=latest.pk) if latest else candidates)
    if not old:
        return []
    Snapshot.objects.filter(pk__in=[s.pk for s in old]).update(status=SnapshotStatus.PURGED)
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="exchange.snapshot",
        target_id=",".join(str(s.pk) for s in old)[:64],
        detail=f"按保留期{retention}个月清理{len(old)}个快照（早于{cutoff}）："
        + "、".join(s.month for s in old),
        old={"status": SnapshotStatus.ACCEPTED},
        new={"status": SnapshotStatus.PURGED, "snapshots": [[s.pk, s.month, s.manifest_sha256] for s in old]},
        ip=ip,
    )
    return [s.path for s in old if s.path]
