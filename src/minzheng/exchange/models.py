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


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    ACCEPTED = "accepted", "已接收"
    ALREADY = "already", "此前已导入"
    REJECTED = "rejected", "已拒收"
    FAILED = "failed", "导入失败"


ACTIVE_JOB_STATUSES = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)


class ImportJob(models.Model):
    """One uploaded snapshot archive, imported in the background by `minzheng exchange run-job ID`
    (services.import_job_create / import_job_run). The archive waits under SNAPSHOT_DIR/`archive_path`
    until the worker has run; the outcome of the import itself is the linked Snapshot."""

    file_name = models.CharField("上传文件名", max_length=255)
    file_size = models.BigIntegerField("文件大小（字节）", default=0)
    archive_path = models.CharField("暂存压缩包", max_length=255, blank=True, default="")
    status = models.CharField(
        "状态", max_length=12, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED, db_index=True
    )
    stage = models.CharField("当前步骤", max_length=100, blank=True, default="")
    progress = models.FloatField("进度", default=0)
    region_code = models.CharField("所属区划", max_length=15, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip = models.CharField("IP地址", max_length=64, blank=True, default="")
    created_at = models.DateTimeField("上传时间", db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name="快照",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    message = models.TextField("结果", blank=True, default="")
    error = models.TextField("错误信息", blank=True, default="")
    pid = models.IntegerField("导入进程号", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pk} {self.file_name} {self.status}"

    @property
    def is_active(self) -> bool:
        """Queued or running, or accepted with the month's screening still running (the page polls)."""
        return self.status in ACTIVE_JOB_STATUSES or (
            self.status == ImportJobStatus.ACCEPTED and self.stage.startswith("本月筛查")
        )

    @property
    def message_lines(self) -> list[str]:
        return [line for line in self.message.splitlines() if line]

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.error.splitlines() if line]
