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
