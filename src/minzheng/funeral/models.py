"""殡葬服务 (issue 16 part 3): the "身后一件事" case after a death, the stop of every benefit it carries
out, and the funeral homes and cemeteries with their plots and burials. State changes only through
services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from minzheng.benefits.models import ProgrammeNamed
from minzheng.core import crypto
from minzheng.core.masking import mask_phone

CASE_STATES = (
    ("new", "待受理"),
    ("certified", "已登记死亡"),
    ("cremated", "已火化"),
    ("hukou", "已出具户口注销告知"),
    ("subsidised", "已核定丧葬补助"),
    ("stopped", "待遇已停发"),
    ("closed", "已办结"),
)
OPEN_STATES = ("certified", "cremated", "hukou", "subsidised", "stopped")


class FacilityKind(models.TextChoices):
    FUNERAL_HOME = "funeral_home", "殡仪馆"
    PUBLIC_CEMETERY = "public_cemetery", "公益性公墓"
    COMMERCIAL_CEMETERY = "commercial_cemetery", "经营性公墓"


class FacilityLevel(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class Facility(models.Model):
    """A funeral home or a cemetery. Village-level public cemeteries are the plan's "≥130 new" count."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=FacilityKind.choices, db_index=True)
    level = models.CharField("层级", max_length=10, choices=FacilityLevel.choices)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)
    address = models.CharField("地址", max_length=200, blank=True, default="")
    operator = models.CharField("运营方", max_length=100, blank=True, default="")
    opened_on = models.DateField("建成投用日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "殡葬设施"
        verbose_name_plural = "殡葬设施"
        ordering = ["region_code", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class PlotType(models.TextChoices):
    PUBLIC = "public", "公益性"
    COMMERCIAL = "commercial", "经营性"


class BurialForm(models.TextChoices):
    """How the remains are laid to rest; everything but a traditional grave counts as 节地生态安葬."""

    TRADITIONAL = "traditional", "传统墓穴"
    TREE = "tree", "树葬"
    FLOWER = "flower", "花坛葬"
    LAWN = "lawn", "草坪葬"
    WALL = "wall", "壁葬"
    DEEP = "deep", "深埋不留坟头"
    SEA = "sea", "海葬"


ECO_FORMS = tuple(f for f in BurialForm.values if f != BurialForm.TRADITIONAL)
NO_PLOT_FORMS = (BurialForm.SEA.value,)


class PlotStatus(models.TextChoices):
    FREE = "free", "空置"
    RESERVED = "reserved", "已预留"
    USED = "used", "已安葬"


class Plot(models.Model):
    cemetery = models.ForeignKey(
        Facility, verbose_name="公墓", on_delete=models.PROTECT, related_name="plots"
    )
    number = models.CharField("墓位编号", max_length=32)
    plot_type = models.CharField("性质", max_length=12, choices=PlotType.choices)
    form = models.CharField("安葬方式", max_length=12, choices=BurialForm.choices)
    status = models.CharField("状态", max_length=10, choices=PlotStatus.choices, default=PlotStatus.FREE)
    region_code = models.CharField("所在区划", max_length=15, db_index=True)

    class Meta:
        verbose_name = "墓位"
        verbose_name_plural = "墓位"
        ordering = ["cemetery_id", "number"]
        constraints = [models.UniqueConstraint(fields=["cemetery", "number"], name="funeral_plot_number")]

    def __str__(self) -> str:
        return f"{self.cemetery.name} {self.number}"


class Burial(models.Model):
    """One burial. `region_code` is the deceased's (the eco-burial rate is counted by where people lived);
    `eco` is derived from the form by the service that records it."""

    person = models.ForeignKey(
        "people.Person", verbose_name="逝者", on_delete=models.PROTECT, related_name="+"
    )
    plot = models.ForeignKey(
        Plot, verbose_name="墓位", null=True, blank=True, on_delete=models.PROTECT, related_name="burials"
    )
    form = models.CharField("安葬方式", max_length=12, choices=BurialForm.choices)
    eco = models.BooleanField("节地生态安葬")
    buried_on = models.DateField("安葬日期", db_index=True)
    region_code = models.CharField("逝者管辖区划", max_length=15, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "安葬记录"
        verbose_name_plural = "安葬记录"
        constraints = [models.UniqueConstraint(fields=["person"], name="funeral_one_burial_per_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_form_display()}"


class FuneralCase(models.Model):
    """身后一件事: one application after a death, moved through its steps on `minzheng.casework`."""

    state = models.CharField("状态", max_length=16, default="new", db_index=True)
    version = models.PositiveIntegerField(default=0)
    state_since = models.DateField("进入当前环节日期")  # the clock of the current step (set-based overdue)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="逝者", on_delete=models.PROTECT, related_name="funeral_cases"
    )
    family_name = models.CharField("家属姓名", max_length=64)
    family_relation = models.CharField("与逝者关系", max_length=16)
    family_phone_enc = models.TextField("家属联系电话（密文）", blank=True, default="")
    death_date = models.DateField("死亡日期")
    death_place = models.CharField("死亡地点", max_length=100)
    certificate_number = models.CharField("死亡证明编号", max_length=32)
    funeral_home = models.ForeignKey(
        Facility, verbose_name="殡仪馆", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cremated_on = models.DateField("火化日期", null=True, blank=True)
    hukou_notice_on = models.DateField("户口注销告知日期", null=True, blank=True)
    subsidy_basis = models.CharField("免费依据", max_length=16, blank=True, default="")  # programme code
    urn_price = models.PositiveIntegerField("骨灰盒价格（元）", null=True, blank=True)
    urn_free = models.BooleanField("免费骨灰盒", default=False)
    basic_services_free = models.BooleanField("免除基本殡葬服务费", default=False)
    stopped_on = models.DateField("待遇停发日期", null=True, blank=True)
    notices_on = models.DateField("清算告知日期", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "身后一件事"
        verbose_name_plural = "身后一件事"
        constraints = [
            models.UniqueConstraint(fields=["person"], name="funeral_one_case_per_person"),
            # one death certificate, one death, across the city and whatever the letter case (the
            # service refuses it first, in Chinese; this holds when two desks type it at once)
            models.UniqueConstraint(Upper("certificate_number"), name="funeral_one_case_per_certificate"),
        ]

    def __str__(self) -> str:
        return f"身后一件事#{self.pk}"

    @property
    def family_phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.family_phone_enc)) if self.family_phone_enc else ""


class StopAction(models.TextChoices):
    ENDED = "ended", "已停发"
    REDECIDE = "redecide", "家庭仍有在世成员，待重新核定"
    ALREADY = "already", "此前已终止"
    VOIDED = "voided", "已撤销"


class BenefitStop(ProgrammeNamed, models.Model):
    """One enrolment the death stopped, voided (never paid, it would have started after the death) or
    flagged: what was paid last, what was paid too much, and `note`, the same in a clerk's words."""

    case = models.ForeignKey(FuneralCase, on_delete=models.PROTECT, related_name="stops")
    enrolment = models.ForeignKey("benefits.Enrolment", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField("项目", max_length=16)
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    action = models.CharField("处理", max_length=10, choices=StopAction.choices)
    last_paid_month = models.DateField("最后发放月", null=True, blank=True)
    end_month = models.DateField("终止月", null=True, blank=True)
    overpaid_months = models.PositiveSmallIntegerField("多发月数", default=0)
    overpayment = models.PositiveIntegerField("多发金额（元）", default=0)
    note = models.CharField("说明", max_length=300, blank=True, default="")
    # A household benefit where others live on: the assistance line's re-decision (复核) the death opened,
    # by id (the funeral line reads its outcome through the assistance selectors); the stop step is done
    # only once every such review is decided.
    review_ref = models.PositiveIntegerField("复核编号", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "待遇停发"
        verbose_name_plural = "待遇停发"
        constraints = [models.UniqueConstraint(fields=["case", "enrolment"], name="funeral_stop_once")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.programme} {self.get_action_display()}"
