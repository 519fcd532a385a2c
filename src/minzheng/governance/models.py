"""基层治理 (issue 18 part 1): grids and their workers and building heads, households placed in grids and
buildings (the 7-level address), incidents reported by grid workers, community workers on the 三岗十八级
pay table, the one-window desk of communities and the experimental zones. State changes only through
services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.core import crypto
from minzheng.core.masking import mask_phone


class GridAppointment(models.Model):
    """A grid worker's appointment to one grid (一格一员); the account is bound to the grid's region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="网格员", on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField("网格", max_length=15, db_index=True)
    appointed_on = models.DateField("聘任日期")
    ended_on = models.DateField("解聘日期", null=True, blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "网格员聘任"
        verbose_name_plural = "网格员聘任"
        ordering = ["grid_code", "-appointed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(ended_on__isnull=True), name="gov_one_current_grid"
            )
        ]

    def __str__(self) -> str:
        return f"网格员聘任#{self.pk}"


class BuildingHead(models.Model):
    """楼栋长: a resident who looks after one building of a grid (楼长制)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="楼栋长", on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField("网格", max_length=15, db_index=True)
    building = models.CharField("楼栋", max_length=40)
    phone_enc = models.TextField("联系电话（密文）", blank=True, default="")
    appointed_on = models.DateField("任职日期")
    active = models.BooleanField("在任", default=True)
    ended_on = models.DateField("卸任日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "楼栋长"
        verbose_name_plural = "楼栋长"
        ordering = ["grid_code", "building", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid_code", "building"],
                condition=models.Q(active=True),
                name="gov_one_head_per_building",
            )
        ]

    def __str__(self) -> str:
        return f"{self.building}楼栋长"

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.phone_enc)) if self.phone_enc else ""


class Placement(models.Model):
    """Where a household lives in the grid system: 市/县/乡镇/社区 come from the grid's region code, then
    网格 (grid_code), 楼栋, 单元 and 户 (room). One placement per household; a move updates it."""

    household = models.OneToOneField(
        "people.Household", verbose_name="家庭户", on_delete=models.PROTECT, related_name="grid_placement"
    )
    grid_code = models.CharField("网格", max_length=15, db_index=True)
    building = models.CharField("楼栋", max_length=40)
    unit = models.CharField("单元", max_length=20, blank=True, default="")
    room = models.CharField("户（房号）", max_length=20, blank=True, default="")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "住户落格"
        verbose_name_plural = "住户落格"
        ordering = ["grid_code", "building", "unit", "room", "pk"]

    def __str__(self) -> str:
        return f"落格#{self.pk}"


class IncidentCategory(models.Model):
    """A kind of grid incident and where it is routed: the township office that handles it, optionally
    the registered line it concerns, and the policy key of its time limit (routing table as data)."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("类别", max_length=20)
    office = models.CharField("承办科室", max_length=40)
    line_code = models.CharField("相关业务线", max_length=16, blank=True, default="")
    days_key = models.CharField("时限参数", max_length=64)
    order = models.PositiveSmallIntegerField(default=0)
    # A category is retired, never deleted: its incidents keep it; new reports cannot choose it.
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "网格事件类别"
        verbose_name_plural = "网格事件类别"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


INCIDENT_STATES = (
    ("reported", "已上报"),
    ("accepted", "已受理"),
    ("handled", "已办理"),
    ("closed", "已办结"),
)
INCIDENT_OPEN = ("reported", "accepted", "handled")


