"""Read side of the snapshot store: which snapshot is current, what each source delivered."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import scope

from . import store
from .contract import SOURCES
from .models import ImportJob, Snapshot, SnapshotStatus


def snapshot_current(*, month: str | None = None) -> Snapshot | None:
    """The latest accepted snapshot (of `month` when given): the "current" pointer is this row."""
    qs = Snapshot.objects.filter(status=SnapshotStatus.ACCEPTED)
    if month is not None:
        qs = qs.filter(month=month)
    return qs.order_by("-month", "-imported_at", "-pk").first()


def snapshot_path(*, snapshot: Snapshot) -> Path:
    """Directory of a stored snapshot (SNAPSHOT_DIR/store/YYYY-MM-<sha8>)."""
    if snapshot.status != SnapshotStatus.ACCEPTED or not snapshot.path:
        raise ValueError(f"快照{snapshot.month}（{snapshot.get_status_display()}）没有存储目录")
    return Path(settings.SNAPSHOT_DIR) / snapshot.path


def snapshot_source_status(*, month: str) -> list[dict[str, Any]]:
    """One dict per exchange source (exchange.md order) for the month's current snapshot: department,
    month, rows stored, rejected rows, file, and whether it is missing (not delivered this month)."""
    current = snapshot_current(month=month)
    delivered = {s.source: s for s in current.sources.all()} if current else {}
    out: list[dict[str, Any]] = []
    for source, department in ((s.name, s.department) for s in SOURCES.values()):
        got = delivered.get(source)
        out.append(
            {
                "source": source,
                "label": source_label(source),
                "department": got.department if got else department,
                "month": month,
                "snapshot_id": current.pk if current else None,
                "rows": got.rows if got else None,
                "rejected": got.rejected if got else None,
                "file": got.file if got else "",
                "missing": got is None,
            }
        )
    return out


def source_label(name: str) -> str:
    """What a source tells, in Chinese (工资, 存款): pages name sources, the manifest and API keep codes."""
    source = SOURCES.get(name)
    return source.label if source else "其他数据源"


def snapshot_missing_sources(*, month: str) -> list[str]:
    return [row["source"] for row in snapshot_source_status(month=month) if row["missing"]]


def snapshot_list(*, limit: int = 100) -> QuerySet[Snapshot]:
    """Every import attempt, newest month first (accepted, rejected and purged), with the name of the file
    uploaded for it (`file_name`, "" for a command-line import) in the same query: officers know a batch
    by its file, not by its hash."""
    uploaded = ImportJob.objects.filter(snapshot=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Snapshot.objects.select_related("imported_by")
        .annotate(file_name=Coalesce(Subquery(uploaded.values("file_name")[:1]), Value("")))
        .order_by("-month", "-imported_at", "-pk")[:limit]
    )


def snapshot_months() -> list[str]:
    """Months that have an accepted snapshot, newest first."""
    return list(
        Snapshot.objects.filter(status=SnapshotStatus.ACCEPTED)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


def snapshot_rejects_preview(*, snapshot: Snapshot, limit: int = 200) -> list[dict[str, Any]]:
    """The first `limit` rows of the snapshot's rejects.csv (the full report can be millions of rows)."""
    if not snapshot.rejects_file or snapshot.status != SnapshotStatus.ACCEPTED:
        return []
    path = Path(settings.SNAPSHOT_DIR) / snapshot.rejects_file
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as f:
            return [dict(row) for row in itertools.islice(csv.DictReader(f), limit)]
    except OSError:
        return []


def snapshot_is_complete(*, snapshot: Snapshot) -> bool:
    return store.is_complete(snapshot_path(snapshot=snapshot))


def import_jobs_for_actor(*, actor: Any) -> QuerySet[ImportJob]:
    """Import jobs the actor may see: city officers, within their region (empty for everyone else)."""
    if not can(actor, "exchange.view"):
        return ImportJob.objects.none()
    return scope(ImportJob.objects.select_related("started_by", "snapshot"), actor)


def import_job_get_for_actor(*, actor: Any, job_id: int) -> ImportJob:
    """One job, or Http404 alike for a missing id and for a job the actor may not see."""
    job = import_jobs_for_actor(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise Http404("未找到该导入任务")
    return job


def import_job_list(*, actor: Any, limit: int = 10) -> QuerySet[ImportJob]:
    """The actor's most recent import jobs, newest first."""
    return import_jobs_for_actor(actor=actor).order_by("-created_at", "-pk")[:limit]
