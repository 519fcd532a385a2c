"""The cockpit's stored figures: one row per month × region × measure (× detail: a programme or a rule),
written once by `cockpit_month_compute`, so the cockpit of a month reads the same tomorrow as today; and the
plan-target values the system does not hold, entered with their evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CockpitFigure(models.Model):
    month = models.DateField("月份", db_index=True)  # the first day of the month
    region_code = models.CharField("区划", max_length=15)
    measure = models.CharField("指标", max_length=24)
    detail = models.CharField("细分", max_length=40, blank=True, default="")  # programme or rule code
    label = models.CharField("细分名称", max_length=100, blank=True, default="")
    value = models.DecimalField("数值", max_digits=16, decimal_places=2)
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)

    class Meta:
        verbose_name = "驾驶舱指标"
        verbose_name_plural = "驾驶舱指标"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region_code", "measure", "detail"], name="cockpit_figure_unique"
            )
        ]
        indexes = [models.Index(fields=["region_code", "month"], name="cockpit_region_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_code} {self.measure} {self.detail}"


class TargetEntry(models.Model):
    """A plan target's value for a year where the system holds no data (e.g. experimental zones): who
    entered it, from what evidence. The latest entry of a year counts; earlier ones stay as history."""

    target = models.CharField("规划目标", max_length=32, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    evidence = models.CharField("依据材料", max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "规划目标填报值"
        verbose_name_plural = "规划目标填报值"
        ordering = ["target", "year", "entered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.target} {self.year}"


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", "月报"
    QUARTERLY = "quarterly", "季报"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FILED = "filed", "已报出"


class StatReport(models.Model):
    """统计报表: one version of a region's monthly or quarterly statistical report, in the layout a bureau
    files upward. Its tables are stored as generated (a filed report reads the same forever); once filed it
    is locked; a correction is a new version of the same period and region (v2 keeps v1)."""

    kind = models.CharField("报表类型", max_length=10, choices=ReportKind.choices)
    period_start = models.DateField("统计期起")
    period_end = models.DateField("统计期止")
    region_code = models.CharField("填报单位区划", max_length=15, db_index=True)
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    tables = models.JSONField("报表内容")
    correction_reason = models.CharField("更正原因", max_length=300, blank=True, default="")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField("生成时间")
    unit_head = models.CharField("单位负责人", max_length=64, blank=True, default="")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("报出时间", null=True, blank=True)

    class Meta:
        verbose_name = "统计报表"
        verbose_name_plural = "统计报表"
        ordering = ["-period_start", "region_code", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "region_code", "version"], name="stat_report_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%Y-%m} {self.region_code} v{self.version}"
