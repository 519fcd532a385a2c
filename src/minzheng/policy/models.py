from __future__ import annotations

from django.conf import settings
from django.db import models


class HukouScope(models.TextChoices):
    ANY = "", "城乡通用"
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class PolicyParameter(models.Model):
    """One dated policy figure (OpenFisca-style parameter): key, value, where, for whom, from when, and
    the source it cites. The most specific row in force wins (longer region prefix, then hukou)."""

    key = models.CharField("参数", max_length=64, db_index=True)
    label = models.CharField("名称", max_length=100, default="")
    value = models.DecimalField("数值", max_digits=14, decimal_places=4)
    unit = models.CharField("单位", max_length=24, blank=True, default="")
    region_prefix = models.CharField("适用区划（空=全市）", max_length=15, blank=True, default="")
    hukou_type = models.CharField("城乡", max_length=8, choices=HukouScope.choices, blank=True, default="")
    effective_from = models.DateField("起始日期")
    effective_to = models.DateField("终止日期", null=True, blank=True)
    source = models.CharField("依据", max_length=200, default="")
    dataset = models.CharField("参数集版本", max_length=32, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["key", "region_prefix", "hukou_type", "effective_from"]
        indexes = [models.Index(fields=["key", "effective_from"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "region_prefix", "hukou_type", "effective_from"],
                name="policy_param_unique_start",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="policy_param_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.region_prefix or '全市'} {self.hukou_type or '城乡'}"
        return f"{self.key}={self.value} ({where} 自{self.effective_from})"
