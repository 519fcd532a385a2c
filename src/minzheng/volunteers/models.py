"""志愿服务 and 社会工作 (issue 17 part 3): volunteers and their teams, activities with sign-up, check-in and
hours the organiser confirms, the time bank (时间银行: an account per volunteer or family member, a ledger of
every hour in and out, a 益币 store), and the social-work side: township stations (社工站), certified social
workers and their service records for the persons served."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from minzheng.core import crypto
from minzheng.core.masking import mask_id_number, mask_phone


class Skill(models.TextChoices):
    ELDERLY = "elderly", "助老服务"
    CHILDREN = "children", "关爱儿童"
    DISABLED = "disabled", "助残服务"
    MEDICAL = "medical", "医疗护理"
    LEGAL = "legal", "法律咨询"
    TUTORING = "tutoring", "教育辅导"
    CULTURE = "culture", "文体活动"
    ENVIRONMENT = "environment", "环境保护"
    EMERGENCY = "emergency", "应急救援"
    COUNSELLING = "counselling", "心理疏导"
    OTHER = "other", "其他"


class Availability(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", "工作日白天"
    WEEKDAY_EVENING = "weekday_evening", "工作日晚间"
    WEEKEND = "weekend", "周末"
    HOLIDAY = "holiday", "节假日"


class Team(models.Model):
    """A volunteer team (志愿服务队) seated in a region; its volunteers are those whose `team` is it."""

    name = models.CharField("队伍名称", max_length=100)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    description = models.CharField("服务内容", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务队"
        verbose_name_plural = "志愿服务队"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="team_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A registered volunteer under real name: a registry person when the ID is in the registry (the name
    must match it), otherwise registered by ID number alone. The ID is encrypted; `id_hash` finds it."""

    number = models.CharField("志愿者编号", max_length=20, unique=True)
    person = models.OneToOneField(
        "people.Person",
        verbose_name="人口库人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_profile",
    )
    name = models.CharField("姓名", max_length=64)
    id_number_enc = models.TextField("身份证号（密文）")
    id_hash = models.CharField("身份证号索引", max_length=64, unique=True)
    id_tail = models.CharField("身份证号后4位", max_length=4)
    phone_enc = models.TextField("联系电话（密文）", blank=True, default="")
    region_code = models.CharField("所在村（社区）", max_length=15, db_index=True)
    skills = models.JSONField("服务技能", default=list)
    availability = models.JSONField("可服务时间", default=list)
    team = models.ForeignKey(
        Team,
        verbose_name="志愿服务队",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteers",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_profile",
    )
    registered_on = models.DateField("注册日期")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["-registered_on", "-pk"]
        indexes = [models.Index(fields=["region_code", "registered_on"], name="volunteer_region_day")]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        return mask_id_number(crypto.decrypt(self.id_number_enc))

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.phone_enc)) if self.phone_enc else ""

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.skills if s in Skill.values]

    @property
    def availability_labels(self) -> list[str]:
        return [str(Availability(s).label) for s in self.availability if s in Availability.values]


class ActivityStatus(models.TextChoices):
    OPEN = "open", "报名中"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


