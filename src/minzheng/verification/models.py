from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from minzheng.assistance.models import Conclusion

__all__ = ["Conclusion", "VerificationReport"]


class VerificationReport(models.Model):
    """One household's verification against the month's departmental sources (专栏1: 13 departments,
    16 sources). Immutable: a re-verification is a new report. Stores masked identifiers only; the full
    figures are re-read from the snapshot (audited) when printed."""

    application = models.ForeignKey(
        "assistance.Application", on_delete=models.PROTECT, related_name="verifications"
    )
    region_code = models.CharField(max_length=15, db_index=True)
    snapshot_month = models.CharField("快照月份", max_length=7)
    snapshot_sha = models.CharField("快照清单sha256", max_length=64)
    rule_version = models.CharField("规则版本", max_length=32)
    conclusion = models.CharField("结论", max_length=10, choices=Conclusion.choices)
    members = models.JSONField("成员核对结果")
    totals = models.JSONField("家庭合计")
    tests = models.JSONField("政策检验")
    declared_vs_verified = models.JSONField("申报与核对比较")
    missing_sources = models.JSONField("未报送的数据源", default=list)
    warnings = models.JSONField("提示", default=list)  # e.g. the household is in none of the sources
    difficulty_index = models.PositiveSmallIntegerField("困难指数", null=True)
    difficulty_detail = models.JSONField("困难指数构成", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "核对报告"
        verbose_name_plural = "核对报告"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"核对报告#{self.pk} {self.get_conclusion_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("核对报告一经生成不能修改")
        super().save(*args, **kwargs)
