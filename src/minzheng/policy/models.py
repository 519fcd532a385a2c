from __future__ import annotations

from django.conf import settings
from django.db import models


class HukouScope(models.TextChoices):
    ANY = "", "城乡通用"
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class ParameterStatus(models.TextChoices):
    """Make-and-check: a row is proposed by one city officer and takes effect only once another approves
    it. Before its effective date a proposal can be withdrawn (proposer) or rejected (checker)."""

    PROPOSED = "proposed", "待复核"
    APPROVED = "approved", "已批准"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "已驳回"


# Rows that hold their slot (key, region, hukou, start): a withdrawn or rejected row frees it again.
LIVE_STATUSES = (ParameterStatus.PROPOSED, ParameterStatus.APPROVED)


class PolicyParameter(models.Model):
    """One dated policy figure (OpenFisca-style parameter): key, value, where, for whom, from when, and
    the source it cites. Only approved rows are in force; the most specific approved row wins (longer
    region prefix, then hukou). Written only by policy.services."""

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
    status = models.CharField(
        "状态",
        max_length=10,
        choices=ParameterStatus.choices,
        default=ParameterStatus.PROPOSED,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("撤回或驳回理由", max_length=200, blank=True, default="")
    # The approved row this one closed on approval, and that row's end date before: withdrawing this row
    # before its effective date restores it exactly.
    replaced = models.ForeignKey(
        "self", verbose_name="接替的参数", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_until = models.DateField("原终止日期", null=True, blank=True)
    # Rows proposed together as one proposal (the standards linked to consumption: every slot, both hukou
    # types, and the ratio): approved, rejected or withdrawn only together, never in part.
    batch = models.CharField("同一方案", max_length=32, blank=True, default="", db_default="", db_index=True)

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["key", "region_prefix", "hukou_type", "effective_from"]
        indexes = [models.Index(fields=["key", "effective_from"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "region_prefix", "hukou_type", "effective_from"],
                condition=models.Q(status__in=LIVE_STATUSES),
                name="policy_param_unique_live_start",
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
