"""12349 order-style home services (点餐式居家服务) and sensor/call-button alarms.

The catalogue is a county's published price list (dated like policy); a provider is a home-care company
with carers (each linked to a 护理员 account, with a certificate and a position); an order is taken by the
hotline for one elder, dispatched to a carer within the service radius, served (check-in/out with
position), confirmed, and priced into the provider's monthly settlement (made and checked by two people).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ServiceItem(models.Model):
    """One item of the published catalogue at one price, valid from `effective_from` (a new price is a new
    row; an order keeps the row it was taken at)."""

    code = models.CharField("项目编号", max_length=16, db_index=True)
    name = models.CharField("服务项目", max_length=64)
    category = models.CharField("类别", max_length=32)
    unit = models.CharField("计价单位", max_length=8)  # 次 | 小时
    price = models.DecimalField("单价（元）", max_digits=8, decimal_places=2)
    hours_per_unit = models.DecimalField("折算服务时长（小时/单位）", max_digits=4, decimal_places=2)
    region_prefix = models.CharField("适用区划", max_length=15, blank=True, default="")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    source = models.CharField("价格依据", max_length=300)

    class Meta:
        verbose_name = "居家服务项目"
        verbose_name_plural = "居家服务项目"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region_prefix", "effective_from"], name="hc_item_price_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.price}元/{self.unit}）"


class Provider(models.Model):
    name = models.CharField("服务商", max_length=100)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, default="")
    address = models.CharField("地址", max_length=200, blank=True, default="")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6)
    active = models.BooleanField("在服务", default=True)

    class Meta:
        verbose_name = "居家服务商"
        verbose_name_plural = "居家服务商"

    def __str__(self) -> str:
        return self.name


class Carer(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name="服务商", on_delete=models.PROTECT, related_name="carers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="护理员账号",
        on_delete=models.PROTECT,
        related_name="homecare_carer",
    )
    name = models.CharField("姓名", max_length=64)
    region_code = models.CharField("服务区划", max_length=15, db_index=True)
    certificate = models.CharField("资格证书", max_length=64)
    certificate_no = models.CharField("证书编号", max_length=32)
    certificate_valid_to = models.DateField("证书有效期至", null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, db_index=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, db_index=True)
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "护理员"
        verbose_name_plural = "护理员"

    def __str__(self) -> str:
        return self.name


class OrderState(models.TextChoices):
    TAKEN = "taken", "已受理"
    DISPATCHED = "dispatched", "已派单"
    SERVING = "serving", "服务中"
    SERVED = "served", "待确认"
    CONFIRMED = "confirmed", "已完成"
    CANCELLED = "cancelled", "已取消"
    TERMINATED = "terminated", "已终止"  # the elder died (programmes.services.death_effects_apply)


class OrderBasis(models.TextChoices):
    """Who pays and why: the elder's home-care entitlement, or a service bought for a person in social
    assistance (物质+服务, seed 003: dispersed tekun and severely disabled dibao members), paid per hour from
    a fund of the funds line."""

    ELDERLY = "elderly", "居家养老服务"
    ASSISTANCE = "assistance", "社会救助服务类"
    # ordered by the special-difficulty families line for a member entitled to care (seed 001); that line
    # checks the entitlement and calls order_take, the order then runs as any other
    SPECIAL = "special", "特殊困难家庭照护服务"


class Order(models.Model):
    number = models.CharField("工单号", max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="服务对象", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    item = models.ForeignKey(ServiceItem, verbose_name="服务项目", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField("数量", max_digits=5, decimal_places=1)
    scheduled_at = models.DateTimeField("预约时间")
    caller = models.CharField("来电人", max_length=32, blank=True, default="")
    note = models.CharField("备注", max_length=200, blank=True, default="")
    state = models.CharField(
        "状态", max_length=12, choices=OrderState.choices, default=OrderState.TAKEN, db_index=True
    )
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField("受理时间", auto_now_add=True)
    carer = models.ForeignKey(
        Carer, verbose_name="护理员", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name="服务商",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    distance_km = models.DecimalField(
        "派单距离（公里）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    confirm_code = models.CharField("确认码", max_length=6, blank=True, default="")
    check_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    check_in_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_lon = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_note = models.CharField("签到说明", max_length=100, blank=True, default="")
    check_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    check_out_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_out_lon = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_out_note = models.CharField("签退说明", max_length=100, blank=True, default="")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_how = models.CharField("确认方式", max_length=32, blank=True, default="")
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True, default="")
    ended_at = models.DateTimeField("终止时间", null=True, blank=True)  # when a death ended an open order
    basis = models.CharField(
        "服务类型", max_length=12, choices=OrderBasis.choices, default=OrderBasis.ELDERLY, db_index=True
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "居家服务订单"
        verbose_name_plural = "居家服务订单"
        indexes = [models.Index(fields=["provider", "state", "check_out_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def amount(self):
        return (self.item.price * self.quantity).quantize(self.item.price)

    @property
    def service_hours(self):
        return self.item.hours_per_unit * self.quantity


class Settlement(models.Model):
    """One provider's month: made by the elderly officer, checked by finance (two different people)."""

    MADE, CHECKED = "made", "checked"
    STATES = ((MADE, "待复核"), (CHECKED, "已复核"))
    provider = models.ForeignKey(
        Provider, verbose_name="服务商", on_delete=models.PROTECT, related_name="settlements"
    )
    month = models.DateField("结算月")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    state = models.CharField("状态", max_length=8, choices=STATES, default=MADE)
    orders = models.PositiveIntegerField("订单数", default=0)
    total = models.DecimalField("服务费合计（元）", max_digits=12, decimal_places=2, default=0)
    government = models.DecimalField("政府支付（元）", max_digits=12, decimal_places=2, default=0)
    personal = models.DecimalField("个人支付（元）", max_digits=12, decimal_places=2, default=0)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField("制表时间", auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("复核时间", null=True, blank=True)
    # a provider settles home-care and social-assistance service orders apart, each once a month
    basis = models.CharField(
        "服务类型", max_length=12, choices=OrderBasis.choices, default=OrderBasis.ELDERLY
    )
    hour_price = models.DecimalField(
        "服务单价（元/小时）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    hours = models.DecimalField("服务时长合计（小时）", max_digits=10, decimal_places=2, default=0)
    fund_entry = models.ForeignKey(
        "funds.FundEntry",
        verbose_name="资金支出",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "居家服务月结算"
        verbose_name_plural = "居家服务月结算"
        constraints = [
            models.UniqueConstraint(fields=["provider", "month", "basis"], name="hc_settle_once_per_basis")
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.month:%Y-%m}"


class SettlementLine(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="lines")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="settlement_line")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    identity = models.CharField("身份", max_length=8)
    capability_level = models.PositiveSmallIntegerField("能力等级", null=True)
    free_hours = models.DecimalField("当月免费时数", max_digits=6, decimal_places=2)
    hours = models.DecimalField("本单服务时长", max_digits=6, decimal_places=2)
    free_used = models.DecimalField("本单使用免费时数", max_digits=6, decimal_places=2)
    amount = models.DecimalField("服务费（元）", max_digits=10, decimal_places=2)
    government = models.DecimalField("政府支付（元）", max_digits=10, decimal_places=2)
    personal = models.DecimalField("个人支付（元）", max_digits=10, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.settlement_id}:{self.order_id}"


class DeviceKind(models.TextChoices):
    SLEEP_MONITOR = "sleep_monitor", "睡眠监测带"
    CALL_BUTTON = "call_button", "一键呼叫器"
    SMOKE = "smoke", "烟感报警器"


class AlarmKind(models.TextChoices):
    CALL = "call", "一键呼叫"
    LEFT_BED = "left_bed", "离床未归"
    VITALS = "vitals", "心率呼吸异常"
    SMOKE = "smoke", "烟雾报警"
    OFFLINE = "offline", "设备离线"


class Device(models.Model):
    """A sensor or call button at an elder's home or in a facility. It posts alarms with its own key (only
    the SHA-256 is stored; the key is shown once when the device is registered), never a person's token."""

    kind = models.CharField("设备类型", max_length=16, choices=DeviceKind.choices)
    serial = models.CharField("设备序列号", max_length=40, unique=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="使用老人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField("安装位置", max_length=100)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField("密钥前缀", max_length=8)
    active = models.BooleanField("启用", default=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    last_seen_at = models.DateTimeField("最近上报", null=True, blank=True)

    class Meta:
        verbose_name = "报警设备"
        verbose_name_plural = "报警设备"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.place}）"


class AlarmState(models.TextChoices):
    OPEN = "open", "待处置"
    ACKNOWLEDGED = "acknowledged", "处置中"
    CLOSED = "closed", "已关闭"


class Alarm(models.Model):
    device = models.ForeignKey(Device, verbose_name="设备", on_delete=models.PROTECT, related_name="alarms")
    kind = models.CharField("报警类型", max_length=16, choices=AlarmKind.choices)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="老人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_at = models.DateTimeField("首次报警")
    last_at = models.DateTimeField("最近报警")
    repeats = models.PositiveIntegerField("重复上报次数", default=0)
    state = models.CharField(
        "状态", max_length=16, choices=AlarmState.choices, default=AlarmState.OPEN, db_index=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField("响应时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    note = models.CharField("处置说明", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "报警"
        verbose_name_plural = "报警"
        constraints = [
            # Deduplication: at most one unclosed alarm per device and kind; repeats only count on it.
            models.UniqueConstraint(
                fields=["device", "kind"], condition=~models.Q(state="closed"), name="hc_one_open_alarm"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"
