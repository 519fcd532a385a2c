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


class TermImport(models.Model):
    """One term file of the education source (CSV or Excel), uploaded by a county officer: its rows are
    kept as accepted (a term check was recorded) or rejected (with the Chinese reason)."""

    region_code = models.CharField("导入人辖区", max_length=15, db_index=True)
    academic_year = models.PositiveSmallIntegerField("学年（起始年）")
    term = models.PositiveSmallIntegerField("学期", choices=[(1, "秋季学期"), (2, "春季学期")])
    file_name = models.CharField("文件名", max_length=100)
    file_kind = models.CharField("文件类型", max_length=8)
    rows_total = models.PositiveIntegerField("数据行数")
    accepted = models.PositiveIntegerField("接受行数")
    rejected = models.PositiveIntegerField("拒绝行数")
    stopped = models.PositiveIntegerField("停止资助人数")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    imported_on = models.DateField("导入日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学期学籍文件导入"
        verbose_name_plural = "学期学籍文件导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"学籍文件导入{self.pk}"


class TermImportRow(models.Model):
    """One data row of an imported file as the officer reads it (ID masked; never the full number)."""

    batch = models.ForeignKey(TermImport, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField("行号")
    id_masked = models.CharField("身份证号", max_length=18, blank=True, default="")
    name = models.CharField("姓名", max_length=64, blank=True, default="")
    school = models.CharField("学校", max_length=100, blank=True, default="")
    term_text = models.CharField("学期", max_length=40, blank=True, default="")
    status_text = models.CharField("学籍状态", max_length=20, blank=True, default="")
    accepted = models.BooleanField("接受")
    finding = models.CharField("核查结果", max_length=16, choices=TermFinding.choices, blank=True, default="")
    reason = models.CharField("拒绝原因", max_length=200, blank=True, default="")
    student = models.ForeignKey(
        "Student", verbose_name="资助学生", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "学籍文件行"
        verbose_name_plural = "学籍文件行"
        ordering = ["line"]

    def __str__(self) -> str:
        return f"学籍文件行{self.pk}"


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
    batch = models.ForeignKey(
        TermImport,
        verbose_name="来源文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )

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
