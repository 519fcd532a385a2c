"""探访关爱 (特殊困难老年人月探访, 民发〔2020〕114号) and 相约黎明 pairing: who visits which special elder,
what each visit found, what it raised, and the daily "平安" check-ins of neighbour pairs. The elder's own
facts (living situation) stay in elderly.ElderProfile; these are desk records of the visits line."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.core import crypto
from minzheng.core.masking import mask_phone


class VisitorKind(models.TextChoices):
    VILLAGE_CADRE = "village_cadre", "村干部"
    VOLUNTEER = "helper", "志愿者"
    GRID_WORKER = "grid", "网格员"
    SOCIAL_WORKER = "social_worker", "社会工作者"


class VisitorAssignment(models.Model):
    """The elder's one assigned visitor: an account, or a social worker without one (name and phone)."""

    elder = models.OneToOneField(
        "people.Person", verbose_name="老年人", on_delete=models.PROTECT, related_name="visitor_assignment"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    kind = models.CharField("探访人员类型", max_length=16, choices=VisitorKind.choices)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="探访人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_assignments",
    )
    visitor_name = models.CharField("探访人员姓名", max_length=64, blank=True, default="")
    visitor_phone_enc = models.TextField("探访人员电话（密文）", blank=True, default="")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="指派人"
    )
    assigned_at = models.DateTimeField("指派时间", auto_now=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)  # the elder died: no more visits
    end_reason = models.CharField("结束原因", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "探访人员指派"
        verbose_name_plural = "探访人员指派"

    def __str__(self) -> str:
        return f"探访指派{self.elder_id}"

    @property
    def display_name(self) -> str:
        if self.visitor_id:
            return str(self.visitor)
        return self.visitor_name

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.visitor_phone_enc)) if self.visitor_phone_enc else ""


class VisitMode(models.TextChoices):
    HOME = "home", "上门"
    PHONE = "phone", "电话"
    VIDEO = "video", "视频"


class Health(models.TextChoices):
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"
    ILL = "ill", "患病需就医"


class Safety(models.TextChoices):
    SAFE = "safe", "无安全隐患"
    MINOR = "minor", "有一般隐患（已提醒）"
    RISK = "risk", "有安全风险"


class Need(models.TextChoices):
    NONE = "none", "暂无需求"
    MEALS = "meals", "助餐"
    CLEANING = "cleaning", "助洁"
    MEDICAL = "medical", "助医"
    CARE = "care", "生活照料"
    COMPANY = "company", "精神慰藉"
    MONEY = "money", "生活困难"
    HOUSING = "housing", "住房安全"


class Visit(models.Model):
    elder = models.ForeignKey(
        "people.Person", verbose_name="老年人", on_delete=models.PROTECT, related_name="visits"
    )
    region_code = models.CharField("管辖区划", max_length=15)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="探访人员",
        on_delete=models.PROTECT,
        related_name="visits_made",
    )
    visited_on = models.DateField("探访日期")
    mode = models.CharField("探访方式", max_length=8, choices=VisitMode.choices)
    health = models.CharField("健康状况", max_length=8, choices=Health.choices)
    safety = models.CharField("安全状况", max_length=8, choices=Safety.choices)
    needs = models.JSONField("需求", default=list)
    note = models.CharField("情况说明", max_length=500, blank=True, default="")
    # Private: MEDIA is not served; the photo view checks the elder's scope and audits each viewing.
    photo = models.FileField("照片", upload_to="visits/%Y/%m/", blank=True, default="")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "探访记录"
        verbose_name_plural = "探访记录"
        ordering = ["-visited_on", "-pk"]
        # The rate report asks "any visit of this elder in the month": elder first, then the date.
        indexes = [
            models.Index(fields=["elder", "visited_on"], name="visit_elder_day"),
            models.Index(fields=["region_code", "visited_on"], name="visit_region_day"),
            # The month's visited elders as one set (visit_rate, not_visited): date range first, the
            # elder in the index so the scan never reads the table.
            models.Index(fields=["visited_on", "elder"], name="visit_day_elder"),
        ]

    def __str__(self) -> str:
        return f"探访{self.elder_id}@{self.visited_on}"

    @property
    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(n, n)) for n in self.needs]


class RaiseKind(models.TextChoices):
    SAFETY_ALERT = "safety_alert", "安全风险预警（乡镇）"
    DIBAO = "dibao", "转介低保"
    TEKUN = "tekun", "转介特困供养"
    TEMPORARY = "temporary", "转介临时救助"
    HOME_SERVICE = "home_service", "转介居家养老服务"
    FACILITY = "facility", "转介养老机构"


class RaiseStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACCEPTED = "accepted", "已受理"
    CLOSED = "closed", "已办结"


class Raise(models.Model):
    """What a visit raised: a safety alert to the township or a referral (target and status)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="raised", verbose_name="探访记录")
    elder = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    kind = models.CharField("类型", max_length=16, choices=RaiseKind.choices)
    status = models.CharField("状态", max_length=10, choices=RaiseStatus.choices, default=RaiseStatus.OPEN)
    note = models.CharField("说明", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "探访预警与转介"
        verbose_name_plural = "探访预警与转介"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.elder_id}"


class PairFrequency(models.TextChoices):
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"


class Pair(models.Model):
    """相约黎明 (seed 004): a neighbour or volunteer who checks on the elder every morning."""

    elder = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="dawn_pairs", verbose_name="老年人"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="dawn_pairs"
    )
    helper_name = models.CharField("结对人姓名", max_length=64)
    helper_phone_enc = models.TextField("结对人电话（密文）", blank=True, default="")
    frequency = models.CharField("报平安频次", max_length=8, choices=PairFrequency.choices)
    started_on = models.DateField("结对日期")
    ended_on = models.DateField("解除日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "相约黎明结对"
        verbose_name_plural = "相约黎明结对"
        constraints = [
            models.UniqueConstraint(
                fields=["elder"], condition=models.Q(ended_on__isnull=True), name="one_open_pair_per_elder"
            )
        ]

    def __str__(self) -> str:
        return f"结对{self.elder_id}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.helper_phone_enc)) if self.helper_phone_enc else ""


class CheckIn(models.Model):
    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="checkins")
    checked_on = models.DateField("日期")
    safe = models.BooleanField("平安", default=True)
    note = models.CharField("说明", max_length=200, blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "报平安"
        verbose_name_plural = "报平安"
        constraints = [models.UniqueConstraint(fields=["pair", "checked_on"], name="one_checkin_per_day")]

    def __str__(self) -> str:
        return f"平安{self.pair_id}@{self.checked_on}"
