"""社会组织登记管理: the registry of social organisations, the cases that register, change and cancel
them (on `minzheng.casework`), their annual reports, grade evaluations, double-random inspections,
penalties and the illegal-organisation cases. An organisation's own login (社会组织填报员) is bound to it
through `OrgFiler` and sees nothing else."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    GROUP = "group", "社会团体"
    SERVICE = "service", "社会服务机构（民办非企业单位）"
    FOUNDATION = "foundation", "基金会"
    COMMUNITY = "community", "社区社会组织（备案）"


# The organisation-type character (2nd) of a civil-affairs credit code by kind (GB 32100-2015, 附录A).
KIND_CODE = {Kind.GROUP: "1", Kind.SERVICE: "2", Kind.FOUNDATION: "3", Kind.COMMUNITY: "9"}


class AuthorityLevel(models.TextChoices):
    CITY = "city", "市级民政部门"
    COUNTY = "county", "县级民政部门"


class PartyOrg(models.TextChoices):
    NONE = "none", "未建立"
    OWN = "own", "单独建立党组织"
    JOINT = "joint", "联合建立党组织"
    INSTRUCTOR = "instructor", "选派党建工作指导员"


class Status(models.TextChoices):
    PENDING = "pending", "登记申请中"
    ACTIVE = "active", "正常"
    CANCELLED = "cancelled", "已注销"
    REVOKED = "revoked", "已撤销登记"


class Organisation(models.Model):
    region_code = models.CharField("住所地区划", max_length=15, db_index=True)
    name = models.CharField("名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, default="", db_index=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    authority_level = models.CharField("登记管理机关", max_length=8, choices=AuthorityLevel.choices)
    supervisor = models.CharField("业务主管单位", max_length=100, blank=True, default="")
    legal_rep_name = models.CharField("法定代表人", max_length=64)
    # The representative's ID is encrypted at rest and only ever shown masked.
    legal_rep_id_enc = models.TextField("法定代表人身份证号（密文）", blank=True, default="")
    legal_rep_id_masked = models.CharField("法定代表人身份证号", max_length=18, blank=True, default="")
    address = models.CharField("住所", max_length=200)
    registered_capital = models.DecimalField("注册资金（元）", max_digits=14, decimal_places=2)
    party_org = models.CharField("党组织建设", max_length=12, choices=PartyOrg.choices, default=PartyOrg.NONE)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    registered_on = models.DateField("成立登记日期", null=True, blank=True)
    ended_on = models.DateField("注销（撤销）日期", null=True, blank=True)
    last_activity_on = models.DateField("最近开展活动日期", null=True, blank=True)
    unreachable = models.BooleanField("通过登记的住所或联系方式无法联系", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社会组织"
        verbose_name_plural = "社会组织"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="orgs_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrgFiler(models.Model):
    """The one organisation a 社会组织填报员 login files for: every filer page reads through it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="filer_binding"
    )
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="filers")
    bound_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bound_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社会组织填报账号"
        verbose_name_plural = "社会组织填报账号"

    def __str__(self) -> str:
        return f"{self.org.name}填报账号"


# ---------------------------------------------------------------- registration / change / cancellation
CASE_STATES = (
    ("new", "新建"),
    ("applied", "待审查"),
    ("approved", "准予"),
    ("refused", "不予"),
)


class CaseKind(models.TextChoices):
    REGISTER = "register", "成立登记"
    CHANGE = "change", "变更登记"
    CANCEL = "cancel", "注销登记"


class OrgCase(models.Model):
    workflow = models.CharField(max_length=32)
    kind = models.CharField("事项", max_length=10, choices=CaseKind.choices)
    state = models.CharField("状态", max_length=12, db_index=True)
    version = models.PositiveIntegerField(default=0)
    region_code = models.CharField("区划", max_length=15, db_index=True)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    applied_on = models.DateField("受理日期")
    documents = models.JSONField("已收材料", default=list)
    changes = models.JSONField("变更事项", default=dict)
    decision_no = models.CharField("决定文号", max_length=40, blank=True, default="")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_note = models.TextField("审查意见", blank=True, default="")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "社会组织登记事项"
        verbose_name_plural = "社会组织登记事项"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"

    @property
    def state_label(self) -> str:
        return dict(CASE_STATES).get(self.state, "")


# ---------------------------------------------------------------- annual report
class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"


class AnnualReport(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    region_code = models.CharField("区划", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状态", max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    income = models.DecimalField("本年收入（元）", max_digits=14, decimal_places=2, default=0)
    spending = models.DecimalField("本年支出（元）", max_digits=14, decimal_places=2, default=0)
    staff = models.PositiveIntegerField("专职工作人员数", default=0)
    activities = models.PositiveIntegerField("开展活动次数", default=0)
    activity_summary = models.TextField("主要活动情况", blank=True, default="")
    party_building = models.TextField("党建工作情况", blank=True, default="")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True, default="")

    class Meta:
        verbose_name = "社会组织年报"
        verbose_name_plural = "社会组织年报"
        ordering = ["-year", "org__name"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="orgs_report_one_per_year")]

    def __str__(self) -> str:
        return f"{self.org.name} {self.year}年度报告"


