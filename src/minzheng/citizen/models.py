"""指尖办: residents on their phones. A citizen is a person of the registry, never a staff user: signed in
by ID number and an SMS code sent to the phone on their record, held in a session of their own
(`CitizenSession`, its own cookie), with no staff permission. What they send online waits here until the
township's one-window clerk accepts it into a normal case (or returns it with a reason they see)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.programmes.registry import online_offers, programme_name


class SmsMessage(models.Model):
    """The outbox of the local SMS backend (development, tests, the demo): what would have been sent.
    The number is kept masked; a real gateway backend sends instead of writing here."""

    phone_masked = models.CharField("手机号", max_length=20)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    text = models.CharField("短信内容", max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "短信发件箱"
        verbose_name_plural = "短信发件箱"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"短信 {self.phone_masked}"


class SignInCode(models.Model):
    """One SMS code: kept as a keyed hash, valid a few minutes, used once, dead after too many wrong tries."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ip = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"

    def __str__(self) -> str:
        return f"验证码#{self.pk}"


class CitizenSession(models.Model):
    """A signed-in resident: the cookie holds a random key, the table its keyed hash."""

    key_hash = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ip = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "群众登录会话"
        verbose_name_plural = "群众登录会话"

    def __str__(self) -> str:
        return f"群众会话#{self.pk}"


# 临时救助's two kinds as the resident picks one online (the desk shows the same words).
EMERGENCY_KINDS = {"urgent": "急难型", "expense": "支出型"}


class OnlineState(models.TextChoices):
    PENDING = "pending", "待受理"
    ACCEPTED = "accepted", "已受理"
    RETURNED = "returned", "已退回"


class OnlineApplication(models.Model):
    """An application a resident sent online, with the verification authorisation they signed
    electronically (typed name, ticked box, time and address of the signing)."""

    programme = models.CharField("申请项目", max_length=16)
    state = models.CharField(
        "状态", max_length=10, choices=OnlineState.choices, default=OnlineState.PENDING, db_index=True
    )
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("所在地", max_length=15, db_index=True)
    declared = models.JSONField("申报信息", default=dict)
    emergency_kind = models.CharField("临时救助类型", max_length=16, blank=True, default="")
    description = models.TextField("困难情况说明", blank=True, default="")
    amount_requested = models.PositiveIntegerField("申请金额（元）", null=True, blank=True)
    signed_name = models.CharField("授权书签名", max_length=64)
    signed_at = models.DateTimeField("授权书签署时间")
    signed_ip = models.CharField("签署地址", max_length=64, blank=True, default="")
    authorised = models.BooleanField("同意核对授权", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    return_reason = models.TextField("退回理由", blank=True, default="")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    # The case it became ("assistance.application", 12): any line's case, named generically.
    case_type = models.CharField(max_length=64, blank=True, default="")
    case_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "网上申请"
        verbose_name_plural = "网上申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            # one waiting online application per household and programme (two clicks at once make one)
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=models.Q(state="pending"),
                name="citizen_one_pending_online_per_household_programme",
            )
        ]

    def __str__(self) -> str:
        return f"网上申请#{self.pk}"

    def get_programme_display(self) -> str:
        named = next((o.name for o in online_offers() if o.programme == self.programme and o.name), "")
        return named or programme_name(self.programme)


class OnlineDocument(models.Model):
    KINDS = [
        ("id_card", "身份证、户口簿"),
        ("income_proof", "收入证明"),
        ("disability_cert", "残疾证"),
        ("medical_bills", "医疗费用票据"),
        ("other", "其他材料"),
    ]
    online = models.ForeignKey(OnlineApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("材料类型", max_length=24, choices=KINDS)
    file = models.FileField("文件", upload_to="citizen/%Y/%m/")
    original_name = models.CharField(max_length=200, default="")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "网上申请材料"
        verbose_name_plural = "网上申请材料"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class OnlineObjection(models.Model):
    """An objection a signed-in resident raised online against a case in 公示: it waits in the
    township's to-do until a clerk records it on the case (assistance objection)."""

    notice = models.ForeignKey("assistance.PublicNotice", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=15, db_index=True)
    content = models.TextField("异议内容")
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    objection = models.ForeignKey(
        "assistance.Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "网上公示异议"
        verbose_name_plural = "网上公示异议"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"网上异议#{self.pk}"
