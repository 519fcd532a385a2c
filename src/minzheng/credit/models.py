"""信用积分 (荣成-style "信用+" village credit), the 信用超市 and 信用基金, and 移风易俗 (红白理事会, the
village's norms for weddings and funerals, event filings). Every row carries the village's region code;
figures (points, prices, norms) are the village's own data, never city constants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Category(models.TextChoices):
    GOOD_DEED = "good_deed", "好人好事"
    CUSTOMS = "customs", "移风易俗"
    VOLUNTEERING = "volunteering", "志愿服务"
    HYGIENE = "hygiene", "环境卫生"
    FILIAL = "filial", "孝老爱亲"
    DEDUCTION = "deduction", "扣分项"


class PointRule(models.Model):
    """A township template rule (region_code = the township, template empty, with the bounds a village may
    adjust within) or a village's copy of one (region_code = the village, template set)."""

    region_code = models.CharField("区划", max_length=15, db_index=True)
    template = models.ForeignKey(
        "self",
        verbose_name="乡镇模板",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    name = models.CharField("事项", max_length=100)
    points = models.IntegerField("分值")
    min_points = models.IntegerField("可调下限")
    max_points = models.IntegerField("可调上限")
    evidence_required = models.BooleanField("须附佐证", default=False)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "积分规则"
        verbose_name_plural = "积分规则"
        ordering = ["category", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_points__lte=models.F("points")) & Q(points__lte=models.F("max_points")),
                name="credit_rule_points_within_bounds",
            ),
            models.CheckConstraint(condition=~Q(points=0), name="credit_rule_points_not_zero"),
            models.UniqueConstraint(
                fields=["region_code", "template"],
                condition=Q(template__isnull=False),
                name="credit_rule_one_copy_per_village",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_template(self) -> bool:
        return self.template_id is None


class Account(models.Model):
    """A household's credit: `earned` is the sum of approved points (the ranking), `balance` what it may
    still spend in the supermarket. The balance never goes below zero (a constraint backs the services)."""

    household = models.OneToOneField(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="credit_account"
    )
    region_code = models.CharField("区划", max_length=15, db_index=True)
    earned = models.IntegerField("累计积分", default=0)
    balance = models.IntegerField("可用积分", default=0)

    class Meta:
        verbose_name = "信用积分账户"
        verbose_name_plural = "信用积分账户"
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"积分账户{self.household_id}"


class RecordStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已审核"
    REJECTED = "rejected", "不予认定"


class PointRecord(models.Model):
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="credit_records"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField("区划", max_length=15)
    rule = models.ForeignKey(PointRule, verbose_name="积分规则", on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField("分值")
    # What reached the balance: a deduction takes the balance to zero at most.
    applied = models.IntegerField("计入可用积分", default=0)
    occurred_on = models.DateField("发生日期")
    evidence = models.CharField("事迹与佐证", max_length=500, blank=True, default="")
    # Private: MEDIA is not served; the photo view checks scope and audits each viewing.
    photo = models.FileField("佐证照片", upload_to="credit/%Y/%m/", blank=True, default="")
    status = models.CharField(
        "状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "积分记录"
        verbose_name_plural = "积分记录"
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["region_code", "status"], name="credit_record_region_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(decided_by=models.F("recorded_by")),
                name="credit_record_make_and_check",
            )
        ]

    def __str__(self) -> str:
        return f"积分记录{self.pk}"


class Goods(models.Model):
    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    name = models.CharField("商品", max_length=60)
    unit = models.CharField("单位", max_length=8)
    price = models.PositiveIntegerField("兑换积分")
    stock = models.IntegerField("库存", default=0)
    active = models.BooleanField("上架", default=True)

    class Meta:
        verbose_name = "信用超市商品"
        verbose_name_plural = "信用超市商品"
        ordering = ["region_code", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="credit_goods_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="credit_goods_price_positive"),
            models.UniqueConstraint(fields=["region_code", "name"], name="credit_goods_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    number = models.CharField("兑换单号", max_length=32, unique=True)
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="credit_redemptions"
    )
    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    goods = models.ForeignKey(
        Goods, verbose_name="商品", on_delete=models.PROTECT, related_name="redemptions"
    )
    quantity = models.PositiveIntegerField("数量")
    points = models.PositiveIntegerField("消耗积分")
    balance_after = models.IntegerField("兑换后可用积分")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    redeemed_at = models.DateTimeField("兑换时间", auto_now_add=True)

    class Meta:
        verbose_name = "积分兑换"
        verbose_name_plural = "积分兑换"
        ordering = ["-redeemed_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class FundKind(models.TextChoices):
    DONATION = "donation", "捐赠收入"
    PURCHASE = "purchase", "采购商品支出"


class FundStatus(models.TextChoices):
    PENDING = "pending", "待乡镇确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已退回"


class Fund(models.Model):
    """The village's 信用基金: the confirmed donations less the confirmed purchases."""

    region_code = models.CharField("村(社区)", max_length=15, unique=True)
    balance = models.DecimalField("余额", max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = "信用基金"
        verbose_name_plural = "信用基金"
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="credit_fund_not_negative")]

    def __str__(self) -> str:
        return f"信用基金{self.region_code}"


class FundEntry(models.Model):
    """Money in or out of the fund: entered by the village, confirmed by another person at the township
    (make-and-check); a confirmed purchase puts its goods into stock."""

    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    kind = models.CharField("类型", max_length=10, choices=FundKind.choices)
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    counterparty = models.CharField("捐赠人/供货方", max_length=100)
    goods = models.ForeignKey(
        Goods, verbose_name="采购商品", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField("采购数量", default=0)
    entry_date = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True, default="")
    status = models.CharField("状态", max_length=10, choices=FundStatus.choices, default=FundStatus.PENDING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "信用基金收支"
        verbose_name_plural = "信用基金收支"
        ordering = ["-entry_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_fund_entry_positive"),
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(confirmed_by=models.F("recorded_by")),
                name="credit_fund_make_and_check",
            ),
        ]

    def __str__(self) -> str:
        return f"基金收支{self.pk}"


# ------------------------------------------------------------------ 移风易俗


class EventKind(models.TextChoices):
    WEDDING = "wedding", "婚事"
    FUNERAL = "funeral", "丧事"


class Council(models.Model):
    """The village's 红白理事会; members as a list of {name, duty} (会长、副会长、理事)."""

    region_code = models.CharField("村(社区)", max_length=15, unique=True)
    chair = models.CharField("会长", max_length=32)
    members = models.JSONField("成员", default=list)
    established_on = models.DateField("成立日期")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "红白理事会"
        verbose_name_plural = "红白理事会"

    def __str__(self) -> str:
        return f"红白理事会{self.region_code}"


class Norm(models.Model):
    """The village's 红白事办理标准 (in its 村规民约), by kind, from a date: what the village set."""

    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    kind = models.CharField("事项", max_length=8, choices=EventKind.choices)
    effective_from = models.DateField("施行日期")
    max_tables = models.PositiveIntegerField("宴席桌数上限")
    max_guests = models.PositiveIntegerField("宾客人数上限")
    max_spending = models.DecimalField("总花费上限（元）", max_digits=12, decimal_places=2)
    max_gift = models.DecimalField("单份礼金上限（元）", max_digits=10, decimal_places=2)
    source = models.CharField("依据", max_length=120)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "红白事办理标准"
        verbose_name_plural = "红白事办理标准"
        ordering = ["region_code", "kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "kind", "effective_from"], name="credit_norm_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}标准"


class FilingStatus(models.TextChoices):
    FILED = "filed", "待理事会意见"
    ADVISED = "advised", "已提出意见"


class Filing(models.Model):
    """红白事事前报备: the family's plan, checked against the village's norm in force on the day."""

    region_code = models.CharField("村(社区)", max_length=15, db_index=True)
    kind = models.CharField("事项", max_length=8, choices=EventKind.choices)
    household = models.ForeignKey(
        "people.Household",
        verbose_name="家庭户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    family = models.CharField("办事家庭", max_length=64)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="当事人/逝者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    funeral_case = models.ForeignKey(
        "funeral.FuneralCase",
        verbose_name="身后一件事",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    event_date = models.DateField("办事日期")
    tables = models.PositiveIntegerField("宴席桌数")
    guests = models.PositiveIntegerField("宾客人数")
    spending = models.DecimalField("预计花费（元）", max_digits=12, decimal_places=2)
    gift = models.DecimalField("单份礼金（元）", max_digits=10, decimal_places=2)
    simplified = models.BooleanField("简办（丧事从简、不搭灵棚、不请响班）", default=False)
    norm = models.ForeignKey(Norm, verbose_name="对照标准", on_delete=models.PROTECT, related_name="+")
    over_norm = models.BooleanField("超标准", default=False)
    over_items = models.JSONField("超标事项", default=list)
    status = models.CharField("状态", max_length=8, choices=FilingStatus.choices, default=FilingStatus.FILED)
    advice = models.CharField("理事会意见", max_length=500, blank=True, default="")
    advised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    advised_at = models.DateTimeField("意见时间", null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("报备时间", auto_now_add=True)

    class Meta:
        verbose_name = "红白事报备"
        verbose_name_plural = "红白事报备"
        ordering = ["-event_date", "-pk"]
        indexes = [models.Index(fields=["region_code", "event_date"], name="credit_filing_region_day")]

    def __str__(self) -> str:
        return f"{self.family}{self.get_kind_display()}"