# ---------------------------------------------------------------- grade evaluation
class Evaluation(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="evaluations")
    region_code = models.CharField("区划", max_length=15, db_index=True)
    evaluated_on = models.DateField("评估日期")
    scores = models.JSONField("评分表")  # {section code: points}
    total = models.DecimalField("总分", max_digits=7, decimal_places=1)
    grade = models.PositiveSmallIntegerField("等级（A数）", default=0)  # 0 = 未达等级
    valid_until = models.DateField("有效期至", null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "社会组织等级评估"
        verbose_name_plural = "社会组织等级评估"
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"等级评估#{self.pk}"

    @property
    def grade_label(self) -> str:
        return f"{self.grade}A" if self.grade else "未达等级"


# ---------------------------------------------------------------- 双随机一公开
class InspectionDraw(models.Model):
    region_code = models.CharField("区划", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    seed = models.BigIntegerField("随机种子")
    size = models.PositiveIntegerField("抽取组织数")
    drawn_on = models.DateField("抽取日期")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "双随机抽查批次"
        verbose_name_plural = "双随机抽查批次"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.year}年度双随机抽查#{self.pk}"


class InspectionState(models.TextChoices):
    DRAWN = "drawn", "待检查"
    PASSED = "passed", "未发现问题"
    RECTIFYING = "rectifying", "整改中"
    RECTIFIED = "rectified", "已整改"


class Inspection(models.Model):
    draw = models.ForeignKey(InspectionDraw, on_delete=models.CASCADE, related_name="items")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspections")
    region_code = models.CharField("区划", max_length=15, db_index=True)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    state = models.CharField(
        "状态", max_length=12, choices=InspectionState.choices, default=InspectionState.DRAWN
    )
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    findings = models.TextField("检查发现", blank=True, default="")
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True, default="")

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"双随机抽查#{self.pk}"


# ---------------------------------------------------------------- penalties, illegal organisations
class PenaltyKind(models.TextChoices):
    WARNING = "warning", "警告"
    FINE = "fine", "罚款"
    CONFISCATE = "confiscate", "没收违法所得"
    SUSPEND = "suspend", "责令停止活动"
    REVOKE = "revoke", "撤销登记"


class LegalBasis(models.TextChoices):
    GROUP_30 = "group30", "《社会团体登记管理条例》第三十条"
    SERVICE_25 = "service25", "《民办非企业单位登记管理暂行条例》第二十五条"
    FOUNDATION_42 = "foundation42", "《基金会管理条例》第四十二条"
    CHARITY_98 = "charity98", "《中华人民共和国慈善法》第九十八条"


class Penalty(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="penalties")
    region_code = models.CharField("区划", max_length=15, db_index=True)
    kind = models.CharField("处罚种类", max_length=12, choices=PenaltyKind.choices)
    legal_basis = models.CharField("法律依据", max_length=16, choices=LegalBasis.choices)
    facts = models.TextField("违法事实")
    amount = models.DecimalField("罚没金额（元）", max_digits=12, decimal_places=2, default=0)
    decision_no = models.CharField("处罚决定文号", max_length=40)
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "行政处罚"
        verbose_name_plural = "行政处罚"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.decision_no


class IllegalState(models.TextChoices):
    OPEN = "open", "调查中"
    BANNED = "banned", "已取缔"
    CLOSED = "closed", "已结案（不构成非法组织）"


class IllegalCase(models.Model):
    region_code = models.CharField("区划", max_length=15, db_index=True)
    name = models.CharField("涉嫌非法社会组织名称", max_length=100)
    found_on = models.DateField("发现日期")
    summary = models.TextField("线索及情况")
    state = models.CharField("状态", max_length=8, choices=IllegalState.choices, default=IllegalState.OPEN)
    decision_no = models.CharField("取缔决定文号", max_length=40, blank=True, default="")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "非法社会组织案件"
        verbose_name_plural = "非法社会组织案件"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- campaigns (减费让利 and other tasks)
class CampaignKind(models.TextChoices):
    FEE_REDUCTION = "fee_reduction", "减费让利"
    RURAL = "rural", "助力乡村振兴"
    PUBLIC_SERVICE = "public_service", "公益服务行动"
    OTHER = "other", "其他专项行动"


class Campaign(models.Model):
    """A task the bureau sets the organisations of a region (one type, or every type) for a period; each
    targeted organisation files its result (`CampaignResult`) through its own login."""

    region_code = models.CharField("面向区划", max_length=15, db_index=True)
    kind = models.CharField("行动类别", max_length=16, choices=CampaignKind.choices)
    title = models.CharField("行动名称", max_length=100)
    target_kind = models.CharField(
        "面向组织类型", max_length=12, choices=Kind.choices, blank=True, default=""
    )  # "" = every type
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    requirement = models.TextField("工作要求", blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社会组织专项行动"
        verbose_name_plural = "社会组织专项行动"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ResultState(models.TextChoices):
    SUBMITTED = "submitted", "已报送待审核"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "已退回"


class CampaignResult(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="results")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="campaign_results")
    region_code = models.CharField("区划", max_length=15, db_index=True)
    state = models.CharField(
        "状态", max_length=10, choices=ResultState.choices, default=ResultState.SUBMITTED
    )
    beneficiaries = models.PositiveIntegerField("惠及人次（户次）", default=0)
    amount = models.DecimalField("减免或投入金额（元）", max_digits=14, decimal_places=2, default=0)
    summary = models.TextField("开展情况")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("报送时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True, default="")

    class Meta:
        verbose_name = "专项行动结果"
        verbose_name_plural = "专项行动结果"
        ordering = ["campaign", "org__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="orgs_campaign_result_once"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="orgs_campaign_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.org.name}：{self.campaign.title}"
