"""婚姻登记: registry offices (daily quotas by day of week, closed days and special dates as dated rows),
appointments (a booked slot is a row holding a slot number under a unique constraint, so two clerks can
never both take the last one), registrations with certificate numbers per office and year, the divorce
cooling-off period (《民法典》第1077条) and the household changes a registration sends to the township."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from minzheng.core.masking import mask_id_number

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class Grade(models.TextChoices):
    A3 = "3A", "3A级婚姻登记机关"
    A4 = "4A", "4A级婚姻登记机关"
    A5 = "5A", "5A级婚姻登记机关"


class RegistryOffice(models.Model):
    name = models.CharField("登记机关", max_length=100, unique=True)
    region_code = models.CharField("所属县（市、区）", max_length=15, db_index=True)
    address = models.CharField("地址", max_length=200)
    phone = models.CharField("咨询电话", max_length=20, blank=True, default="")
    grade = models.CharField("等级评定", max_length=2, choices=Grade.choices, blank=True, default="")
    graded_on = models.DateField("评定日期", null=True, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "婚姻登记机关"
        verbose_name_plural = "婚姻登记机关"
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class DailyQuota(models.Model):
    """How many couples the office serves on each day of the week (0 = closed that weekday)."""

    office = models.ForeignKey(RegistryOffice, on_delete=models.CASCADE, related_name="quotas")
    weekday = models.PositiveSmallIntegerField("星期", choices=list(enumerate(WEEKDAYS)))
    slots = models.PositiveSmallIntegerField("每日名额")

    class Meta:
        verbose_name = "每日预约名额"
        verbose_name_plural = "每日预约名额"
        constraints = [models.UniqueConstraint(fields=["office", "weekday"], name="marriage_quota_once")]

    def __str__(self) -> str:
        return f"{self.office}{WEEKDAYS[self.weekday]}{self.slots}个名额"


class ClosedDay(models.Model):
    """法定节假日 and other closed days: data, one row per date (an office's own closure names the office)."""

    date = models.DateField("日期", db_index=True)
    name = models.CharField("名称", max_length=40)
    office = models.ForeignKey(
        RegistryOffice, null=True, blank=True, on_delete=models.CASCADE, related_name="closed_days"
    )

    class Meta:
        verbose_name = "停办日"
        verbose_name_plural = "停办日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}{self.name}"


class SpecialDate(models.Model):
    """A date couples want (5·20, 七夕 …) with extra slots in every office. 七夕 is lunar: stored per year."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=40)
    extra_slots = models.PositiveSmallIntegerField("增加名额")

    class Meta:
        verbose_name = "特殊日期"
        verbose_name_plural = "特殊日期"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}{self.name}"


class Kind(models.TextChoices):
    MARRIAGE = "marriage", "结婚登记"
    DIVORCE = "divorce", "离婚登记"


class Basis(models.TextChoices):
    LOCAL = "local", "本市户籍"
    RESIDENCE_PERMIT = "permit", "居住证（跨区域通办试点）"


class Party(models.Model):
    """One of the two persons of a couple: a person of the registry, or a non-local resident registering
    where they live under the cross-region pilot (hukou province and residence permit recorded)."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=64)
    sex = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    id_number_enc = models.TextField("身份证号（密文）")
    id_hash = models.CharField("身份证号索引", max_length=64, db_index=True)
    basis = models.CharField("登记依据", max_length=8, choices=Basis.choices)
    hukou_province = models.CharField("户籍所在省份", max_length=20)
    permit_no = models.CharField("居住证编号", max_length=40, blank=True, default="")

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def id_masked(self) -> str:
        from minzheng.core import crypto

        return mask_id_number(crypto.decrypt(self.id_number_enc))


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CANCELLED = "cancelled", "已取消"
    RESCHEDULED = "rescheduled", "已改约"  # moved to another day: `rebooked_to` is the new booking
    ATTENDED = "attended", "已办理"
    NO_SHOW = "no_show", "未到场"


# The statuses that hold a slot: a cancelled booking frees it.
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


class Appointment(models.Model):
    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="appointments")
    region_code = models.CharField("所属县（市、区）", max_length=15, db_index=True)
    date = models.DateField("预约日期", db_index=True)
    slot = models.PositiveSmallIntegerField("名额序号")
    kind = models.CharField("业务类型", max_length=12, choices=Kind.choices)
    party_a = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField("联系电话（掩码）", max_length=20, blank=True, default="")
    status = models.CharField(
        "状态", max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    rebooked_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rebooked_to"
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "婚姻登记预约"
        verbose_name_plural = "婚姻登记预约"
        ordering = ["date", "office", "slot"]
        constraints = [
            # Two clerks who both saw one free slot: the second insert fails here (services.appointment_book).
            models.UniqueConstraint(
                fields=["office", "date", "slot"],
                condition=Q(status__in=["booked", "attended", "no_show"]),
                name="marriage_one_couple_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office}{self.date}第{self.slot}号"


class RegistrationKind(models.TextChoices):
    MARRIAGE = "marriage", "结婚登记"
    DIVORCE = "divorce", "离婚登记"
    REISSUE = "reissue", "补领婚姻登记证"


class Registration(models.Model):
    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="registrations")
    region_code = models.CharField("所属县（市、区）", max_length=15, db_index=True)
    kind = models.CharField("登记类型", max_length=12, choices=RegistrationKind.choices)
    party_a = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField("登记日期", db_index=True)
    certificate_no = models.CharField("证书字号", max_length=32, unique=True)
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="registration"
    )
    reissue_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reissues"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "婚姻登记"
        verbose_name_plural = "婚姻登记"
        ordering = ["-registered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.certificate_no}"


class CertificateCounter(models.Model):
    """The last certificate number an office issued in a year (locked while the next one is taken)."""

    office = models.ForeignKey(RegistryOffice, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    prefix = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "prefix"], name="marriage_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.office}{self.year}年{self.prefix}字{self.last}"


class DivorceStatus(models.TextChoices):
    COOLING = "cooling", "冷静期中"
    AWAITING = "awaiting", "待双方申领离婚证"
    WITHDRAWN = "withdrawn", "已撤回"
    LAPSED = "lapsed", "逾期视为撤回"
    REGISTERED = "registered", "已登记离婚"


class DivorceApplication(models.Model):
    """协议离婚申请: 30 days to withdraw, then 30 days for both to come and register (dates from policy)."""

    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="divorces")
    region_code = models.CharField("所属县（市、区）", max_length=15, db_index=True)
    party_a = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField("申请日期")
    cooling_ends = models.DateField("冷静期届满日")
    register_by = models.DateField("申领离婚证截止日")
    status = models.CharField(
        "状态", max_length=12, choices=DivorceStatus.choices, default=DivorceStatus.COOLING, db_index=True
    )
    withdrawn_by = models.CharField("撤回方", max_length=64, blank=True, default="")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="divorce_application"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "离婚登记申请"
        verbose_name_plural = "离婚登记申请"
        ordering = ["cooling_ends", "id"]

    def __str__(self) -> str:
        return f"离婚登记申请#{self.pk}"


class ChangeKind(models.TextChoices):
    JOIN = "join", "配偶入户"
    LEAVE = "leave", "配偶离户"


class HouseholdChange(models.Model):
    """What a registration means for the household the 核对 works on, sent to the township of the
    household: moving a person between households is township work (people.household_add_member)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="household_changes")
    region_code = models.CharField("户籍地", max_length=15, db_index=True)
    kind = models.CharField("变更类型", max_length=8, choices=ChangeKind.choices)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "家庭成员变更待办"
        verbose_name_plural = "家庭成员变更待办"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"
