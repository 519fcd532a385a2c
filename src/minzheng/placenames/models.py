"""地名: the gazetteer of standard place names (with pinyin, meaning, history, coordinates and the approval
that made each one standard), the road-name reserve (备用地名库: names kept for roads not yet built) and the
naming / renaming applications (申请 → 审核 → 批准 or 驳回, the approval carrying its 文号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.regions.pinyin import toneless_pinyin

__all__ = ["toneless_pinyin"]  # the one folding rule, shared with the units' pinyin (regions)


class Category(models.TextChoices):
    ADMIN = "admin", "行政区划"
    ROAD = "road", "道路街巷"
    RESIDENTIAL = "residential", "居民区"
    NATURAL = "natural", "自然地理实体"
    BUILDING = "building", "建筑物"
    FACILITY = "facility", "交通运输设施"


class NameStatus(models.TextChoices):
    STANDARD = "standard", "标准地名"
    RESERVE = "reserve", "备用地名"
    RETIRED = "retired", "已废止"


class PlaceName(models.Model):
    name = models.CharField("标准名称", max_length=60, db_index=True)
    pinyin = models.CharField("汉语拼音", max_length=200)
    # the toneless search key of `pinyin` (pinyin_key), filled by the services
    pinyin_key = models.CharField("拼音检索键", max_length=200, blank=True, default="")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    meaning = models.TextField("含义", blank=True, default="")
    history = models.TextField("历史沿革", blank=True, default="")
    former_names = models.CharField("曾用名", max_length=200, blank=True, default="")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=NameStatus.choices, db_index=True)
    approval_no = models.CharField("批准文号", max_length=60, blank=True, default="")
    approved_on = models.DateField("批准日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "地名"
        verbose_name_plural = "地名"
        ordering = ["region_code", "category", "name"]

    def __str__(self) -> str:
        return self.name


class ApplicationKind(models.TextChoices):
    NAMING = "naming", "命名"
    RENAMING = "renaming", "更名"


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", "待审核"
    REVIEWED = "reviewed", "待批准"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class NamingApplication(models.Model):
    kind = models.CharField("申请类型", max_length=10, choices=ApplicationKind.choices)
    place = models.ForeignKey(
        PlaceName, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    proposed_name = models.CharField("拟用名称", max_length=60)
    pinyin = models.CharField("汉语拼音", max_length=200)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    reason = models.TextField("命名理由（含义）")
    applicant_unit = models.CharField("申请单位", max_length=100)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.APPLIED,
        db_index=True,
    )
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField("审核意见", blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_no = models.CharField("文号", max_length=60, blank=True, default="")
    decision_note = models.TextField("决定意见", blank=True, default="")
    decided_on = models.DateField("决定日期", null=True, blank=True)

    class Meta:
        verbose_name = "地名命名更名申请"
        verbose_name_plural = "地名命名更名申请"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.proposed_name}"
