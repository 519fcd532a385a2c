from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.programmes.registry import programme_name


class Programme(models.TextChoices):
    """The programmes this line registers (apps.py); the registry, not `choices`, checks stored codes."""

    DIBAO = "dibao", "最低生活保障"
    TEKUN = "tekun", "特困人员救助供养"
    TEMPORARY = "temporary", "临时救助"


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已受理"
    VERIFYING = "verifying", "核对中"
    VILLAGE_REVIEW = "village_review", "民主评议"
    PUBLIC_NOTICE = "public_notice", "公示中"
    DECIDED = "decided", "已审批"
    ACTIVE = "active", "保障中"
    CLOSED = "closed", "已办结"


class Application(models.Model):
    """One application at the one-window desk (一门受理、协同办理). State changes only through the
    services in services.py; `version` is the optimistic lock that stops a double decision."""

    programme = models.CharField("救助项目", max_length=16)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0)
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        "people.Person", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("受理地", max_length=15, db_index=True)
    hukou_type = models.CharField("户口性质", max_length=8)
    # Declared facts (申报): income per member and household assets, as the assess contract shapes them.
    declared = models.JSONField("申报信息", default=dict)
    emergency_kind = models.CharField("临时救助类型", max_length=16, blank=True, default="")  # 急难型/支出型
    # 特困: 集中供养 in an institution or 分散供养 at home (seed 002: the willing → 100 % centralised).
    care_mode = models.CharField(
        "供养方式",
        max_length=12,
        blank=True,
        default="",
        choices=[("centralised", "集中供养"), ("dispersed", "分散供养")],
    )
    care_institution = models.CharField("供养机构", max_length=100, blank=True, default="")
    emergency_description = models.TextField("困难情况说明", blank=True, default="")
    amount_requested = models.PositiveIntegerField("申请金额（元）", null=True, blank=True)
    authorisation_signed_on = models.DateField("核对授权书签署日期", null=True, blank=True)
    submitted_at = models.DateTimeField("受理时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    difficulty_index = models.PositiveSmallIntegerField("困难指数", null=True, blank=True)

    class Meta:
        verbose_name = "救助申请"
        verbose_name_plural = "救助申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_programme_display()}申请#{self.pk}"

    def get_programme_display(self) -> str:
        return programme_name(self.programme)


class Document(models.Model):
    KINDS = [
        ("id_card", "身份证、户口簿"),
        ("authorisation", "核对授权书"),
        ("income_proof", "收入证明"),
        ("disability_cert", "残疾证"),
        ("medical_bills", "医疗费用票据"),
        ("other", "其他材料"),
    ]
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("材料类型", max_length=24, choices=KINDS)
    file = models.FileField("文件", upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=200, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class HomeVisit(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="home_visit")
    visited_on = models.DateField("入户日期")
    visitors = models.CharField("调查人员", max_length=200)
    findings = models.TextField("调查情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "入户调查"
        verbose_name_plural = "入户调查"

    def __str__(self) -> str:
        return f"入户调查 {self.visited_on}"


class VillageReview(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="village_review")
    held_on = models.DateField("评议日期")
    participants = models.PositiveSmallIntegerField("参加人数")
    agreed = models.PositiveSmallIntegerField("同意人数")
    # The outcome follows the votes (policy village_review.min_agree_ratio), never the recorder's wish.
    passed = models.BooleanField("评议通过", default=True)
    notes = models.TextField("评议意见", blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"

    def __str__(self) -> str:
        return f"民主评议 {self.held_on}"


class PublicNotice(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="public_notice")
    start_date = models.DateField("公示开始")
    end_date = models.DateField("公示结束")
    place = models.CharField("公示地点", max_length=200, default="村(社区)公示栏")

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"

    def __str__(self) -> str:
        return f"公示 {self.start_date}—{self.end_date}"


class ObjectionAction(models.TextChoices):
    REVERIFY = "reverify", "异议成立，退回核对"
    REFUSE = "refuse", "异议成立，不予批准"
    REJECT = "reject", "异议不成立"


class Objection(models.Model):
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField("收到日期")
    objector = models.CharField("异议人", max_length=100, blank=True, default="")
    content = models.TextField("异议内容")
    resolution = models.TextField("核实处理结果", blank=True, default="")
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    action = models.CharField(
        "处理方式", max_length=10, choices=ObjectionAction.choices, blank=True, default=""
    )
    informed_on = models.DateField("告知异议人日期", null=True, blank=True)
    informed_how = models.CharField("告知方式", max_length=100, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return f"异议 {self.received_on}"


class Conclusion(models.TextChoices):
    """The 核对 report's conclusion. It lives here, with the case that reads it: verification writes
    reports about assistance applications, so it imports assistance, never the other way round."""

    MATCH = "match", "符合"
    NO_MATCH = "no_match", "不符合"
    MANUAL = "manual", "需人工核实"


class Outcome(models.TextChoices):
    GRANT = "grant", "批准"
    REFUSE = "refuse", "不予批准"


class Decision(models.Model):
    """Immutable record of a decision: the rule version and the exact inputs it used (the "why" page)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField("审批结果", max_length=8, choices=Outcome.choices)
    level = models.CharField("审批层级", max_length=10, default="township")  # township | county
    monthly_amount = models.PositiveIntegerField("月保障金额（元）", default=0)
    members_covered = models.PositiveSmallIntegerField("保障人数", default=0)
    first_month = models.DateField("待遇起始月", null=True, blank=True)
    rule_version = models.CharField("规则版本", max_length=32)
    inputs = models.JSONField("计算依据")
    result = models.JSONField("试算结果")
    reasons = models.TextField("理由")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # A decision against the 核对 conclusion takes effect only with reasons and a second approver.
    verification_override = models.BooleanField("不采纳核对结论", default=False)
    override_reasons = models.TextField("不采纳核对结论的理由", blank=True, default="")
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="第二审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "审批决定"
        verbose_name_plural = "审批决定"
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.monthly_amount}元"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "继续保障"
    ADJUST = "adjust", "调整金额"
    GRADUAL_EXIT = "gradual_exit", "渐退"
    STOP = "stop", "停止保障"


class Review(models.Model):
    """定期核查: yearly (6-monthly where members can work), or triggered by a monitoring alert."""

    enrolment = models.ForeignKey("benefits.Enrolment", on_delete=models.PROTECT, related_name="reviews")
    region_code = models.CharField(max_length=15, db_index=True)
    due_date = models.DateField("应核查日期", db_index=True)
    trigger = models.CharField("来源", max_length=32, default="periodic")  # periodic | alert:<rule>
    outcome = models.CharField(
        "核查结论", max_length=16, choices=ReviewOutcome.choices, blank=True, default=""
    )
    new_amount = models.PositiveIntegerField("调整后金额", null=True, blank=True)
    reasons = models.TextField("理由", blank=True, default="")
    inputs = models.JSONField("计算依据", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="第二审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "定期核查"
        verbose_name_plural = "定期核查"
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"核查#{self.pk} {self.due_date}"


class SecondApproval(models.Model):
    """A decision proposed by one approver that takes effect only when a second approver confirms it: a
    decision against the 核对 conclusion, or a manual review amount above the policy threshold."""

    KINDS = [("decision", "审批决定"), ("review", "核查调整金额")]
    kind = models.CharField("事项", max_length=10, choices=KINDS)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="second_approvals"
    )
    review = models.ForeignKey(
        "Review", null=True, blank=True, on_delete=models.PROTECT, related_name="second_approvals"
    )
    region_code = models.CharField(max_length=15, db_index=True)
    payload = models.JSONField("拟办内容")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "待第二人审批"
        verbose_name_plural = "待第二人审批"
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"待第二人审批#{self.pk}"


class Escalation(models.Model):
    """提级复审 (seed 003): a refused or stopped case goes to the county, whose decision replaces the
    township's."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="escalations")
    region_code = models.CharField(max_length=15, db_index=True)
    reason = models.TextField("申请复审理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    county_decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="escalation"
    )
    county_notes = models.TextField("县级复审意见", blank=True, default="")

    class Meta:
        verbose_name = "提级复审"
        verbose_name_plural = "提级复审"

    def __str__(self) -> str:
        return f"提级复审#{self.pk}"


class Referral(models.Model):
    """跟踪转介: a case referred to another office (another programme, employment services, a charity),
    tracked by the receiving office to closure: 已转介 → 已接收 → 办理中 → 已办结 (or 未接收), with a
    deadline from assistance.referral_days."""

    STATUSES = [
        ("open", "已转介"),
        ("accepted", "已接收"),
        ("handling", "办理中"),
        ("done", "已办结"),
        ("declined", "未接收"),
    ]
    OPEN_STATUSES = ("open", "accepted", "handling")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="referrals")
    region_code = models.CharField(max_length=15, db_index=True)
    target = models.CharField("转介去向", max_length=100)  # another programme or a charity project
    note = models.TextField("说明", blank=True, default="")
    status = models.CharField("状态", max_length=10, choices=STATUSES, default="open")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The receiving office: its region (the township or county whose officers handle the referral); empty
    # on referrals made before offices were named: the referring region receives them.
    to_region_code = models.CharField("接收单位区划", max_length=15, db_index=True, blank=True, default="")
    due_date = models.DateField("办结期限", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)
    progress = models.TextField("办理情况", blank=True, default="")
    result = models.TextField("办结结果", blank=True, default="")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "跟踪转介"
        verbose_name_plural = "跟踪转介"

    def __str__(self) -> str:
        return f"转介 {self.target}"
