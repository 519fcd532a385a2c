from __future__ import annotations

from django.conf import settings
from django.db import models

from .engine.rules import SEVERITY_LABELS


class RunStatus(models.TextChoices):
    RUNNING = "running", "运行中"
    PUBLISHED = "published", "已发布"
    FAILED = "failed", "失败"
    SUPERSEDED = "superseded", "已被新结果替代"


class ScreeningRun(models.Model):
    """One monthly screening. Its alerts become visible only when the run is published, in one
    transaction at the end: a crash leaves the month's previously published results in place."""

    month = models.CharField("月份", max_length=7, db_index=True)
    engine = models.CharField("引擎", max_length=8, default="duckdb")
    status = models.CharField("状态", max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    progress = models.FloatField("进度", default=0)
    stage = models.CharField("当前步骤", max_length=100, blank=True, default="")
    snapshot_sha = models.CharField(max_length=64, blank=True, default="")
    summary = models.JSONField(default=dict)
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "监测批次"
        verbose_name_plural = "监测批次"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.month} {self.get_status_display()}"


class WorkStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已签收"
    CASE_OPENED = "case_opened", "已立案办理"
    DISMISSED = "dismissed", "已排除"
    CLOSED = "closed", "已办结"


TREND_LABELS = {"new": "新增", "persisting": "持续", "resolved": "已解除"}


class Alert(models.Model):
    """One finding of one rule for one person/household in one month (跟踪 to closure)."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="alerts")
    month = models.CharField("月份", max_length=7, db_index=True)
    rule = models.CharField("规则", max_length=40, db_index=True)
    rule_name = models.CharField("规则名称", max_length=100, default="")
    severity = models.CharField("严重程度", max_length=8)
    severity_rank = models.PositiveSmallIntegerField(default=2)
    programme = models.CharField("项目", max_length=16, blank=True, default="")
    action = models.CharField("建议处理", max_length=200, blank=True, default="")
    id_hash = models.CharField(max_length=64, db_index=True)
    id_masked = models.CharField("身份证号", max_length=18)
    household_no = models.CharField("户编号", max_length=32, blank=True, default="")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("区划", max_length=15, db_index=True)
    evidence = models.JSONField("依据")
    difficulty_index = models.PositiveSmallIntegerField("困难指数", null=True, blank=True)
    trend = models.CharField("与上月比较", max_length=12)  # new / persisting / resolved
    work_status = models.CharField(
        "处理状态", max_length=16, choices=WorkStatus.choices, default=WorkStatus.OPEN, db_index=True
    )
    note = models.CharField("处理说明", max_length=300, blank=True, default="")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "监测预警"
        verbose_name_plural = "监测预警"
        indexes = [models.Index(fields=["region_code", "work_status"])]

    def __str__(self) -> str:
        return f"{self.month} {self.rule} {self.id_masked}"

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def trend_label(self) -> str:
        return TREND_LABELS.get(self.trend, self.trend)
