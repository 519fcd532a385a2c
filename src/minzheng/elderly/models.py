"""The elder's own facts (老年人数据库): what the population registry does not know. Every resident aged
60 or more is an elder whether or not a profile exists; a profile is written when a fact is recorded
(living situation from a visit or the village's survey, capability level from an assessment)."""

from __future__ import annotations

from django.db import models


class LivingSituation(models.TextChoices):
    ALONE = "alone", "独居"
    EMPTY_NEST = "empty_nest", "空巢"
    LEFT_BEHIND = "left_behind", "农村留守"
    SPECIAL_FAMILY = "special_family", "计划生育特殊家庭"
    WITH_FAMILY = "with_family", "与子女共同生活"


# 特殊困难老年人 (探访关爱, 民发〔2020〕114号): visited every month.
SPECIAL_SITUATIONS = (
    LivingSituation.ALONE,
    LivingSituation.EMPTY_NEST,
    LivingSituation.LEFT_BEHIND,
    LivingSituation.SPECIAL_FAMILY,
)


class CapabilityLevel(models.IntegerChoices):
    """GB/T 42195-2022 老年人能力等级."""

    INTACT = 0, "能力完好"
    MILD = 1, "轻度失能"
    MODERATE = 2, "中度失能"
    SEVERE = 3, "重度失能"
    COMPLETE = 4, "完全失能"


class ElderProfile(models.Model):
    person = models.OneToOneField(
        "people.Person", verbose_name="老年人", on_delete=models.PROTECT, related_name="elder_profile"
    )
    # Denormalised from the person (as people do) so that scoped lists filter on one indexed column.
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    living_situation = models.CharField(
        "居住状况", max_length=16, choices=LivingSituation.choices, blank=True, default="", db_index=True
    )
    children_nearby = models.BooleanField("子女在本地", null=True, blank=True)
    situation_recorded_on = models.DateField("居住状况登记日期", null=True, blank=True)
    capability_level = models.PositiveSmallIntegerField(
        "能力等级", choices=CapabilityLevel.choices, null=True, blank=True, db_index=True
    )
    capability_assessed_on = models.DateField("能力评估日期", null=True, blank=True)
    # Set by the death hook: the file is closed, no assessment falls due, nothing is applied for.
    died_on = models.DateField("死亡日期（档案关闭）", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "老年人信息"
        verbose_name_plural = "老年人信息"

    def __str__(self) -> str:
        return f"老年人信息{self.person_id}"

    @property
    def is_special(self) -> bool:
        return self.living_situation in SPECIAL_SITUATIONS


class CapabilityAssessment(models.Model):
    """One recorded 老年人能力评估 (GB/T 42195-2022), by two assessors at the elder's home or a desk.
    The item scores are health data: reading them is audited (selectors.assessment_detail)."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="capability_assessments",
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    assessed_on = models.DateField("评估日期", db_index=True)
    assessor = models.ForeignKey(
        "accounts.User", verbose_name="评估员", on_delete=models.PROTECT, related_name="+"
    )
    second_assessor = models.ForeignKey(
        "accounts.User", verbose_name="第二评估员", on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField("各项得分")  # the 26 item codes → score (capability.PARTS)
    coma = models.BooleanField("昏迷", default=False)
    diagnosis = models.BooleanField("确诊痴呆或精神障碍", default=False)
    risk_events = models.JSONField("近30天照护风险事件", default=dict)
    scores = models.JSONField("各部分得分")
    total = models.PositiveSmallIntegerField("总分")
    preliminary_level = models.PositiveSmallIntegerField("初步等级", choices=CapabilityLevel.choices)
    level = models.PositiveSmallIntegerField("能力等级", choices=CapabilityLevel.choices)
    next_due = models.DateField("下次评估日期", db_index=True)
    reasons = models.JSONField("评定依据", default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "老年人能力评估"
        verbose_name_plural = "老年人能力评估"
        ordering = ("-assessed_on", "-pk")

    def __str__(self) -> str:
        return f"能力评估{self.pk}"


class SubsidyStatus(models.TextChoices):
    APPLIED = "applied", "待审批"
    GRANTED = "granted", "已批准"
    REFUSED = "refused", "不予批准"


class SubsidyIdentity(models.TextChoices):
    DIBAO = "dibao", "低保对象"
    TEKUN = "tekun", "特困人员"
    NONE = "none", "非低保特困对象"


class SubsidyApplication(models.Model):
    """经济困难高龄、失能老年人补贴 (财社〔2014〕113号): applied for by the township clerk, decided by the
    elderly officer; the decision keeps the rule version and the inputs it used (the "why")."""

    person = models.ForeignKey(
        "people.Person", verbose_name="申请人", on_delete=models.PROTECT, related_name="elder_subsidies"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=SubsidyStatus.choices, default=SubsidyStatus.APPLIED, db_index=True
    )
    applied_by = models.ForeignKey(
        "accounts.User", verbose_name="受理人", on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField("申请日期")
    note = models.CharField("备注", max_length=200, blank=True, default="")
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name="审批人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    identity = models.CharField(
        "困难身份", max_length=8, choices=SubsidyIdentity.choices, blank=True, default=""
    )
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    capability_level = models.PositiveSmallIntegerField(
        "能力等级", choices=CapabilityLevel.choices, null=True, blank=True
    )
    amount = models.PositiveIntegerField("月补贴金额", default=0)
    rule_version = models.CharField("政策版本", max_length=64, blank=True, default="")
    inputs = models.JSONField("使用的政策参数", default=dict)
    reasons = models.JSONField("审批依据", default=list)
    enrolment = models.ForeignKey(
        "benefits.Enrolment",
        verbose_name="发放",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "经济困难高龄失能老年人补贴申请"
        verbose_name_plural = "经济困难高龄失能老年人补贴申请"
        ordering = ("-applied_on", "-pk")

    def __str__(self) -> str:
        return f"老年人补贴申请{self.pk}"


class CareShareRecord(models.Model):
    """峡山区 institutional care of a disabled elder: the month's fee split by shares.care_share."""

    person = models.ForeignKey(
        "people.Person", verbose_name="老年人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    institution = models.CharField("照护机构", max_length=100)
    identity = models.CharField("身份", max_length=8)  # shares.IDENTITIES
    capability_level = models.PositiveSmallIntegerField("能力等级", choices=CapabilityLevel.choices)
    monthly_fee = models.PositiveIntegerField("月照护费")
    government_share = models.PositiveIntegerField("政府承担")
    self_share = models.PositiveIntegerField("个人承担")
    from_month = models.DateField("起始月")
    rule_version = models.CharField("政策版本", max_length=64)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "机构照护费用分担"
        verbose_name_plural = "机构照护费用分担"
        ordering = ("-from_month", "-pk")

    def __str__(self) -> str:
        return f"照护费用分担{self.pk}"


class CentralCareCost(models.Model):
    """任城 centralised care of a dibao disabled elder: one person-year's cost, dibao pays first and the
    charity fund fills the gap (dibao_paid + charity_paid == annual_cost)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="老年人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    annual_cost = models.PositiveIntegerField("年度照护成本")
    dibao_paid = models.PositiveIntegerField("低保金承担")
    charity_paid = models.PositiveIntegerField("慈善基金补足")
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "低保失能老人集中照护成本"
        verbose_name_plural = "低保失能老人集中照护成本"
        ordering = ("-year", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("person", "year"), name="elderly_central_care_once_a_year")
        ]

    def __str__(self) -> str:
        return f"集中照护成本{self.pk}"
