from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不予批准"


class Kind(models.TextChoices):
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class SubsidyApplication(models.Model):
    """One application for the two subsidies: the certificate the township clerk took in, and the
    decision (rule version, inputs and result of the one rule) that grants one or both."""

    person = models.ForeignKey(
        "people.Person", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    # 残疾人证号 is the ID number plus two digits: stored, shown masked, never audited in full
    certificate_no = models.CharField("残疾人证号", max_length=24)
    grade = models.PositiveSmallIntegerField(
        "残疾等级", choices=[(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")]
    )
    kind = models.CharField("残疾类别", max_length=16, choices=Kind.choices)
    issued_on = models.DateField("发证日期")
    household_dibao = models.BooleanField("家庭享受低保", default=False)
    tekun = models.BooleanField("特困供养人员", default=False)
    work_injury_care = models.BooleanField("享受工伤保险生活护理费", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    intake_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人", on_delete=models.PROTECT, related_name="+"
    )
    intake_at = models.DateTimeField("受理时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    first_month = models.DateField("待遇起始月", null=True, blank=True)
    rule_version = models.CharField("规则版本", max_length=64, blank=True, default="")
    inputs = models.JSONField("审批所用数据与参数", default=dict, blank=True)
    result = models.JSONField("核定结果", default=dict, blank=True)
    living_amount = models.PositiveIntegerField("生活补贴（元/月）", default=0)
    care_amount = models.PositiveIntegerField("护理补贴（元/月）", default=0)
    letter_no = models.CharField("决定书文号", max_length=40, blank=True, default="")
    note = models.CharField("审批意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "残疾人两项补贴申请"
        ordering = ["-intake_at", "-id"]
        indexes = [models.Index(fields=["region_code", "status"])]

    def __str__(self) -> str:
        return f"{self.person.name} 残疾人两项补贴申请"

    @property
    def certificate_masked(self) -> str:
        c = self.certificate_no
        return c[:6] + "*" * max(len(c) - 10, 0) + c[-4:] if len(c) > 10 else "****"


class RehabSite(models.Model):
    """社区康复站 for people with mental disorders (seed 002: 精神障碍社区康复服务)."""

    name = models.CharField("名称", max_length=100)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    capacity = models.PositiveIntegerField("服务容量（人）")

    class Meta:
        verbose_name = "社区康复站"

    def __str__(self) -> str:
        return self.name


class RehabEnrolment(models.Model):
    site = models.ForeignKey(
        RehabSite, verbose_name="康复站", on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="服务对象", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    start_date = models.DateField("入站日期")
    end_date = models.DateField("离站日期", null=True, blank=True)
    end_reason = models.CharField("离站原因", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "康复服务对象"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "person"],
                condition=models.Q(end_date__isnull=True),
                name="dis_rehab_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.person}"


class Attendance(models.Model):
    class Mark(models.TextChoices):
        PRESENT = "present", "到站"
        LEAVE = "leave", "请假"
        ABSENT = "absent", "缺勤"

    enrolment = models.ForeignKey(
        RehabEnrolment, verbose_name="服务对象", on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField("日期")
    mark = models.CharField("出勤", max_length=8, choices=Mark.choices)

    class Meta:
        verbose_name = "康复出勤"
        constraints = [models.UniqueConstraint(fields=["enrolment", "day"], name="dis_attendance_one_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_mark_display()}"


class DeviceType(models.Model):
    """辅具目录: an assistive device that is lent out (wheelchair, walker, nursing bed …)."""

    name = models.CharField("辅具名称", max_length=60, unique=True)
    loan_days = models.PositiveIntegerField("租借期限（天）")

    class Meta:
        verbose_name = "辅具目录"

    def __str__(self) -> str:
        return self.name


class DeviceStock(models.Model):
    site = models.ForeignKey(RehabSite, verbose_name="服务点", on_delete=models.PROTECT, related_name="stock")
    device = models.ForeignKey(DeviceType, verbose_name="辅具", on_delete=models.PROTECT, related_name="+")
    on_hand = models.PositiveIntegerField("在库数量", default=0)

    class Meta:
        verbose_name = "辅具库存"
        constraints = [models.UniqueConstraint(fields=["site", "device"], name="dis_stock_one_row")]

    def __str__(self) -> str:
        return f"{self.site} · {self.device}"


class DeviceLoan(models.Model):
    stock = models.ForeignKey(
        DeviceStock, verbose_name="库存", on_delete=models.PROTECT, related_name="loans"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="借用人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    lent_on = models.DateField("借出日期")
    due_on = models.DateField("应还日期")
    returned_on = models.DateField("归还日期", null=True, blank=True)

    class Meta:
        verbose_name = "辅具租借"
        indexes = [models.Index(fields=["region_code", "returned_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.stock} → {self.person}"

    def state_label(self, on: Any) -> str:
        if self.returned_on is not None:
            return "已归还"
        return "逾期未还" if self.due_on < on else "借用中"
