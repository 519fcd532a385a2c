from __future__ import annotations

from django.conf import settings
from django.db import models


class SnapshotStatus(models.TextChoices):
    ACCEPTED = "accepted", "已接收"
    REJECTED = "rejected", "已拒收"
    PURGED = "purged", "已按保留期清理"


class Snapshot(models.Model):
    """One import attempt of a monthly data-exchange snapshot, keyed by the SHA-256 of its manifest.

    The latest accepted row of a month is that month's "current" snapshot; its files live under
    SNAPSHOT_DIR/`path`. Rejected attempts keep the reason and store no files. Rejected rows are not
    stored here (too many at city scale): see `rejects_file` and the counts."""

    month = models.CharField("月份", max_length=7, db_index=True)
    manifest_sha256 = models.CharField("清单SHA-256", max_length=64, unique=True)
    path = models.CharField("存储目录", max_length=255, blank=True, default="")
    status = models.CharField("状态", max_length=16, choices=SnapshotStatus.choices)
    reason = models.TextField("拒收原因", blank=True, default="")
    imported_at = models.DateTimeField("导入时间", db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_via = models.CharField("导入方式", max_length=150, blank=True, default="")
    total_rows = models.BigIntegerField("接收行数", default=0)
    rejected_rows = models.BigIntegerField("拒收行数", default=0)
    rejects_file = models.CharField("拒收报告", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "数据交换快照"
        verbose_name_plural = "数据交换快照"
        ordering = ["-month", "-imported_at", "-pk"]
        indexes = [models.Index(fields=["status", "month", "imported_at"], name="exchange_snap_current")]

    def __str__(self) -> str:
        return f"{self.month} {self.manifest_sha256[:8]} {self.status}"


class SnapshotSource(models.Model):
    """One delivered source of an accepted snapshot: `rows` stored + `rejected` = rows in the file."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="sources")
    source = models.CharField("数据源", max_length=32)
    department = models.CharField("提供部门", max_length=32)
    rows = models.BigIntegerField("接收行数", default=0)
    rejected = models.BigIntegerField("拒收行数", default=0)
    file = models.CharField("原文件", max_length=255)
    sha256 = models.CharField("原文件SHA-256", max_length=64)

    class Meta:
        verbose_name = "快照数据源"
        verbose_name_plural = "快照数据源"
        constraints = [models.UniqueConstraint(fields=["snapshot", "source"], name="exchange_source_once")]
        ordering = ["snapshot", "source"]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.source}"
