"""A desk job: work an officer starts from a page that is too long for a request (a month's payroll roll,
an Excel export above EXPORT_JOB_ROWS rows, a township's decision letters as one zip), run by the job
queue's worker and followed on 我的任务 (/jobs/). What the job does is its kind's, registered by the app
that owns it (registry.py); the row is the page's channel: state, stage, progress, error, the file made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class DeskJobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


ACTIVE_STATUSES = (DeskJobStatus.QUEUED, DeskJobStatus.RUNNING)


class DeskJob(models.Model):
    kind = models.CharField("任务类型", max_length=40)
    title = models.CharField("任务", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属区划", max_length=15, db_index=True)
    # What the kind needs to run (county and month, search terms …); emptied when the job ends.
    params = models.JSONField("参数", default=dict, blank=True)
    # Jobs with the same key (e.g. one county's roll for one month) never wait or run twice at once.
    dedupe_key = models.CharField("去重键", max_length=120, blank=True, default="")
    status = models.CharField(
        "状态", max_length=10, choices=DeskJobStatus.choices, default=DeskJobStatus.QUEUED, db_index=True
    )
    stage = models.CharField("当前步骤", max_length=100, blank=True, default="")
    progress = models.FloatField("进度", default=0)
    message = models.CharField("结果", max_length=300, blank=True, default="")
    error = models.TextField("错误信息", blank=True, default="")
    result_url = models.CharField("结果页面", max_length=200, blank=True, default="")
    result_pk = models.BigIntegerField("结果记录", null=True, blank=True)  # e.g. the payroll roll made
    file_path = models.CharField("文件", max_length=255, blank=True, default="")  # under JOB_FILES_DIR
    file_name = models.CharField("文件名", max_length=200, blank=True, default="")
    file_size = models.BigIntegerField("文件大小（字节）", default=0)
    content_type = models.CharField("文件类型", max_length=100, blank=True, default="")
    ip = models.CharField("IP地址", max_length=64, blank=True, default="")
    pid = models.IntegerField("任务进程号", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    # Declared so that mypy's Django plugin, which reads the installed checkout's settings, knows it.
    objects: models.Manager[DeskJob] = models.Manager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="deskjob_owner_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="deskjob_one_active_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        return round(self.progress * 100)