class Activity(models.Model):
    title = models.CharField("活动名称", max_length=100)
    region_code = models.CharField("活动区划", max_length=15, db_index=True)
    team = models.ForeignKey(
        Team,
        verbose_name="组织队伍",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    place = models.CharField("活动地点", max_length=200)
    description = models.CharField("活动内容", max_length=500, blank=True, default="")
    skills = models.JSONField("所需技能", default=list)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    capacity = models.PositiveIntegerField("招募人数")
    hours = models.DecimalField("可记时长（小时）", max_digits=5, decimal_places=1)
    status = models.CharField(
        "状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务活动"
        verbose_name_plural = "志愿服务活动"
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="activity_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class SignupStatus(models.TextChoices):
    SIGNED = "signed", "已报名"
    CANCELLED = "cancelled", "已取消报名"
    CHECKED_IN = "checked_in", "已签到"
    CHECKED_OUT = "checked_out", "已签退，待确认"
    CONFIRMED = "confirmed", "时长已确认"
    ABSENT = "absent", "未到"


# Check-in opens this long before the start: volunteers are asked to arrive ten minutes early for the
# briefing (the activity notice says so). Hours still count only from the start (services.served_hours).
CHECK_IN_EARLY = dt.timedelta(minutes=10)


def early_check_in_message() -> str:
    return f"活动尚未开始，开始前{int(CHECK_IN_EARLY.total_seconds() // 60)}分钟起可签到"


# Sign-ups that hold a place of the activity's capacity
TAKING_PLACE = (
    SignupStatus.SIGNED,
    SignupStatus.CHECKED_IN,
    SignupStatus.CHECKED_OUT,
    SignupStatus.CONFIRMED,
)


class Signup(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="signups"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name="志愿者", on_delete=models.PROTECT, related_name="signups"
    )
    status = models.CharField(
        "状态", max_length=12, choices=SignupStatus.choices, default=SignupStatus.SIGNED
    )
    signed_at = models.DateTimeField("报名时间")
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    claimed_hours = models.DecimalField("签到签退时长", max_digits=5, decimal_places=1, null=True, blank=True)
    hours = models.DecimalField("确认时长", max_digits=5, decimal_places=1, null=True, blank=True)
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
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["activity", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer_id"], name="signup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.activity_id}"


class TimeAccount(models.Model):
    """The time bank account of a volunteer, or of a family member who received hours by transfer. The
    balance can never go negative: every debit is one conditional UPDATE, and the database checks it."""

    volunteer = models.OneToOneField(
        Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="time_account"
    )
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    balance = models.DecimalField("时长余额（小时）", max_digits=8, decimal_places=1, default=Decimal(0))
    earned = models.DecimalField("累计获得（小时）", max_digits=8, decimal_places=1, default=Decimal(0))

    class Meta:
        verbose_name = "时间银行账户"
        verbose_name_plural = "时间银行账户"
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="time_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, person__isnull=True)
                | Q(volunteer__isnull=True, person__isnull=False),
                name="time_account_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"时间银行账户{self.pk}"

    @property
    def holder_name(self) -> str:
        return self.volunteer.name if self.volunteer_id else self.person.name  # type: ignore[union-attr]


class EntryKind(models.TextChoices):
    EARN = "earn", "服务获得"
    SPEND = "spend", "益币商城兑换"
    TRANSFER_OUT = "transfer_out", "转赠家人"
    TRANSFER_IN = "transfer_in", "家人转入"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "配偶"
    PARENT = "parent", "父母"
    CHILD = "child", "子女"
    GRANDPARENT = "grandparent", "祖父母、外祖父母"
    GRANDCHILD = "grandchild", "孙子女、外孙子女"
    SIBLING = "sibling", "兄弟姐妹"


class TimeEntry(models.Model):
    """One movement of hours: positive in, negative out; `balance_after` is the account's balance then."""

    account = models.ForeignKey(TimeAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("类型", max_length=14, choices=EntryKind.choices)
    hours = models.DecimalField("时长（小时）", max_digits=8, decimal_places=1)
    balance_after = models.DecimalField("余额（小时）", max_digits=8, decimal_places=1)
    signup = models.OneToOneField(
        Signup, null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )  # one credit per sign-up
    counterpart = models.ForeignKey(
        TimeAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    relation = models.CharField(
        "与转赠人关系", max_length=12, choices=Relation.choices, blank=True, default=""
    )
    note = models.CharField("说明", max_length=200, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "时间银行流水"
        verbose_name_plural = "时间银行流水"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.hours}"


class StoreItem(models.Model):
    """An item of the 益币 store (price in hours of the time bank: 1 益币 is one hour), with its stock."""

    name = models.CharField("物品或服务", max_length=100)
    region_code = models.CharField("兑换点区划", max_length=15, db_index=True)
    place = models.CharField("兑换地点", max_length=200, blank=True, default="")
    price = models.DecimalField("所需益币（小时）", max_digits=6, decimal_places=1)
    stock = models.PositiveIntegerField("库存")
    active = models.BooleanField("上架", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "益币商城物品"
        verbose_name_plural = "益币商城物品"
        ordering = ["price", "name"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="store_price_positive")]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    item = models.ForeignKey(StoreItem, on_delete=models.PROTECT, related_name="redemptions")
    account = models.ForeignKey(TimeAccount, on_delete=models.PROTECT, related_name="redemptions")
    entry = models.OneToOneField(TimeEntry, on_delete=models.PROTECT, related_name="redemption")
    quantity = models.PositiveIntegerField("数量")
    created_at = models.DateTimeField("兑换时间", auto_now_add=True)

    class Meta:
        verbose_name = "益币兑换"
        verbose_name_plural = "益币兑换"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"兑换{self.item_id}×{self.quantity}"


# ---------------------------------------------------------------- 社会工作
class StationService(models.TextChoices):
    ASSISTANCE = "assistance", "社会救助"
    ELDERLY = "elderly", "养老服务"
    CHILDREN = "children", "儿童关爱保护"
    DISABLED = "disabled", "残疾人服务"
    COMMUNITY = "community", "社区治理"
    COUNSELLING = "counselling", "心理疏导"
    VOLUNTEERING = "volunteering", "志愿服务"


class Station(models.Model):
    """A township (street) social-work station (乡镇（街道）社会工作站): one per township."""

    name = models.CharField("社工站名称", max_length=100)
    region_code = models.CharField("所在乡镇（街道）", max_length=15, unique=True)
    address = models.CharField("地址", max_length=200, blank=True, default="")
    opened_on = models.DateField("建成运营日期")
    services = models.JSONField("服务内容", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "社会工作站"
        verbose_name_plural = "社会工作站"
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.name

    @property
    def service_labels(self) -> list[str]:
        return [str(StationService(s).label) for s in self.services if s in StationService.values]


class WorkerLevel(models.TextChoices):
    ASSISTANT = "assistant", "助理社会工作师"
    INTERMEDIATE = "intermediate", "社会工作师（中级）"
    SENIOR = "senior", "高级社会工作师"


class SocialWorker(models.Model):
    """A certified social worker (持证社工): the certificate's level and number, the employer, and the
    station they staff (if any)."""

    name = models.CharField("姓名", max_length=64)
    level = models.CharField("证书等级", max_length=14, choices=WorkerLevel.choices)
    certificate_no = models.CharField("证书编号", max_length=40, unique=True)
    certified_on = models.DateField("取证日期")
    employer = models.CharField("工作单位", max_length=100)
    station = models.ForeignKey(
        Station,
        verbose_name="所在社工站",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    active = models.BooleanField("在岗", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "持证社会工作者"
        verbose_name_plural = "持证社会工作者"
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    CASE = "case", "个案服务"
    GROUP = "group", "小组服务"
    VISIT = "visit", "走访慰问"
    COUNSELLING = "counselling", "心理疏导"
    REFERRAL = "referral", "资源链接与转介"
    ASSESSMENT = "assessment", "需求评估"


class ServiceRecord(models.Model):
    """A service a station's social worker gave a person of the registry (shown on the person's page)."""

    station = models.ForeignKey(
        Station, verbose_name="社工站", on_delete=models.PROTECT, related_name="records"
    )
    worker = models.ForeignKey(
        SocialWorker,
        verbose_name="社会工作者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="服务对象", on_delete=models.PROTECT, related_name="social_work_records"
    )
    region_code = models.CharField("服务对象区划", max_length=15, db_index=True)
    served_on = models.DateField("服务日期")
    kind = models.CharField("服务类型", max_length=12, choices=ServiceKind.choices)
    summary = models.CharField("服务内容", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社会工作服务记录"
        verbose_name_plural = "社会工作服务记录"
        ordering = ["-served_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.served_on}"
