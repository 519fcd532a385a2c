from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from minzheng.accounts.permissions import scoped
from minzheng.people.models import Membership, Relation

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
    return qs.select_related("person", "household").order_by(
        "severity_rank", F("difficulty_index").desc(nulls_last=True), "id"
    )


def alert_get_for_actor(*, actor: Any, alert_id: int) -> Alert:
    alert = (
        scoped(READ, Alert.objects.select_related("person", "household"), actor).filter(pk=alert_id).first()
    )
    if alert is None:
        raise Http404("未找到该预警")
    return alert


# What the run page says instead of the engine's code name.
ENGINE_NAMES = {"duckdb": "快照库（单机列式分析）", "spark": "大数据集群（分布式）"}


def engine_label(code: str) -> str:
    return ENGINE_NAMES.get(code, "快照库")


def household_heads(household_ids: Iterable[int]) -> dict[int, str]:
    """household id → the current head's name, in one query for a page of alerts."""
    ids = {i for i in household_ids if i}
    if not ids:
        return {}
    rows = Membership.objects.filter(
        household_id__in=ids, relation=Relation.HEAD, end_date__isnull=True
    ).values_list("household_id", "person__name")
    return dict(rows)


def household_label(*, head: str, village: str) -> str:
    """A household as a township officer names it: the head's name, masked after the surname as on
    public lists (张*), and its village; never the 16-digit household number."""
    masked = (head[:1] + "*" * max(len(head) - 1, 1)) if head else "户主未登记"
    return f"{masked}户（{village}）" if village else f"{masked}户"


def runs(*, limit: int = 24) -> QuerySet[ScreeningRun]:
    return ScreeningRun.objects.order_by("-started_at")[:limit]
