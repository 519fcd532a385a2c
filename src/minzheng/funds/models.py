"""Funding channels (救助资金渠道, seed 002 “济时救”): the funds a county pays assistance from, by source
(fiscal budget, charity donation, welfare-lottery fund, social money), their income (made and checked by two
people) and spending (one entry per payroll run, one-off grant or service settlement that drew on them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class FundSource(models.TextChoices):
    BUDGET = "budget", "财政预算"
    CHARITY = "charity", "慈善捐赠"
    LOTTERY = "lottery", "福彩公益金"
    SOCIAL = "social", "社会资金"


class Fund(models.Model):
    """A county's fund. A fund of charity donations may be a charity fund of the charity line
    (`charity_fund_code`): its income are that fund's donations and its spending is drawn there too, so the
    money is counted once."""

    name = models.CharField("资金名称", max_length=100)
    source = models.CharField("资金来源", max_length=12, choices=FundSource.choices)
    county_code = models.CharField("县(市、区)", max_length=6, db_index=True)
    charity_fund_code = models.CharField("关联慈善基金", max_length=32, blank=True, default="")
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "救助资金"
        verbose_name_plural = "救助资金"
        ordering = ("county_code", "source", "pk")
        constraints = [models.UniqueConstraint(fields=["county_code", "name"], name="fund_name_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.county_code


class EntryKind(models.TextChoices):
    INCOME = "income", "收入"
    SPENDING = "spending", "支出"


class IncomeKind(models.TextChoices):
    ALLOCATION = "allocation", "资金拨付"
    DONATION = "donation", "捐赠收入"
    RECOVERY = "recovery", "追回资金"


class EntryStatus(models.TextChoices):
    PENDING = "pending", "待复核"
    CONFIRMED = "confirmed", "已入账"
    REJECTED = "rejected", "已退回"


class SpendingLine(models.TextChoices):
    PAYROLL = "payroll", "月度发放名册"
    GRANT = "grant", "临时救助"
    SERVICE = "service", "社会救助服务类结算"
    CARE = "care", "特殊困难家庭照护服务结算"


class FundEntry(models.Model):
    """One line of a fund's ledger. Income waits (pending) until another person confirms it; spending is
    booked confirmed by the service that paid (its own make-and-check happened there). `reference` makes a
    re-run draw once."""

    fund = models.ForeignKey(Fund, verbose_name="资金", on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("收支", max_length=8, choices=EntryKind.choices)
    income_kind = models.CharField(
        "收入类型", max_length=12, choices=IncomeKind.choices, blank=True, default=""
    )
    spending_line = models.CharField(
        "支出业务", max_length=12, choices=SpendingLine.choices, blank=True, default=""
    )
    status = models.CharField("状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    month = models.DateField("所属月份")
    booked_on = models.DateField("记账日期")
    note = models.CharField("摘要", max_length=200, blank=True, default="")
    reference = models.CharField("业务单号", max_length=64, blank=True, default="")
    # the programme whose money came back (a recovery's income), so recovered money is read by programme
    programme = models.CharField("项目", max_length=16, blank=True, default="")
    # the one-off grant (a temporary-assistance enrolment) this spending paid, so its payroll line is not
    # paid twice
    enrolment = models.ForeignKey(
        "benefits.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("复核时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "资金收支"
        verbose_name_plural = "资金收支"
        ordering = ("-booked_on", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_positive"),
            models.UniqueConstraint(
                fields=["fund", "reference"], condition=~Q(reference=""), name="fund_entry_reference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.get_kind_display()} {self.amount}"


class FundDefault(models.Model):
    """Which fund pays a programme's lines in a county (data, set by the county): the payroll lines of the
    programme, and a one-off grant when no other fund is chosen. `programme` is a registered programme
    code, or `service` for the social-assistance services bought from providers."""

    programme = models.CharField("项目", max_length=16)
    county_code = models.CharField("县(市、区)", max_length=6, db_index=True)
    fund = models.ForeignKey(Fund, verbose_name="资金", on_delete=models.PROTECT, related_name="defaults")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "默认资金来源"
        verbose_name_plural = "默认资金来源"
        constraints = [models.UniqueConstraint(fields=["programme", "county_code"], name="fund_default_once")]

    def __str__(self) -> str:
        return f"{self.county_code} {self.programme} → {self.fund_id}"

    @property
    def region_code(self) -> str:
        return self.county_code


class WaitingRecovery(models.Model):
    """待入账追回款: money recovered for a programme while its county had no fund for it. It is not lost: it
    waits here, visible on the funds page and in the fund keeper's to-do, and is booked (as pending income,
    made and checked as any recovery) as soon as the county sets a fund for the programme."""

    programme = models.CharField("项目", max_length=16)
    county_code = models.CharField("县(市、区)", max_length=6, db_index=True)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    received_on = models.DateField("收款日期")
    reference = models.CharField("业务单号", max_length=64, unique=True)
    note = models.CharField("摘要", max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    entry = models.OneToOneField(
        FundEntry, verbose_name="入账记录", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "待入账追回款"
        verbose_name_plural = "待入账追回款"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_waiting_positive")]

    def __str__(self) -> str:
        return f"{self.county_code} {self.programme} {self.amount}"

    @property
    def region_code(self) -> str:
        return self.county_code
