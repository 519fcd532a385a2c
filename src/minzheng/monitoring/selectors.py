from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from minzheng.accounts.permissions import scoped

from .models import Alert, RunStatus, ScreeningRun

READ = "alert.read"  # the permission every read of this module is scoped under


def latest_published_month() -> str | None:
    run = ScreeningRun.objects.filter(status=RunStatus.PUBLISHED).order_by("-month").first()
    return run.month if run else None


def alert_worklist(
    *, actor: Any, month: str | None = None, status: str = "", rule: str = ""
) -> QuerySet[Alert]:
    """The township's screening worklist: published alerts in its region, most severe and most
    difficult first (difficulty index, seed 002)."""
    month = month or latest_published_month()
    if month is None:
        return Alert.objects.none()
    qs = scoped(READ, Alert.objects.filter(month=month, run__status=RunStatus.PUBLISHED), actor).exclude(
        trend="resolved"
    )
    if status:
        qs = qs.filter(work_status=status)
    if rule:
        qs = qs.filter(rule=rule)
    return qs.order_by("severity_rank", F("difficulty_index").desc(nulls_last=True), "id")


def alert_get_for_actor(*, actor: Any, alert_id: int) -> Alert:
    alert = (
        scoped(READ, Alert.objects.select_related("person", "household"), actor).filter(pk=alert_id).first()
    )
    if alert is None:
        raise Http404("未找到该预警")
    return alert


def runs(*, limit: int = 24) -> QuerySet[ScreeningRun]:
    return ScreeningRun.objects.order_by("-started_at")[:limit]
