"""大学生全程资助 (seed 002: 城乡低保家庭大学生高等教育阶段全程救助): a university student of a dibao or
tekun family is enrolled once by the township, checked against the education source each term, and aided
per academic year (tuition up to a cap, a living allowance), decided by the county and approved by a
second person; the money is paid as a one-month enrolment through the one enrolment table and payroll."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StudentStatus(models.TextChoices):
    STUDYING = "studying", "在读"
    GRADUATED = "graduated", "已毕业"
    LEFT = "left", "已离校（退学）"


class TermFinding(models.TextChoices):
    STUDYING = "studying", "在读"
    GRADUATED = "graduated", "已毕业"
    LEFT = "left", "已离校（退学）"
    SUSPENDED = "suspended", "休学"


class CheckSource(models.TextChoices):
    EDUCATION = "education", "教育部门数据比对"
    DESK = "desk", "经办人核实"


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", "待复核"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "复核不同意"


class Student(models.Model):
    person = models.OneToOneField(
        "people.Person", verbose_name="学生", on_delete=models.PROTECT, related_name="student_aid"
    )
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    family_programme = models.CharField("家庭保障类别", max_length=16)  # the enrolment that qualified it
    school = models.CharField("就读学校", max_length=100)
    major = models.CharField("专业", max_length=100)
    entry_year = models.PositiveSmallIntegerField("入学年份")
    graduation_year = models.PositiveSmallIntegerField("预计毕业年份")
    student_number = models.CharField("学号", max_length=32)
    status = models.CharField(
        "学籍状态", max_length=16, choices=StudentStatus.choices, default=StudentStatus.STUDYING
    )
    stopped_on = models.DateField("停止资助日期", null=True, blank=True)
    stop_reason = models.CharField("停止原因", max_length=200, blank=True, default="")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    enrolled_on = models.DateField("登记日期")

    class Meta:
        verbose_name = "资助大学生"
        verbose_name_plural = "资助大学生"
        ordering = ["-enrolled_on", "-pk"]

    def __str__(self) -> str:
        return f"资助大学生{self.pk}"


class TermCheck(models.Model):
    """One term's check of the student's enrolment (秋季学期 = 1, 春季学期 = 2 of the academic year)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="checks")
    academic_year = models.PositiveSmallIntegerField("学年（起始年）")
    term = models.PositiveSmallIntegerField("学期", choices=[(1, "秋季学期"), (2, "春季学期")])
    finding = models.CharField("核查结果", max_length=16, choices=TermFinding.choices)
    source = models.CharField("核查方式", max_length=16, choices=CheckSource.choices)
    note = models.CharField("说明", max_length=200, blank=True, default="")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核查人", on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField("核查日期")

    class Meta:
        verbose_name = "学期核查"
        verbose_name_plural = "学期核查"
        ordering = ["-academic_year", "-term"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "academic_year", "term"], name="students_one_check_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"学期核查{self.pk}"


class YearAward(models.Model):
    """The aid of one academic year: proposed by the county (amounts from the dated policy), approved by a
    second person, then paid once as an enrolment (first month = last month = the approval month)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="awards")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    academic_year = models.PositiveSmallIntegerField("学年（起始年）")
    tuition_fee = models.PositiveIntegerField("学费（元/学年）")
    tuition_aid = models.PositiveIntegerField("学费资助（元）")
    living_aid = models.PositiveIntegerField("生活费补助（元）")
    status = models.CharField(
        "状态", max_length=16, choices=AwardStatus.choices, default=AwardStatus.PROPOSED
    )
    policy = models.JSONField("依据政策参数", default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField("决定日期")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_on = models.DateField("复核日期", null=True, blank=True)
    note = models.CharField("复核意见", max_length=200, blank=True, default="")
    enrolment = models.ForeignKey(
        "benefits.Enrolment",
        verbose_name="发放待遇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "学年资助"
        verbose_name_plural = "学年资助"
        ordering = ["-academic_year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "academic_year"], name="students_one_award_per_year")
        ]

    def __str__(self) -> str:
        return f"学年资助{self.pk}"

    @property
    def total(self) -> int:
        return self.tuition_aid + self.living_aid
