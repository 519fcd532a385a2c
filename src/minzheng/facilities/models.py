"""养老设施 (issue 14 part 4): the registry of facilities, their residents and what the care staff record
(the care-home app of seed 000), the canteen and project grants, home adaptation (适老化改造) and the
双随机 supervision. State changes only through services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.elderly.models import CapabilityLevel


class Kind(models.TextChoices):
    TEKUN_HOME = "tekun_home", "敬老院"
    NURSING_HOME = "nursing_home", "养老院"
    PUBLIC_PRIVATE = "public_private", "公建民营养老机构"
    DAY_CARE = "day_care", "日间照料中心"
    CANTEEN = "canteen", "老年人食堂"
    HAPPINESS = "happiness", "农村幸福院"
    TURNOVER = "turnover", "周转房"


# Kinds with beds and residents (the nursing-bed share and tekun centralisation count these).
INSTITUTIONS = (Kind.TEKUN_HOME, Kind.NURSING_HOME, Kind.PUBLIC_PRIVATE)


class Status(models.TextChoices):
    FILED = "filed", "已备案"
    LICENSED = "licensed", "已取得许可"
    PENDING = "pending", "待备案"
    SUSPENDED = "suspended", "停业整顿"
    CLOSED = "closed", "已注销"


class Facility(models.Model):
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, db_index=True)
    operator = models.CharField("运营方", max_length=100)
    address = models.CharField("地址", max_length=200)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    beds_total = models.PositiveIntegerField("床位总数", default=0)
    beds_nursing = models.PositiveIntegerField("护理型床位", default=0)
    area_m2 = models.PositiveIntegerField("建筑面积（平方米）", null=True, blank=True)
    star_rating = models.PositiveSmallIntegerField("星级", default=0)
    status = models.CharField("备案状态", max_length=12, choices=Status.choices, db_index=True)
    filed_on = models.DateField("备案/许可日期", null=True, blank=True)
    valid_to = models.DateField("有效期至", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "养老设施"
        verbose_name_plural = "养老设施"
        ordering = ["region_code", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Residency(models.Model):
    """One stay of an elder in an institution (入住 → 出院). Graded care (分级护理) follows the elder's
    capability level at admission; the fee is split by elderly.shares.care_share."""

    facility = models.ForeignKey(
        Facility, verbose_name="机构", on_delete=models.PROTECT, related_name="stays"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="入住老人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("机构区划", max_length=15, db_index=True)
    identity = models.CharField("身份", max_length=8)  # elderly.shares.IDENTITIES
    care_level = models.PositiveSmallIntegerField("护理等级（能力等级）", choices=CapabilityLevel.choices)
    monthly_fee = models.PositiveIntegerField("月照护费（元）")
    room = models.CharField("房间床号", max_length=20, blank=True, default="")
    admitted_on = models.DateField("入住日期")
    discharged_on = models.DateField("出院日期", null=True, blank=True, db_index=True)
    discharge_reason = models.CharField("出院原因", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "入住老人"
        verbose_name_plural = "入住老人"
        ordering = ["facility_id", "room", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(discharged_on__isnull=True),
                name="one_open_stay_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"入住#{self.pk}"


class CareKind(models.TextChoices):
    DAILY = "daily", "日常照护"
    MEDICATION = "medication", "用药记录"
    ROUNDS = "rounds", "查房记录"
    HEALTH = "health", "健康状况"


class CareRecord(models.Model):
    residency = models.ForeignKey(Residency, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField("类别", max_length=12, choices=CareKind.choices)
    content = models.CharField("内容", max_length=500)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "照护记录"
        verbose_name_plural = "照护记录"
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"照护记录#{self.pk}"


class OutingState(models.TextChoices):
    REQUESTED = "requested", "待审批"
    APPROVED = "approved", "已批准外出"
    REFUSED = "refused", "不予批准"
    RETURNED = "returned", "已返院"
    ENDED = "ended", "已终止（老人死亡）"  # the death hook closes a pending or running outing


class Outing(models.Model):
    residency = models.ForeignKey(Residency, on_delete=models.PROTECT, related_name="outings")
    reason = models.CharField("外出事由", max_length=200)
    companion = models.CharField("陪同人", max_length=50, blank=True, default="")
    leave_on = models.DateField("外出日期")
    return_by = models.DateField("预计返院日期")
    state = models.CharField(
        "状态", max_length=12, choices=OutingState.choices, default=OutingState.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_on = models.DateField("实际返院日期", null=True, blank=True)

    class Meta:
        verbose_name = "外出申请"
        verbose_name_plural = "外出申请"
        ordering = ["-leave_on", "-pk"]

    def __str__(self) -> str:
        return f"外出申请#{self.pk}"


class GrantKind(models.TextChoices):
    CANTEEN = "canteen", "老年人食堂建设运营奖补"
    NURSING_BEDS = "nursing_beds", "敬老院护理床位改造补助"
    HAPPINESS = "happiness", "农村幸福院建设运营补助"


class GrantState(models.TextChoices):
    APPLIED = "applied", "已申请"
    INSPECTED = "inspected", "已验收"
    APPROVED = "approved", "已审批"
    PAID = "paid", "已拨付"
    REFUSED = "refused", "不予补助"


class Grant(models.Model):
    """A construction/operation grant for one facility: application → inspection → approval → payment;
    the approver and the payer are different people from the applicant and from each other."""

    facility = models.ForeignKey(
        Facility, verbose_name="设施", on_delete=models.PROTECT, related_name="grants"
    )
    kind = models.CharField("项目", max_length=16, choices=GrantKind.choices)
    region_code = models.CharField("区划", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    area_m2 = models.PositiveIntegerField("面积（平方米）")
    rural = models.BooleanField("乡村")
    amount = models.PositiveIntegerField("补助金额（元）", default=0)
    state = models.CharField("状态", max_length=12, choices=GrantState.choices, default=GrantState.APPLIED)
    inspection_note = models.CharField("验收意见", max_length=300, blank=True, default="")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "养老项目补助"
        verbose_name_plural = "养老项目补助"
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return f"补助#{self.pk}"


class AdaptationState(models.TextChoices):
    APPLIED = "applied", "已申请"
    ASSESSED = "assessed", "已评估"
    WORKS = "works", "施工中"
    ACCEPTED = "accepted", "已验收"
    PAID = "paid", "已拨付"


ADAPTATION_NEXT = {
    AdaptationState.APPLIED: AdaptationState.ASSESSED,
    AdaptationState.ASSESSED: AdaptationState.WORKS,
    AdaptationState.WORKS: AdaptationState.ACCEPTED,
    AdaptationState.ACCEPTED: AdaptationState.PAID,
}


class Adaptation(models.Model):
    """适老化改造 for one household: application → assessment → works → acceptance → payment."""

    person = models.ForeignKey(
        "people.Person", verbose_name="老年人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("区划", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    items = models.CharField("改造项目", max_length=300)
    amount = models.PositiveIntegerField("改造费用（元）", default=0)
    state = models.CharField(
        "状态", max_length=12, choices=AdaptationState.choices, default=AdaptationState.APPLIED
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "适老化改造"
        verbose_name_plural = "适老化改造"
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return f"适老化改造#{self.pk}"


class Inspector(models.Model):
    """One person of the 双随机 inspector pool (执法检查人员名录库)."""

    name = models.CharField("姓名", max_length=30)
    unit = models.CharField("单位", max_length=100)
    region_code = models.CharField("所属区划", max_length=15, db_index=True)
    active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = "检查人员"
        verbose_name_plural = "检查人员"
        ordering = ["region_code", "pk"]

    def __str__(self) -> str:
        return f"检查人员#{self.pk}"


class Draw(models.Model):
    """A 双随机 draw: `seed` and the ordered pools it drew from are stored, so anyone can redo it."""

    region_code = models.CharField("区划", max_length=15, db_index=True)
    seed = models.BigIntegerField("随机种子")
    facility_ids = models.JSONField("备选机构")
    inspector_ids = models.JSONField("备选人员")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "双随机抽取"
        verbose_name_plural = "双随机抽取"
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return f"双随机抽取#{self.pk}"


class Inspection(models.Model):
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="inspections")
    facility = models.ForeignKey(
        Facility, verbose_name="机构", on_delete=models.PROTECT, related_name="inspections"
    )
    inspectors = models.ManyToManyField(Inspector, verbose_name="检查人员", related_name="+")
    region_code = models.CharField("区划", max_length=15, db_index=True)
    finding = models.CharField("检查发现", max_length=500, blank=True, default="")
    fire_safe = models.BooleanField("消防安全合格", null=True, blank=True)
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    credit_mark = models.CharField("信用记录", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"检查记录#{self.pk}"


class CareWorker(models.Model):
    """A care worker (养老护理员) of a facility: training hours, certificate and the 孔孟之乡敬老使者 award,
    whose yearly stipend is policy data (facilities.carer_award_stipend)."""

    facility = models.ForeignKey(
        Facility, verbose_name="机构", on_delete=models.PROTECT, related_name="workers"
    )
    region_code = models.CharField("区划", max_length=15, db_index=True)
    name = models.CharField("姓名", max_length=30)
    training_hours = models.PositiveIntegerField("培训学时", default=0)
    certificate = models.CharField("职业技能等级证书", max_length=50, blank=True, default="")
    award_year = models.PositiveSmallIntegerField("获评敬老使者年度", null=True, blank=True)

    class Meta:
        verbose_name = "养老护理员"
        verbose_name_plural = "养老护理员"
        ordering = ["facility_id", "pk"]

    def __str__(self) -> str:
        return f"养老护理员#{self.pk}"
