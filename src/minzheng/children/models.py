"""儿童福利: the category case (受理 → 核实 → 认定, 民发〔2019〕62号) with each parent's situation and its
evidence, the decision with its rule version and inputs, and the village child director's monthly check
of every beneficiary (seed 004)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .rules import CHILD_LABELS, SITUATIONS


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", "已受理"
    VERIFIED = "verified", "已核实"
    APPROVED = "approved", "已认定"
    REJECTED = "rejected", "不予认定"


class CategoryCase(models.Model):
    """One application for a child's category (the casework model: state, version, region_code)."""

    state = models.CharField("状态", max_length=24, choices=CaseState.choices, default=CaseState.SUBMITTED)
    version = models.PositiveIntegerField(default=0)
    region_code = models.CharField("受理地", max_length=15, db_index=True)
    child = models.ForeignKey(
        "people.Person", verbose_name="儿童", on_delete=models.PROTECT, related_name="+"
    )
    # Declared only for the categories the parents' situations do not make (HIV-affected, key difficult,
    # guardianship-lacking); "" = decided from the parents.
    declared_category = models.CharField(
        "申报类别", max_length=24, blank=True, default="", choices=list(CHILD_LABELS.items())
    )
    in_institution = models.BooleanField("在福利机构养育", default=False)
    guardian_name = models.CharField("监护人/抚养人", max_length=64, blank=True, default="")
    # A re-decision (a parent's situation changed) points at the case whose decision it replaces.
    previous = models.ForeignKey(
        "self", verbose_name="原认定", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童保障类别认定"
        verbose_name_plural = "儿童保障类别认定"

    def __str__(self) -> str:
        return f"儿童类别认定#{self.pk}"


class ParentSituation(models.Model):
    """A parent's situation and the document that proves it (death certificate, court judgment …)."""

    case = models.ForeignKey(CategoryCase, on_delete=models.CASCADE, related_name="parents")
    parent = models.CharField("父/母", max_length=8, choices=[("father", "父亲"), ("mother", "母亲")])
    situation = models.CharField("情形", max_length=24, choices=list(SITUATIONS.items()))
    evidence_kind = models.CharField("证明材料", max_length=60, blank=True, default="")
    evidence_number = models.CharField("材料编号", max_length=60, blank=True, default="")
    evidence_date = models.DateField("出具日期", null=True, blank=True)
    evidence_issuer = models.CharField("出具机关", max_length=100, blank=True, default="")
    # The parent in the people registry when known: a death recorded there re-decides the category.
    parent_person = models.ForeignKey(
        "people.Person",
        verbose_name="父/母（人员库）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "父母情形"
        verbose_name_plural = "父母情形"
        ordering = ["case", "parent"]
        constraints = [models.UniqueConstraint(fields=["case", "parent"], name="children_one_situation_each")]

    def __str__(self) -> str:
        return f"{self.get_parent_display()}{self.get_situation_display()}"


class CategoryDecision(models.Model):
    """The decision: what the rule answered on the day, with the rule version and the inputs it read."""

    case = models.OneToOneField(CategoryCase, on_delete=models.PROTECT, related_name="decision")
    approved = models.BooleanField("准予认定")
    category = models.CharField(
        "认定类别", max_length=24, blank=True, default="", choices=list(CHILD_LABELS.items())
    )
    monthly_amount = models.PositiveIntegerField("月保障金（元）", default=0)
    funding = models.CharField("资金来源", max_length=16, default="")
    rule_version = models.CharField("规则版本", max_length=32)
    inputs = models.JSONField("认定依据输入", default=dict)
    reasons = models.JSONField("认定理由", default=list)
    document_number = models.CharField("文号", max_length=40, unique=True)
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        "benefits.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "儿童保障认定决定"
        verbose_name_plural = "儿童保障认定决定"

    def __str__(self) -> str:
        return self.document_number


class MonthlyCheck(models.Model):
    """The child director's check of one beneficiary in one month (seed 004: every beneficiary monthly)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="儿童", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("核查月")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    seen = models.BooleanField("见到儿童本人", default=False)
    living_ok = models.BooleanField("基本生活有保障", default=False)
    schooling_ok = models.BooleanField("按时上学", default=False)
    health_ok = models.BooleanField("身体健康状况良好", default=False)
    guardian_ok = models.BooleanField("监护人履职到位", default=False)
    situation_unchanged = models.BooleanField("父母情形未变化", default=False)
    note = models.CharField("情况说明", max_length=300, blank=True, default="")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童月度核查"
        verbose_name_plural = "儿童月度核查"
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="children_one_check_a_month")]
        indexes = [models.Index(fields=["month", "region_code"], name="children_check_month")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"


# The checklist items of a monthly check (its boolean fields), in the order the form asks them.
CHECK_ITEMS = ("seen", "living_ok", "schooling_ok", "health_ok", "guardian_ok", "situation_unchanged")


class Referral(models.TextChoices):
    DIBAO = "dibao", "转入最低生活保障"
    TEKUN = "tekun", "转入特困人员救助供养"
    EMPLOYMENT = "employment", "转介就业服务"
    EDUCATION = "education", "继续就学（资助）"
    NONE = "none", "无需转介"


class TransitionReferral(models.Model):
    """At 18 the allowance ends; where the young adult was referred next (dibao, tekun, employment)."""

    enrolment = models.OneToOneField(
        "benefits.Enrolment", on_delete=models.PROTECT, related_name="+", verbose_name="儿童保障待遇"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    referred_to = models.CharField("转介去向", max_length=16, choices=Referral.choices)
    note = models.CharField("说明", max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "到龄转介"
        verbose_name_plural = "到龄转介"

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_referred_to_display()}"


# ---------------------------------------------------------------- one child, one file (一人一档)
class SchoolStatus(models.TextChoices):
    PRESCHOOL = "preschool", "学龄前"
    ENROLLED = "enrolled", "在读"
    SUSPENDED = "suspended", "休学"
    DROPPED_OUT = "dropped_out", "辍学"
    NOT_ENROLLED = "not_enrolled", "适龄未入学"
    GRADUATED = "graduated", "已毕业"


class GuardianRelation(models.TextChoices):
    PARENT = "parent", "父母一方"
    GRANDPARENT = "grandparent", "祖父母/外祖父母"
    SIBLING = "sibling", "兄姐"
    RELATIVE = "relative", "其他亲属"
    ENTRUSTED = "entrusted", "委托照护人"
    INSTITUTION = "institution", "民政部门/福利机构"


class ChildFile(models.Model):
    """一人一档: the file of a child in difficulty or a rural left-behind child (民发〔2019〕34号), kept by
    the village child director: guardian, school, health, the 1+1+2+N pairing (seed 004)."""

    person = models.OneToOneField(
        "people.Person", verbose_name="儿童", on_delete=models.PROTECT, related_name="child_file"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    left_behind = models.BooleanField("农村留守儿童", default=False)
    in_difficulty = models.BooleanField("困境儿童", default=False)
    guardian = models.ForeignKey(
        "people.Person",
        verbose_name="监护人（人员库）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    guardian_name = models.CharField("监护人", max_length=64, blank=True, default="")
    guardian_relation = models.CharField(
        "与儿童关系", max_length=16, blank=True, default="", choices=GuardianRelation.choices
    )
    school_name = models.CharField("学校", max_length=100, blank=True, default="")
    school_grade = models.CharField("年级", max_length=20, blank=True, default="")
    school_status = models.CharField(
        "就学状态", max_length=16, blank=True, default="", choices=SchoolStatus.choices
    )
    # Sensitive: shown only on an explicit, audited reveal.
    health_conditions = models.TextField("健康状况", blank=True, default="")
    # 1+1+2+N (seed 004): one lead unit, one social worker and one young volunteer, N others.
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="儿童主任",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_unit = models.CharField("牵头帮扶单位", max_length=100, blank=True, default="")
    social_worker = models.CharField("专业社工", max_length=64, blank=True, default="")
    youth_volunteer = models.CharField("青年志愿者", max_length=64, blank=True, default="")
    others = models.CharField("其他帮扶人（N）", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "儿童档案"
        verbose_name_plural = "儿童档案"

    def __str__(self) -> str:
        return f"儿童档案#{self.pk}"


class GuardianshipResult(models.TextChoices):
    FULL = "full", "有监护能力"
    PARTIAL = "partial", "部分监护能力"
    NONE = "none", "无监护能力"


class GuardianshipAssessment(models.Model):
    """监护能力评估: the scored checklist (items and points in rules.GUARDIANSHIP_ITEMS), the result by the
    policy thresholds on the day, and the follow-up date. Kept as history: a new one never overwrites."""

    file = models.ForeignKey(ChildFile, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField("评估日期")
    answers = models.JSONField("评估项目", default=dict)
    score = models.PositiveSmallIntegerField("得分")
    result = models.CharField("评估结论", max_length=8, choices=GuardianshipResult.choices)
    rule_version = models.CharField("规则版本", max_length=32)
    follow_up_on = models.DateField("复评日期")
    note = models.CharField("评估意见", max_length=300, blank=True, default="")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "监护能力评估"
        verbose_name_plural = "监护能力评估"
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.assessed_on}"


class VisitKind(models.TextChoices):
    HOME = "home", "入户走访"
    PHONE = "phone", "电话随访"
    SCHOOL = "school", "学校走访"
    OTHER = "other", "其他"


class FileVisit(models.Model):
    """A visit other than the monthly check (the file shows both)."""

    file = models.ForeignKey(ChildFile, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField("走访日期")
    kind = models.CharField("方式", max_length=8, choices=VisitKind.choices)
    note = models.CharField("走访情况", max_length=300)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童走访"
        verbose_name_plural = "儿童走访"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.visited_on}"


class ParentChange(models.Model):
    """Evidence that a parent's situation changed (released from prison, found, certificate revoked, a
    death in the people registry) and the re-decision case it opened when the category changes."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    case = models.ForeignKey(CategoryCase, verbose_name="原认定", on_delete=models.PROTECT, related_name="+")
    parent = models.CharField("父/母", max_length=8, choices=[("father", "父亲"), ("mother", "母亲")])
    old_situation = models.CharField("原情形", max_length=24, choices=list(SITUATIONS.items()))
    new_situation = models.CharField("现情形", max_length=24, choices=list(SITUATIONS.items()))
    evidence_kind = models.CharField("证明材料", max_length=60)
    evidence_number = models.CharField("材料编号", max_length=60)
    evidence_date = models.DateField("出具日期")
    evidence_issuer = models.CharField("出具机关", max_length=100)
    redecision = models.ForeignKey(
        CategoryCase,
        verbose_name="重新认定",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "父母情形变化"
        verbose_name_plural = "父母情形变化"
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.child_id} {self.get_parent_display()}"


# ---------------------------------------------------------------- workforce and 儿童之家
class Position(models.TextChoices):
    SUPERVISOR = "supervisor", "乡镇（街道）儿童督导员"
    DIRECTOR = "director", "村（居）儿童主任"


class ChildWorker(models.Model):
    """A township supervisor or village child director as a staff record bound to the region they serve."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT, related_name="child_worker"
    )
    position = models.CharField("岗位", max_length=12, choices=Position.choices)
    region_code = models.CharField("服务区划", max_length=15, db_index=True)
    appointed_on = models.DateField("聘任日期")
    training_hours = models.PositiveIntegerField("累计培训学时", default=0)
    left_on = models.DateField("离任日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童工作队伍"
        verbose_name_plural = "儿童工作队伍"
        ordering = ["region_code", "pk"]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.user_id}"


class ChildrenHome(models.Model):
    """儿童之家: a village's children's home (seed 002: 1,038 in the city)."""

    name = models.CharField("名称", max_length=100)
    region_code = models.CharField("所在村（居）", max_length=15, db_index=True)
    address = models.CharField("地址", max_length=200)
    opened_on = models.DateField("建成日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童之家"
        verbose_name_plural = "儿童之家"
        ordering = ["region_code", "pk"]

    def __str__(self) -> str:
        return self.name


class HomeActivity(models.Model):
    home = models.ForeignKey(ChildrenHome, on_delete=models.PROTECT, related_name="activities")
    held_on = models.DateField("活动日期")
    title = models.CharField("活动内容", max_length=100)
    participants = models.PositiveIntegerField("参加儿童人数")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "儿童之家活动"
        verbose_name_plural = "儿童之家活动"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title
