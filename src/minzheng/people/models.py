from __future__ import annotations

from django.db import models
from django.db.models import Q

from minzheng.core import crypto
from minzheng.core.masking import mask_id_number, mask_phone


class HukouType(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    OTHER = "other", "其他"


class Person(models.Model):
    """A resident. The ID number and phone are encrypted at rest; `id_hash` (keyed HMAC) finds a person by
    exact ID without decrypting anything. Birth date and sex are derived from the ID and cross-checked."""

    id_number_enc = models.TextField("身份证号（密文）")
    id_hash = models.CharField("身份证号索引", max_length=64, unique=True)
    id_tail = models.CharField("身份证号后4位", max_length=4, default="")
    name = models.CharField("姓名", max_length=64, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期", db_index=True)
    hukou_type = models.CharField("户口性质", max_length=8, choices=HukouType.choices)
    # Null for residents whose hukou is outside the city (temporary assistance has no hukou limit).
    hukou_region = models.ForeignKey(
        "regions.Region",
        verbose_name="户籍地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hukou_code = models.CharField("户籍地代码", max_length=15, default="")
    residence_region = models.ForeignKey(
        "regions.Region", verbose_name="居住地", on_delete=models.PROTECT, related_name="+"
    )
    # Scope key: the residence village code (12 digits); region-scoped queries are prefix scans on it.
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    phone_enc = models.TextField("联系电话（密文）", blank=True, default="")
    # Keyed hash of the full phone number: search by phone without decrypting (like id_hash).
    phone_hash = models.CharField("联系电话索引", max_length=64, blank=True, default="", db_index=True)
    is_alive = models.BooleanField("在世", default=True)
    death_date = models.DateField("死亡日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_alive=True, death_date__isnull=True) | Q(is_alive=False),
                name="person_alive_has_no_death_date",
            ),
            models.CheckConstraint(
                condition=Q(death_date__isnull=True) | Q(death_date__gte=models.F("birth_date")),
                name="person_death_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def id_number(self) -> str:
        """Plain value. Call only through an audited reveal or a service that needs it."""
        return crypto.decrypt(self.id_number_enc)

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.phone_enc)) if self.phone_enc else ""


class Household(models.Model):
    number = models.CharField("户编号", max_length=32, unique=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    hukou_type = models.CharField("户口性质", max_length=8, choices=HukouType.choices)
    address = models.CharField("住址", max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "家庭户"
        verbose_name_plural = "家庭户"

    def __str__(self) -> str:
        return f"户{self.number}"


class Membership(models.Model):
    """A person's time in a household; moves close one row and open another, so history is kept."""

    household = models.ForeignKey(
        Household, verbose_name="家庭户", on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField("与户主关系", max_length=12, choices=Relation.choices)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        constraints = [
            # One household at a time; one current head per household.
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_current_household"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end_date__isnull=True, relation="head"),
                name="one_current_head",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.household_id} {self.relation}"


class TransferStatus(models.TextChoices):
    OPEN = "open", "待迁出地核实"
    ACCEPTED = "accepted", "已办理迁入"
    DECLINED = "declined", "不予迁入"


class TransferRequest(models.Model):
    """迁入（转移）申请: a desk could not register an ID number in its region (it may be registered
    elsewhere). The requester never learns where; the region that holds the person (`from_region_code`,
    empty when nobody holds it) sees the request. Holds the masked ID and its blind index, never the full
    number."""

    id_hash = models.CharField("身份证号索引", max_length=64, db_index=True)
    id_masked = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=64)
    to_region = models.ForeignKey(
        "regions.Region", verbose_name="迁入地", on_delete=models.PROTECT, related_name="+"
    )
    to_region_code = models.CharField("迁入地代码", max_length=15, db_index=True)
    from_region_code = models.CharField("迁出地代码", max_length=15, blank=True, default="", db_index=True)
    note = models.CharField("说明", max_length=300, blank=True, default="")
    status = models.CharField(
        "状态", max_length=10, choices=TransferStatus.choices, default=TransferStatus.OPEN, db_index=True
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "迁入（转移）申请"
        verbose_name_plural = "迁入（转移）申请"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）迁入申请"
