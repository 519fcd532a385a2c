"""诚信救助 (曲阜 "儒乡曲阜·诚信救助", seed 002): the applicant's signed integrity commitment on the
application; false declarations found by the 核对 (declared vs verified beyond a tolerance) as findings on
the case; their consequences — the overpayment recovered (make-and-check) and a waiting period before the
household may apply again — and the integrity record on the person's file."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class Commitment(models.Model):
    application = models.OneToOneField(
        "assistance.Application",
        verbose_name="救助申请",
        on_delete=models.PROTECT,
        related_name="integrity_commitment",
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    signer = models.ForeignKey(
        "people.Person", verbose_name="承诺人", on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField("签署日期")
    number = models.CharField("承诺书编号", max_length=40, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "诚信承诺书"
        verbose_name_plural = "诚信承诺书"

    def __str__(self) -> str:
        return f"诚信承诺书{self.pk}"


class Item(models.TextChoices):
    INCOME = "income", "月收入"
    FINANCIAL = "financial", "金融资产"


# The 核对 report's comparison rows (verification.services: declared_vs_verified) name their item so.
ITEM_OF_LABEL = {"月收入": Item.INCOME, "金融资产": Item.FINANCIAL}


class FindingStatus(models.TextChoices):
    PENDING = (
        "pending",
        "待说明",
    )  # found by the 比对: the applicant is told and may explain before a decision
    RECORDED = "recorded", "已认定"  # decided: a false declaration, with its consequences
    EXPLAINED = (
        "explained",
        "已说明，不予认定",
    )  # decided: explained (the money was not hidden), closed, no wait
    WITHDRAWN = "withdrawn", "已撤销"


class Finding(models.Model):
    """One difference found: an item of one 核对 report whose verified amount exceeds the declared one by
    more than the tolerance (policy data of the county, on the report's day). It is first 待说明: the
    applicant is told and may explain until `explain_by` (policy data); the clerk records the explanation
    (or that none came in time), then the decision — a false declaration (the waiting period runs from the
    decision) or explained (closed, no consequence)."""

    application = models.ForeignKey(
        "assistance.Application", verbose_name="救助申请", on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        "verification.VerificationReport", verbose_name="核对报告", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    item = models.CharField("项目", max_length=16, choices=Item.choices)
    declared = models.DecimalField("申报（元）", max_digits=14, decimal_places=2)
    verified = models.DecimalField("核对（元）", max_digits=14, decimal_places=2)
    tolerance = models.DecimalField("容差", max_digits=6, decimal_places=4)
    found_on = models.DateField("认定日期")
    wait_until = models.DateField("再次申请等待期至", null=True, blank=True)  # set when decided false
    status = models.CharField(
        "状态", max_length=16, choices=FindingStatus.choices, default=FindingStatus.PENDING
    )
    explain_by = models.DateField("说明期限", null=True, blank=True)
    explanation = models.CharField("申请人说明", max_length=500, blank=True, default="")
    explained_on = models.DateField("说明登记日期", null=True, blank=True)  # no explanation: none in time
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_reason = models.CharField("决定理由", max_length=200, blank=True, default="")
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="认定人", on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.CharField("撤销理由", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "虚报认定"
        verbose_name_plural = "虚报认定"
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="integrity_one_finding_per_item")
        ]

    def __str__(self) -> str:
        return f"虚报认定{self.pk}"

    @property
    def gap(self) -> Decimal:
        return self.verified - self.declared


class RecoveryStatus(models.TextChoices):
    PROPOSED = "proposed", "待复核"
    APPROVED = "approved", "已批准追回"
    REFUSED = "refused", "复核不同意"
    SETTLED = "settled", "已追回完毕"


class Recovery(models.Model):
    """The overpayment to recover for one finding, computed from the payroll lines the case was paid;
    proposed by one officer and approved by another."""

    finding = models.OneToOneField(
        Finding, verbose_name="虚报认定", on_delete=models.PROTECT, related_name="recovery"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    amount = models.PositiveIntegerField("应追回金额（元）")
    paid_total = models.PositiveIntegerField("已发放合计（元）")
    months = models.PositiveSmallIntegerField("涉及发放月数")
    basis = models.CharField("计算说明", max_length=300)
    status = models.CharField(
        "状态", max_length=16, choices=RecoveryStatus.choices, default=RecoveryStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField("登记日期")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_on = models.DateField("复核日期", null=True, blank=True)
    note = models.CharField("复核意见", max_length=200, blank=True, default="")
    received = models.PositiveIntegerField("已收回（元）", default=0)

    class Meta:
        verbose_name = "追回记录"
        verbose_name_plural = "追回记录"

    def __str__(self) -> str:
        return f"追回记录{self.pk}"


class Repayment(models.Model):
    """An amount received against an approved recovery; the recovery is settled when they add up to it."""

    recovery = models.ForeignKey(
        Recovery, verbose_name="追回记录", on_delete=models.PROTECT, related_name="repayments"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    amount = models.PositiveIntegerField("收回金额（元）")
    received_on = models.DateField("收款日期")
    receipt_no = models.CharField("收据号", max_length=40, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "追回收款"
        verbose_name_plural = "追回收款"
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"追回收款{self.pk}"


class SampleDraw(models.Model):
    """县级抽查 (seed 002: approval delegated to the townships, the county checks): one county's random
    draw of the month's township dibao/tekun decisions, at the policy rate; drawn once per month. The seed
    is kept so the same draw can be repeated from the same pool."""

    county_code = models.CharField("县（市、区）", max_length=6)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    month = models.DateField("抽查月份")
    rate = models.DecimalField("抽查比例", max_digits=6, decimal_places=4)
    pool = models.PositiveIntegerField("当月审批决定数")
    seed = models.BigIntegerField("随机种子")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        verbose_name = "县级抽查"
        verbose_name_plural = "县级抽查"
        ordering = ["-month", "county_code"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "month"], name="integrity_one_draw_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}抽查"


class Verdict(models.TextChoices):
    PENDING = "pending", "待核查"
    AGREE = "agree", "同意乡镇决定"
    DISAGREE = "disagree", "不同意乡镇决定"


class SampleCase(models.Model):
    """One sampled township decision and the county's check of it (seen by the township)."""

    draw = models.ForeignKey(SampleDraw, verbose_name="抽查", on_delete=models.PROTECT, related_name="cases")
    decision = models.ForeignKey(
        "assistance.Decision", verbose_name="审批决定", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    verdict = models.CharField("核查意见", max_length=16, choices=Verdict.choices, default=Verdict.PENDING)
    reason = models.CharField("不同意理由", max_length=300, blank=True, default="")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_on = models.DateField("核查日期", null=True, blank=True)

    class Meta:
        verbose_name = "抽查案件"
        verbose_name_plural = "抽查案件"
        ordering = ["region_code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "decision"], name="integrity_sample_once_per_draw")
        ]

    def __str__(self) -> str:
        return f"抽查案件{self.pk}"
