"""特殊困难家庭 (淄博, seed 001) and the tekun file's targets (seed 002).

The five categories are not stored: they are read set-based from the registry, the enrolments, the
disability certificates, the capability assessments and the children's files (selectors.py). Stored here is
only what no other line records: a household recognised as 低保边缘 or 支出型困难, the festival condolence
lists (make-and-check), and on the tekun file the willingness to live in an institution and the insurance
of dispersed tekun per year."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HardshipKind(models.TextChoices):
    MARGIN = "margin", "低保边缘家庭"
    EXPENSE = "expense", "因伤因病支出型困难家庭"


class HardshipHousehold(models.Model):
    """A household recognised as 低保边缘 or 支出型困难 from `recognised_on` until `ended_on` (open)."""

    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("困难类型", max_length=12, choices=HardshipKind.choices)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    recognised_on = models.DateField("认定日期")
    ended_on = models.DateField("终止日期", null=True, blank=True)
    basis = models.CharField("认定依据", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "困难家庭认定"
        verbose_name_plural = "困难家庭认定"
        ordering = ["-recognised_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_hardship_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"


class Festival(models.TextChoices):
    SPRING = "spring", "春节"
    MID_AUTUMN = "mid_autumn", "中秋节"
    NATIONAL_DAY = "national_day", "国庆节"


class CondolenceState(models.TextChoices):
    DRAFT = "draft", "待审定"
    DECIDED = "decided", "已审定（随当月名册发放）"


class CondolenceRun(models.Model):
    """One county's festival condolence list: prepared (made) by one officer from the severely disabled
    members of special-difficulty families, decided (checked) by another; the decision enrols each line
    once (programme sf_festival), paid by the county's payroll of `month`."""

    county_code = models.CharField("县(市、区)", max_length=6, db_index=True)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    festival = models.CharField("节日", max_length=16, choices=Festival.choices)
    year = models.PositiveSmallIntegerField("年度")
    month = models.DateField("发放月")
    amount = models.PositiveIntegerField("每人金额（元）")
    state = models.CharField(
        "状态", max_length=10, choices=CondolenceState.choices, default=CondolenceState.DRAFT
    )
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "节日慰问金名单"
        verbose_name_plural = "节日慰问金名单"
        ordering = ["-year", "-month", "county_code"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "festival", "year"], name="one_condolence_run")
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_festival_display()}慰问金"


class CondolenceLine(models.Model):
    run = models.ForeignKey(CondolenceRun, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(
        "people.Person", verbose_name="慰问对象", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    categories = models.CharField("类别", max_length=20)  # "1,3": the category numbers of CATEGORIES
    amount = models.PositiveIntegerField("金额（元）")
    enrolment = models.ForeignKey(
        "benefits.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "节日慰问对象"
        verbose_name_plural = "节日慰问对象"
        ordering = ["region_code", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="one_condolence_per_person")]

    def __str__(self) -> str:
        return f"慰问对象#{self.pk}"


class TekunWillingness(models.Model):
    """On the tekun file: whether the person is willing to live in an institution (集中供养意愿), as
    asked on `asked_on`; the latest record counts."""

    person = models.ForeignKey(
        "people.Person", verbose_name="特困人员", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    asked_on = models.DateField("询问日期")
    willing = models.BooleanField("愿意集中供养")
    note = models.CharField("说明", max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "集中供养意愿"
        verbose_name_plural = "集中供养意愿"
        ordering = ["-asked_on", "-pk"]

    def __str__(self) -> str:
        return f"集中供养意愿#{self.pk}"


class TekunInsurance(models.Model):
    """Illness/accident insurance bought for a dispersed tekun person for one year (seed 002)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="特困人员", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("保险年度")
    insurer = models.CharField("承保机构", max_length=100)
    policy_no = models.CharField("保单号", max_length=40)
    premium = models.DecimalField("保费（元）", max_digits=9, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "分散供养特困人员保险"
        verbose_name_plural = "分散供养特困人员保险"
        ordering = ["-year", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="one_tekun_insurance_a_year")]

    def __str__(self) -> str:
        return f"{self.year}年度保险#{self.pk}"
