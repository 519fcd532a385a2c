"""慈善 and 福彩公益金: charitable organisations (kept here until the organisation registry links them),
their fund-raising projects and charity funds, the money in (donations) and out (spending), and the
lottery public-welfare fund's yearly allocation plans and the projects they fund. Money is in yuan with
fen (DecimalField); a project's balance is always computed from its rows, never stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


def mask_name(name: str) -> str:
    """A person's name as the public reads it: the surname and stars (张*, 欧阳**)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


class CharityOrg(models.Model):
    """A charitable organisation (慈善组织) and its public fund-raising qualification (公开募捐资格)."""

    name = models.CharField("组织名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    registered_on = models.DateField("登记日期")
    region_code = models.CharField("登记管理机关区划", max_length=15, db_index=True)
    fundraising_from = models.DateField("公开募捐资格取得日期", null=True, blank=True)
    fundraising_until = models.DateField("公开募捐资格截止日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "慈善组织"
        verbose_name_plural = "慈善组织"
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    def may_raise_on(self, day: object) -> bool:
        """Whether the organisation held the public fund-raising qualification on `day`."""
        if self.fundraising_from is None:
            return False
        return self.fundraising_from <= day and (  # type: ignore[operator]
            self.fundraising_until is None or day <= self.fundraising_until  # type: ignore[operator]
        )


class ProjectKind(models.TextChoices):
    PROJECT = "project", "公开募捐项目"
    FUND = "fund", "专项慈善基金"
    COMMUNITY = "community", "社区慈善基金"


class Project(models.Model):
    """A filed public fund-raising project, or a charity fund (a named fund other lines draw on, or a
    community's charity fund). `fund_code` names the funds other lines draw on (`services.fund_draw`)."""

    org = models.ForeignKey(
        CharityOrg, verbose_name="慈善组织", on_delete=models.PROTECT, related_name="projects"
    )
    kind = models.CharField("类型", max_length=12, choices=ProjectKind.choices, default=ProjectKind.PROJECT)
    name = models.CharField("项目名称", max_length=100)
    filing_number = models.CharField("备案编号", max_length=40, blank=True, default="")
    platform = models.CharField("募捐平台", max_length=60, blank=True, default="")
    target = models.DecimalField("募捐目标（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField("募捐开始日期")
    ends_on = models.DateField("募捐结束日期", null=True, blank=True)
    purpose = models.CharField("募捐用途", max_length=200)
    fund_code = models.CharField("基金代码", max_length=32, null=True, blank=True, unique=True)
    region_code = models.CharField("所属区划", max_length=15, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "募捐项目与慈善基金"
        verbose_name_plural = "募捐项目与慈善基金"
        ordering = ("-starts_on", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["filing_number"], condition=~Q(filing_number=""), name="charity_filing_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


# The lines that draw on a fund (Spending.source_line), as people read them.
SOURCE_LINES = {
    "child": "儿童福利（监护缺失儿童基本生活费）",
    "children": "儿童福利（监护缺失儿童基本生活费）",
    "guardianship_lacking": "儿童福利（监护缺失儿童基本生活费）",
    "elderly": "养老服务（低保失能老人集中照护）",
    "central_care": "养老服务（低保失能老人集中照护）",
    "assistance": "社会救助（济时救）",
    "jishijiu": "社会救助（济时救）",
}


class DonorKind(models.TextChoices):
    PERSON = "person", "个人"
    ORG = "org", "单位"
    ANONYMOUS = "anonymous", "匿名"


class Donation(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="donations"
    )
    donor_kind = models.CharField("捐赠人类型", max_length=10, choices=DonorKind.choices)
    donor_name = models.CharField("捐赠人", max_length=100, blank=True, default="")
    donor_person = models.ForeignKey(
        "people.Person",
        verbose_name="捐赠人（人员库）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    restricted_purpose = models.CharField("定向用途", max_length=100, blank=True, default="")
    received_on = models.DateField("捐赠日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "捐赠"
        verbose_name_plural = "捐赠"
        ordering = ("-received_on", "-pk")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="charity_donation_positive")]

    def __str__(self) -> str:
        return f"捐赠{self.pk}"

    @property
    def public_donor(self) -> str:
        """What the public page shows: a unit's name, a person's masked name, or 匿名."""
        if self.donor_kind == DonorKind.ORG:
            return self.donor_name
        if self.donor_kind == DonorKind.PERSON:
            return mask_name(self.donor_name)
        return "匿名"


class Receipt(models.Model):
    """The donation receipt (公益事业捐赠票据) the receiving organisation issues (《慈善法》第三十八条):
    one per donation, numbered per organisation and year (慈捐〔2026〕15号); a reprint keeps its number."""

    donation = models.OneToOneField(
        Donation, verbose_name="捐赠", on_delete=models.PROTECT, related_name="receipt"
    )
    org = models.ForeignKey(
        CharityOrg, verbose_name="开具单位", on_delete=models.PROTECT, related_name="receipts"
    )
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("票据号码", max_length=40)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="开票人", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("开票日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "捐赠票据"
        verbose_name_plural = "捐赠票据"
        ordering = ("-year", "-serial")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "serial"], name="charity_receipt_serial_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Spending(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="spendings"
    )
    purpose = models.CharField("支出用途", max_length=100)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    spent_on = models.DateField("支出日期")
    donation = models.ForeignKey(
        Donation,
        verbose_name="使用的定向捐赠",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spendings",
    )
    beneficiary_count = models.PositiveIntegerField("受益人数", default=0)
    beneficiaries = models.ManyToManyField(
        "people.Person", verbose_name="受益人（人员库）", blank=True, related_name="+"
    )
    # A draw by another line (fund_draw): which line and which month/record, so a re-run draws once.
    source_line = models.CharField("使用业务", max_length=32, blank=True, default="")
    reference = models.CharField("业务单号", max_length=64, blank=True, default="")
    month = models.DateField("所属月份", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "支出"
        verbose_name_plural = "支出"
        ordering = ("-spent_on", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="charity_spending_positive"),
            models.UniqueConstraint(
                fields=["project", "reference"], condition=~Q(reference=""), name="charity_draw_once"
            ),
        ]

    def __str__(self) -> str:
        return f"支出{self.pk}"

    @property
    def source_line_label(self) -> str:
        return SOURCE_LINES.get(self.source_line, "其他业务" if self.source_line else "")


# ---------------------------------------------------------------- 福彩公益金
class LotteryUse(models.TextChoices):
    ELDERLY = "elderly", "养老服务"
    DISABILITY = "disability", "残疾人福利"
    CHILDREN = "children", "儿童福利"
    ASSISTANCE = "assistance", "社会救助"
    OTHER = "other", "其他社会公益"


class LotteryPlan(models.Model):
    """One year's allocation plan of the lottery public-welfare fund kept by a region (留存部分)."""

    year = models.PositiveSmallIntegerField("年度")
    region_code = models.CharField("区划", max_length=15, db_index=True)
    document_number = models.CharField("文号", max_length=60, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="编制人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "福彩公益金分配计划"
        verbose_name_plural = "福彩公益金分配计划"
        ordering = ("-year", "region_code")
        constraints = [models.UniqueConstraint(fields=["year", "region_code"], name="lottery_plan_once")]

    def __str__(self) -> str:
        return f"{self.year}年度福彩公益金分配计划"


class LotteryAllocation(models.Model):
    plan = models.ForeignKey(
        LotteryPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="allocations"
    )
    use = models.CharField("用途", max_length=12, choices=LotteryUse.choices)
    amount = models.DecimalField("安排金额（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "福彩公益金用途安排"
        verbose_name_plural = "福彩公益金用途安排"
        ordering = ("plan", "use")
        constraints = [
            models.UniqueConstraint(fields=["plan", "use"], name="lottery_allocation_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="lottery_allocation_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_use_display()}{self.amount}元"


class Acceptance(models.TextChoices):
    PENDING = "pending", "待验收"
    PASSED = "passed", "验收合格"
    FAILED = "failed", "验收不合格"


class LotteryProject(models.Model):
    """A project funded from a plan's use; accepted (验收) by someone other than who funded it."""

    plan = models.ForeignKey(
        LotteryPlan, verbose_name="计划", on_delete=models.PROTECT, related_name="projects"
    )
    use = models.CharField("用途", max_length=12, choices=LotteryUse.choices)
    name = models.CharField("项目名称", max_length=100)
    grantee = models.CharField("实施单位", max_length=100)
    amount = models.DecimalField("资助金额（元）", max_digits=14, decimal_places=2)
    region_code = models.CharField("区划", max_length=15, db_index=True)
    acceptance = models.CharField(
        "验收", max_length=8, choices=Acceptance.choices, default=Acceptance.PENDING
    )
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    acceptance_note = models.CharField("验收意见", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="立项人", on_delete=models.PROTECT, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="验收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "福彩公益金资助项目"
        verbose_name_plural = "福彩公益金资助项目"
        ordering = ("-plan__year", "use", "pk")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="lottery_project_positive")]

    def __str__(self) -> str:
        return self.name
