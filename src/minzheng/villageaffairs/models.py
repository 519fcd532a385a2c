"""村务公开 (三务公开): the catalogue of items a village must disclose, each village's disclosures per period
with their revisions and attachments, and the question ledger (问题台账) of villagers' questions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Category(models.TextChoices):
    PARTY = "party", "党务"
    VILLAGE = "village", "村务"
    FINANCE = "finance", "财务"
    ASSETS = "assets", "三资"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"
    EVENT = "event", "随时（按事项）"


class CatalogueItem(models.Model):
    """One item of the 三务公开 catalogue (30 三务 + 6 三资), loaded as data by migration 0002."""

    code = models.CharField("编号", max_length=8, unique=True)
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    name = models.CharField("公开事项", max_length=100)
    frequency = models.CharField("公开周期", max_length=10, choices=Frequency.choices)
    # A yearly item is due in this month of the year (a quarterly one in the last month of each quarter).
    due_month = models.PositiveSmallIntegerField("年度公开月份", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    source = models.CharField("目录依据", max_length=300, default="")
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "三务公开目录事项"
        verbose_name_plural = "三务公开目录事项"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Disclosure(models.Model):
    """An item published by one village for one period (month, YYYY-MM). A correction never overwrites it
    in silence: every version is a `DisclosureRevision`; this row holds the current one."""

    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    period = models.CharField("公开期", max_length=7, db_index=True)
    item = models.ForeignKey(
        CatalogueItem, verbose_name="公开事项", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("公开内容")
    published_on = models.DateField("公开日期")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "村务公开"
        verbose_name_plural = "村务公开"
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "period", "item"], name="villageaffairs_one_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.item}"


class DisclosureRevision(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField("版本")
    text = models.TextField("公开内容")
    published_on = models.DateField("公开日期")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("更正原因", max_length=300, blank=True, default="")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "村务公开版本"
        verbose_name_plural = "村务公开版本"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "number"], name="villageaffairs_revision_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}版"


class Attachment(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="attachments")
    revision = models.PositiveIntegerField("随第几版上传")
    file = models.FileField("文件", upload_to="villageaffairs/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "村务公开附件"
        verbose_name_plural = "村务公开附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class QuestionState(models.TextChoices):
    OPEN = "open", "待交办"
    ASSIGNED = "assigned", "办理中"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已销号"


class Question(models.Model):
    """A villager's question (质询) in the village's 问题台账: recorded, assigned, answered, then closed
    (销号) one by one; once closed its answer is on the village's public list."""

    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="提问村民",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    asker = models.CharField("提问人", max_length=40, blank=True, default="")
    item = models.ForeignKey(
        CatalogueItem,
        verbose_name="涉及事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("问题")
    raised_on = models.DateField("提出日期")
    due_on = models.DateField("答复期限")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN)
    assignee = models.CharField("承办人（单位）", max_length=60, blank=True, default="")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    answer = models.TextField("答复", blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField("答复日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "村民问题"
        verbose_name_plural = "问题台账"
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="villageaffairs_q_due")]

    def __str__(self) -> str:
        return f"问题#{self.pk}"
