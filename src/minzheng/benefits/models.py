from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from minzheng.core import crypto
from minzheng.programmes.registry import programme_name


class ProgrammeNamed:
    """`programme` holds a code of the programme registry (checked by the services that write it, not by
    `choices`, so a new line needs no migration here); people read the registered name."""

    programme: str

    def get_programme_display(self) -> str:
        return programme_name(self.programme)


class Enrolment(ProgrammeNamed, models.Model):
    """Who gets what: the one table payroll, screening and the person page read (architecture.md).
    Only the owning programme's services write it. Months are stored as the first day of the month;
    payment covers first_month..last_month inclusive (last_month null = open)."""

    programme = models.CharField("项目", max_length=16, db_index=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="领取人", on_delete=models.PROTECT, related_name="enrolments"
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name="家庭户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    monthly_amount = models.PositiveIntegerField("月发放金额（元）")
    members_covered = models.PositiveSmallIntegerField("保障人数", default=1)
    first_month = models.DateField("起始月")
    last_month = models.DateField("终止月", null=True, blank=True)
    tier = models.CharField("档次/类别", max_length=32, blank=True, default="")
    source_type = models.CharField("依据类型", max_length=32, default="")
    source_id = models.CharField("依据编号", max_length=32, default="")
    rule_version = models.CharField("规则版本", max_length=32, default="")
    end_reason = models.CharField("终止原因", max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "保障待遇"
        verbose_name_plural = "保障待遇"
        indexes = [models.Index(fields=["programme", "first_month", "last_month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_month__isnull=True) | Q(last_month__gte=models.F("first_month")),
                name="enrolment_months_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.person_id} {self.monthly_amount}元"


class PayrollStatus(models.TextChoices):
    DRAFT = "draft", "待审核"
    FROZEN = "frozen", "已审核冻结"


class PayrollRun(models.Model):
    """One county's payroll for one month. Made by one person (generated_by) and checked and frozen by
    another (checked_by); never edited after freezing: corrections go to a later roll."""

    county_code = models.CharField("县(市、区)", max_length=6)
    month = models.DateField("发放月")
    status = models.CharField(
        "状态", max_length=8, choices=PayrollStatus.choices, default=PayrollStatus.DRAFT
    )
    line_count = models.PositiveIntegerField("笔数", default=0)
    total_amount = models.BigIntegerField("总金额（元）", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制表人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "发放批次"
        verbose_name_plural = "发放批次"
        constraints = [
            models.UniqueConstraint(fields=["county_code", "month"], name="one_payroll_per_county_month")
        ]

    def __str__(self) -> str:
        return f"{self.county_code} {self.month:%Y-%m} {self.get_status_display()}"

    @property
    def region_code(self) -> str:
        return self.county_code


class LineKind(models.TextChoices):
    REGULAR = "regular", "正常发放"
    ADJUSTMENT = "adjustment", "调整（补发/扣回）"
    RECOVERY = "recovery", "扣回不足结转追缴"


class PayrollLine(ProgrammeNamed, models.Model):
    """One payment line. `month` repeats the run's month so the database itself refuses paying a
    person the same programme twice for one month, whichever county roll the line sits in."""

    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="lines")
    month = models.DateField("发放月")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=12, choices=LineKind.choices, default=LineKind.REGULAR)
    programme = models.CharField("项目", max_length=16)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    amount = models.IntegerField("金额（元）")
    reason = models.CharField("说明", max_length=200, blank=True, default="")
    # Where the money comes from (issue 19): set when the roll is checked, by the funds line's payroll hook.
    fund = models.ForeignKey(
        "funds.Fund",
        verbose_name="资金来源",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "发放明细"
        verbose_name_plural = "发放明细"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enrolment"],
                condition=Q(kind="regular"),
                name="one_regular_line_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["person", "programme", "month"],
                condition=Q(kind="regular"),
                name="one_regular_payment_per_person_programme_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.enrolment_id} {self.amount}"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "更正（补发/扣回）"
    RECOVERY = "recovery", "追缴"


class CorrectionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "待复核"
    PENDING = "pending", "待计入下期名册"
    APPLIED = "applied", "已计入名册"
    REJECTED = "rejected", "已驳回"


class PayrollCorrection(ProgrammeNamed, models.Model):
    """A correction to money already rolled (补发 > 0, 扣回 < 0) or a recovery (追缴) carried forward.
    Frozen rolls are never edited: a correction waits here until the next roll of its county is
    generated, which turns it into an adjustment line. A deduction larger than what the person is paid
    in that roll leaves the rest as a new recovery for the roll after."""

    kind = models.CharField(
        "类型", max_length=12, choices=CorrectionKind.choices, default=CorrectionKind.CORRECTION
    )
    status = models.CharField(
        "状态", max_length=20, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField("项目", max_length=16)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    county_code = models.CharField("县(市、区)", max_length=6, db_index=True)
    amount = models.IntegerField("金额（元）")
    reason = models.CharField("原因", max_length=200)
    source_run = models.ForeignKey(
        PayrollRun,
        verbose_name="所更正名册",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_run = models.ForeignKey(
        PayrollRun, verbose_name="计入名册", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("复核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "发放更正"
        verbose_name_plural = "发放更正"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="correction_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id} {self.amount}"


class PayeeApproval(models.TextChoices):
    NOT_REQUIRED = "not_required", "本人户名，无需复核"
    PENDING = "pending", "待复核"
    APPROVED = "approved", "已复核同意"
    REJECTED = "rejected", "已驳回"


class PayeeAccount(models.Model):
    """The bank account a person's benefits are paid into (收款账户). The account number is stored as
    Fernet ciphertext (core.crypto, like Person.id_number) with a keyed blind index for exact lookup and a
    masked copy for display. Written only by services.payee_account_set: a change deactivates the old row
    (history kept, never deleted) and at most one row per person is active. An account held in another
    name waits inactive (approval=pending) until a second person approves it."""

    person = models.ForeignKey(
        "people.Person", verbose_name="收款人", on_delete=models.PROTECT, related_name="payee_accounts"
    )
    bank_name = models.CharField("开户行", max_length=100)
    account_number_enc = models.TextField("银行账号（密文）")
    account_hash = models.CharField("银行账号索引", max_length=64, db_index=True)
    account_masked = models.CharField("银行账号（脱敏）", max_length=19)
    holder_name = models.CharField("户名", max_length=64)
    holder_reason = models.CharField("非本人户名原因", max_length=200, blank=True, default="")
    approval = models.CharField(
        "复核", max_length=12, choices=PayeeApproval.choices, default=PayeeApproval.NOT_REQUIRED
    )
    approved_at = models.DateTimeField("复核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField("启用日期")
    active = models.BooleanField("当前有效", default=True)
    deactivated_at = models.DateTimeField("停用时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "收款账户"
        verbose_name_plural = "收款账户"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(active=True), name="one_active_payee_account_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_masked}"

    @property
    def account_number(self) -> str:
        """Plain value. Call only from the audited bank-file export."""
        return crypto.decrypt(self.account_number_enc)