class Incident(models.Model):
    """A grid incident (网格事件) on `minzheng.casework`: reported → accepted → handled → closed."""

    category = models.ForeignKey(
        IncidentCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("事件描述")
    photo = models.FileField("现场照片", upload_to="governance/incidents/", blank=True, default="")
    household = models.ForeignKey(
        "people.Household",
        verbose_name="涉及住户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField("网格", max_length=15, db_index=True)
    office = models.CharField("承办科室", max_length=40)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上报人", on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField("上报日期", db_index=True)
    due_on = models.DateField("办结时限", db_index=True)
    state = models.CharField(
        "状态", max_length=12, choices=INCIDENT_STATES, default="reported", db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    result = models.TextField("办理结果", blank=True, default="")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "网格事件"
        verbose_name_plural = "网格事件"
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"网格事件#{self.pk}"


class Post(models.TextChoices):
    """三岗: the three posts of the 三岗十八级 pay system of urban community workers."""

    HEAD = "head", "社区正职"
    DEPUTY = "deputy", "社区副职"
    STAFF = "staff", "社区专职工作者"


GRADES = tuple(range(1, 19))  # 十八级


class PayGrade(models.Model):
    """One cell of the 三岗十八级 table: annual pay of a post and grade, entered by the city for a region
    (a county's own table overrides the city's), with the document it comes from. The seeds give no
    figures: a missing cell is shown as 未设定, never filled in."""

    region_prefix = models.CharField("适用区划", max_length=12, db_index=True)
    post = models.CharField("岗位", max_length=8, choices=Post.choices)
    grade = models.PositiveSmallIntegerField("等级")
    annual_pay = models.DecimalField("年薪酬（元）", max_digits=10, decimal_places=2)
    source = models.CharField("依据文件", max_length=200)
    effective_from = models.DateField("起始日期")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "三岗十八级薪酬"
        verbose_name_plural = "三岗十八级薪酬"
        ordering = ["region_prefix", "post", "grade", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_prefix", "post", "grade", "effective_from"], name="gov_one_pay_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()}{self.grade}级"


class CommunityWorker(models.Model):
    """社区工作者 of a community, with post and grade."""

    name = models.CharField("姓名", max_length=64)
    region_code = models.CharField("所在社区", max_length=15, db_index=True)
    post = models.CharField("岗位", max_length=8, choices=Post.choices)
    grade = models.PositiveSmallIntegerField("等级")
    hired_on = models.DateField("入职日期")
    certified = models.BooleanField("持社会工作者职业资格证书", default=False)
    active = models.BooleanField("在岗", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社区工作者"
        verbose_name_plural = "社区工作者"
        ordering = ["region_code", "post", "-grade", "pk"]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    worker = models.ForeignKey(
        CommunityWorker, verbose_name="社区工作者", on_delete=models.PROTECT, related_name="trainings"
    )
    held_on = models.DateField("培训日期")
    title = models.CharField("培训内容", max_length=100)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    organiser = models.CharField("组织单位", max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class MatterType(models.Model):
    """One matter of the one-window catalogue (一窗受理): the registered line or programme (registry code)
    that handles it and the page a request is sent to. Data, never a hard-coded app list."""

    name = models.CharField("事项", max_length=40, unique=True)
    target = models.CharField("承办业务线（登记代码）", max_length=16)
    url_name = models.CharField("办理页面", max_length=64)
    # What the page needs: "" nothing, "household" the person's household id, "person" ?person=<id>
    needs = models.CharField("所需参数", max_length=10, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "一窗受理事项"
        verbose_name_plural = "一窗受理事项"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class RequestStatus(models.TextChoices):
    ROUTED = "routed", "已转办"
    DONE = "done", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


class WindowRequest(models.Model):
    """A request taken at a community desk and routed to the line that handles it."""

    person = models.ForeignKey(
        "people.Person", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(MatterType, verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("受理社区", max_length=15, db_index=True)
    note = models.CharField("情况说明", max_length=300, blank=True, default="")
    status = models.CharField(
        "状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.ROUTED
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人", on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField("受理时间", auto_now_add=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "一窗受理登记"
        verbose_name_plural = "一窗受理登记"
        ordering = ["-taken_at", "-pk"]

    def __str__(self) -> str:
        return f"一窗受理#{self.pk}"


class ZoneLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"


class ExperimentalZone(models.Model):
    """社区治理实验区 (national or provincial) with its measures."""

    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=10, choices=ZoneLevel.choices)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    theme = models.CharField("实验主题", max_length=100, blank=True, default="")
    approved_on = models.DateField("确认日期")
    measures = models.TextField("主要举措", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社区治理实验区"
        verbose_name_plural = "社区治理实验区"
        ordering = ["level", "approved_on", "pk"]

    def __str__(self) -> str:
        return self.name


class ZoneEvaluation(models.Model):
    zone = models.ForeignKey(
        ExperimentalZone, verbose_name="实验区", on_delete=models.PROTECT, related_name="evaluations"
    )
    evaluated_on = models.DateField("评估日期")
    evaluator = models.CharField("评估单位", max_length=64)
    conclusion = models.CharField("结论", max_length=20)
    findings = models.TextField("评估意见", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "实验区评估"
        verbose_name_plural = "实验区评估"
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self) -> str:
        return f"实验区评估#{self.pk}"
