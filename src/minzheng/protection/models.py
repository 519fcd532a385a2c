"""未成年人保护个案 and 收养: the most sensitive records of the system. A case is read only by its assigned
workers and by the county child-welfare officers who assign them (selectors.case_readable); every read is
audited (services.case_view)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.core.masking import mask_phone

# The workflows' states (workflow.py), here so a row can name its own state in a list.
PROTECTION_STATES = (
    ("new", "新登记"),
    ("reported", "待风险评估"),
    ("assessed", "待个案会商"),
    ("conferenced", "待制定方案"),
    ("planned", "方案落实中"),
    ("following", "跟踪回访中"),
    ("closed", "已结案"),
)
ADOPTION_STATES = (
    ("new", "新登记"),
    ("applied", "待评估"),
    ("assessed", "待登记"),
    ("registered", "待发证"),
    ("certified", "待归档"),
    ("archived", "已归档"),
    ("refused", "不予登记"),
)


class Source(models.TextChoices):
    HOTLINE = "hotline", "12345热线"
    SCHOOL = "school", "学校"
    HOSPITAL = "hospital", "医院"
    POLICE = "police", "公安机关"
    MANDATORY = "mandatory", "强制报告责任人"


class RiskLevel(models.TextChoices):
    LOW = "low", "低风险"
    MEDIUM = "medium", "中风险"
    HIGH = "high", "高风险"


class Duty(models.TextChoices):
    DIRECTOR = "director", "儿童主任"
    SUPERVISOR = "supervisor", "儿童督导员"
    OFFICER = "officer", "儿童福利科经办人"


class MeasureKind(models.TextChoices):
    GUARDIANSHIP = "guardianship", "民政部门临时监护"
    POLICE = "police", "转介公安机关"
    SCHOOL = "school", "转介学校"
    HEALTH = "health", "转介卫生健康部门"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "待落实"
    ACTIVE = "active", "落实中"
    DONE = "done", "已完成"


class ProtectionCase(models.Model):
    workflow = models.CharField(max_length=32, default="protection")
    state = models.CharField("状态", max_length=24, db_index=True)
    version = models.PositiveIntegerField(default=0)
    region_code = models.CharField("受理地", max_length=15, db_index=True)
    child = models.ForeignKey(
        "people.Person", verbose_name="儿童", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("报告来源", max_length=16, choices=Source.choices)
    summary = models.TextField("报告内容")
    reporter_name = models.CharField("报告人", max_length=64, blank=True, default="")
    # The reporter is protected like the child: the phone is encrypted and only ever shown masked.
    reporter_phone_enc = models.TextField("报告人电话（密文）", blank=True, default="")
    reported_on = models.DateField("报告日期")
    risk_level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, blank=True, default="")
    risk_score = models.PositiveSmallIntegerField("风险评分", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closure_note = models.TextField("结案意见", blank=True, default="")

    class Meta:
        verbose_name = "未成年人保护个案"
        verbose_name_plural = "未成年人保护个案"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"未成年人保护个案#{self.pk}"

    @property
    def state_label(self) -> str:
        return dict(PROTECTION_STATES).get(self.state, "")

    @property
    def reporter_phone_masked(self) -> str:
        from minzheng.core import crypto

        return mask_phone(crypto.decrypt(self.reporter_phone_enc)) if self.reporter_phone_enc else ""


class Assignment(models.Model):
    """Who works on a case (recorded, never inferred from a role): only they read it."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    duty = models.CharField("职责", max_length=12, choices=Duty.choices)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "个案分派"
        verbose_name_plural = "个案分派"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(active=True),
                name="protection_one_active_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_duty_display()}#{self.user_id}"


class RiskAssessment(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="assessments")
    answers = models.JSONField("评估项")  # {item code: true}
    score = models.PositiveSmallIntegerField("评分")
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    note = models.TextField("评估意见", blank=True, default="")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"风险评估#{self.pk}"


class Conference(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField("会商日期")
    participants = models.TextField("参会人员")
    decisions = models.TextField("会商决定")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"个案会商#{self.pk}"


class Measure(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField("措施", max_length=16, choices=MeasureKind.choices)
    detail = models.CharField("内容", max_length=300)
    status = models.CharField(
        "状态", max_length=8, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.get_kind_display())


class FollowUp(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="followups")
    visited_on = models.DateField("回访日期")
    note = models.TextField("回访情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"回访#{self.pk}"


# ---------------------------------------------------------------- 收养
class AdoptableChild(models.Model):
    """A child held by a welfare institution who may be adopted (机构内可送养儿童)."""

    person = models.OneToOneField(
        "people.Person", verbose_name="儿童", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("机构所在地", max_length=15, db_index=True)
    institution = models.CharField("送养机构", max_length=100)
    since = models.DateField("可送养认定日期")
    placed = models.BooleanField("已被收养", default=False)

    class Meta:
        verbose_name = "可送养儿童"
        verbose_name_plural = "可送养儿童"

    def __str__(self) -> str:
        return f"可送养儿童#{self.pk}"


class Adoption(models.Model):
    workflow = models.CharField(max_length=32, default="adoption")
    state = models.CharField("状态", max_length=24, db_index=True)
    version = models.PositiveIntegerField(default=0)
    region_code = models.CharField("登记机关所在地", max_length=15, db_index=True)
    child = models.ForeignKey(
        AdoptableChild, verbose_name="被收养人", on_delete=models.PROTECT, related_name="+"
    )
    adopters = models.CharField("收养人", max_length=100)
    # The adopters' 身份证号: the full numbers only encrypted; the certificate and pages show the masks.
    adopter_ids_enc = models.TextField("收养人身份证号（密文）", blank=True, default="")
    adopter_ids_masked = models.CharField("收养人身份证号（脱敏）", max_length=60, blank=True, default="")
    adopter_address = models.CharField("收养人住址", max_length=200)
    applied_on = models.DateField("申请日期")
    assessment_answers = models.JSONField("评估项", default=dict)
    assessment_score = models.PositiveSmallIntegerField("评估得分", null=True, blank=True)
    home_visit_on = models.DateField("家访日期", null=True, blank=True)
    home_visit_note = models.TextField("家访记录", blank=True, default="")
    registration_number = models.CharField("收养登记号", max_length=32, blank=True, default="")
    registered_on = models.DateField("登记日期", null=True, blank=True)
    certificate_number = models.CharField("收养登记证字号", max_length=32, blank=True, default="")
    archive_number = models.CharField("档案号", max_length=32, blank=True, default="")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "收养登记"
        verbose_name_plural = "收养登记"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"收养登记#{self.pk}"

    @property
    def state_label(self) -> str:
        return dict(ADOPTION_STATES).get(self.state, "")
