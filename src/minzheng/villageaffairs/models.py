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


# ---------------------------------------------------------------- 明查暗访
class InspectionMode(models.TextChoices):
    OPEN = "open", "明查"
    UNANNOUNCED = "unannounced", "暗访"


class Inspection(models.Model):
    """An inspection of village-affairs disclosure by a township or the county (seed 000: 40+ a year)."""

    region_code = models.CharField("检查单位区划", max_length=15, db_index=True)
    mode = models.CharField("方式", max_length=12, choices=InspectionMode.choices)
    held_on = models.DateField("检查日期")
    villages = models.JSONField("检查的村(社区)", default=list)  # village codes, all inside region_code
    note = models.CharField("说明", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "明查暗访"
        verbose_name_plural = "明查暗访"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_mode_display()}"


class FindingState(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改待复核"
    CLOSED = "closed", "复核通过"


class Finding(models.Model):
    """A problem found in one village; its rectification is recorded by one person and checked by another."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    item = models.ForeignKey(
        CatalogueItem,
        verbose_name="涉及事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem = models.CharField("问题", max_length=500)
    rectify_by = models.DateField("整改期限")
    state = models.CharField("状态", max_length=10, choices=FindingState.choices, default=FindingState.OPEN)
    rectification = models.TextField("整改情况", blank=True, default="")
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rectified_on = models.DateField("整改日期", null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField("复核日期", null=True, blank=True)
    check_note = models.CharField("复核意见", max_length=300, blank=True, default="")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.problem[:30]


# ---------------------------------------------------------------- 议事协商
class Matter(models.Model):
    """A matter of the village's deliberation (议事协商) run on `minzheng.casework` through the seven steps;
    what each step recorded is a `MatterStep`."""

    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    title = models.CharField("议题", max_length=100)
    proposer = models.CharField("提议人", max_length=60)
    state = models.CharField("环节", max_length=24, db_index=True)
    version = models.PositiveIntegerField(default=0)
    outcome = models.TextField("协商结果", blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "议事协商事项"
        verbose_name_plural = "议事协商事项"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


class MatterStep(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField("环节", max_length=24)
    on = models.DateField("日期")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField("情况", blank=True, default="")
    file = models.FileField("附件", upload_to="villageaffairs/matters/%Y/", blank=True, default="")
    original_name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "议事协商环节记录"
        verbose_name_plural = "议事协商环节记录"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return self.step


# ---------------------------------------------------------------- 一述两问三评四定
class CadrePost(models.TextChoices):
    DIRECTOR = "director", "村委会主任"
    SECRETARY = "secretary", "村党组织书记"
    MEMBER = "member", "“两委”成员"


class CadreGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


class CadreReview(models.Model):
    """One 阳光报告会 review of a village cadre (seed 001, 平原县): 一述 the report, 两问 the villagers'
    questions and the ideas asked of them, 三评 three scorings, 四定 goal, measures, who and by when; the
    grade follows the policy's score lines (民主评议, 村民委员会组织法第三十三条)."""

    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    cadre_name = models.CharField("村干部", max_length=40)
    post = models.CharField("职务", max_length=12, choices=CadrePost.choices)
    held_on = models.DateField("报告会日期")
    report = models.TextField("述职（一述）")
    questions = models.TextField("群众提问（问）")
    suggestions = models.TextField("向群众问计（问）", blank=True, default="")
    score_representatives = models.DecimalField("村民代表评分", max_digits=4, decimal_places=1)
    score_party = models.DecimalField("党员评分", max_digits=4, decimal_places=1)
    score_township = models.DecimalField("乡镇评分", max_digits=4, decimal_places=1)
    total = models.DecimalField("综合得分", max_digits=4, decimal_places=1)
    grade = models.CharField("评议结果", max_length=12, choices=CadreGrade.choices)
    goal = models.CharField("定目标", max_length=300)
    measures = models.CharField("定措施", max_length=300)
    responsible = models.CharField("定责任人", max_length=60)
    due_on = models.DateField("定完成时限")
    policy_version = models.CharField(max_length=64, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "村干部述职评议"
        verbose_name_plural = "村干部述职评议"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.cadre_name} {self.held_on}"
