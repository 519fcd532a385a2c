"""儿童福利: the category case (受理 → 核实 → 认定, 民发〔2019〕62号) with each parent's situation and its
evidence, the decision with its rule version and inputs, and the village child director's monthly check
of every beneficiary (seed 004)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .rules import CHILD_LABELS, SITUATIONS


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", "已受理"
    VERIFIED = "verified", "已核实"
    APPROVED = "approved", "已认定"
    REJECTED = "rejected", "不予认定"


class CategoryCase(models.Model):
    """One application for a child's category (the casework model: state, version, region_code)."""

    state = models.CharField("状态", max_length=24, choices=CaseState.choices, default=CaseState.SUBMITTED)
    version = models.PositiveIntegerField(default=0)
    region_code = models.CharField("受理地", max_length=15, db_index=True)
    child = models.ForeignKey(
        "people.Person", verbose_name="儿童", on_delete=models.PROTECT, related_name="+"
    )
    # Declared only for the categories the parents' situations do not make (HIV-affected, key difficult,
    # guardianship-lacking); "" = decided from the parents.
    declared_category = models.CharField(
        "申报类别", max_length=24, blank=True, default="", choices=list(CHILD_LABELS.items())
    )
    in_institution = models.BooleanField("在福利机构养育", default=False)
    guardian_name = models.CharField("监护人/抚养人", max_length=64, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童保障类别认定"
        verbose_name_plural = "儿童保障类别认定"

    def __str__(self) -> str:
        return f"儿童类别认定#{self.pk}"


class ParentSituation(models.Model):
    """A parent's situation and the document that proves it (death certificate, court judgment …)."""

    case = models.ForeignKey(CategoryCase, on_delete=models.CASCADE, related_name="parents")
    parent = models.CharField("父/母", max_length=8, choices=[("father", "父亲"), ("mother", "母亲")])
    situation = models.CharField("情形", max_length=24, choices=list(SITUATIONS.items()))
    evidence_kind = models.CharField("证明材料", max_length=60, blank=True, default="")
    evidence_number = models.CharField("材料编号", max_length=60, blank=True, default="")
    evidence_date = models.DateField("出具日期", null=True, blank=True)
    evidence_issuer = models.CharField("出具机关", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "父母情形"
        verbose_name_plural = "父母情形"
        ordering = ["case", "parent"]
        constraints = [models.UniqueConstraint(fields=["case", "parent"], name="children_one_situation_each")]

    def __str__(self) -> str:
        return f"{self.get_parent_display()}{self.get_situation_display()}"


class CategoryDecision(models.Model):
    """The decision: what the rule answered on the day, with the rule version and the inputs it read."""

    case = models.OneToOneField(CategoryCase, on_delete=models.PROTECT, related_name="decision")
    approved = models.BooleanField("准予认定")
    category = models.CharField(
        "认定类别", max_length=24, blank=True, default="", choices=list(CHILD_LABELS.items())
    )
    monthly_amount = models.PositiveIntegerField("月保障金（元）", default=0)
    funding = models.CharField("资金来源", max_length=16, default="")
    rule_version = models.CharField("规则版本", max_length=32)
    inputs = models.JSONField("认定依据输入", default=dict)
    reasons = models.JSONField("认定理由", default=list)
    document_number = models.CharField("文号", max_length=40, unique=True)
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        "benefits.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "儿童保障认定决定"
        verbose_name_plural = "儿童保障认定决定"

    def __str__(self) -> str:
        return self.document_number


class MonthlyCheck(models.Model):
    """The child director's check of one beneficiary in one month (seed 004: every beneficiary monthly)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="儿童", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("核查月")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    seen = models.BooleanField("见到儿童本人", default=False)
    living_ok = models.BooleanField("基本生活有保障", default=False)
    schooling_ok = models.BooleanField("按时上学", default=False)
    health_ok = models.BooleanField("身体健康状况良好", default=False)
    guardian_ok = models.BooleanField("监护人履职到位", default=False)
    situation_unchanged = models.BooleanField("父母情形未变化", default=False)
    note = models.CharField("情况说明", max_length=300, blank=True, default="")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童月度核查"
        verbose_name_plural = "儿童月度核查"
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="children_one_check_a_month")]
        indexes = [models.Index(fields=["month", "region_code"], name="children_check_month")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"


class Referral(models.TextChoices):
    DIBAO = "dibao", "转入最低生活保障"
    TEKUN = "tekun", "转入特困人员救助供养"
    EMPLOYMENT = "employment", "转介就业服务"
    EDUCATION = "education", "继续就学（资助）"
    NONE = "none", "无需转介"


class TransitionReferral(models.Model):
    """At 18 the allowance ends; where the young adult was referred next (dibao, tekun, employment)."""

    enrolment = models.OneToOneField(
        "benefits.Enrolment", on_delete=models.PROTECT, related_name="+", verbose_name="儿童保障待遇"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    referred_to = models.CharField("转介去向", max_length=16, choices=Referral.choices)
    note = models.CharField("说明", max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "到龄转介"
        verbose_name_plural = "到龄转介"

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_referred_to_display()}"
