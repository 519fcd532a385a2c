"""流浪乞讨人员救助: the county's rescue station (救助管理站), each stay in it (intake → in-station care →
contracted outside care → exit), family tracing (寻亲) and the "244" ledgers of returned vagrants and of
people at risk of wandering, with their monthly visits and the street patrols. A stay runs on
`minzheng.casework` (workflow.py); its person is a `people.Person`, identified or registered as
unidentified (temporary number, photo) and merged once traced."""

from __future__ import annotations

from django.conf import settings
from django.db import models

STAY_STATES = (
    ("new", "新登记"),
    ("in_station", "站内救助"),
    ("outside", "站外托养"),
    ("exited", "已离站"),
)


class FoundBy(models.TextChoices):
    PATROL = "patrol", "街面巡查"
    POLICE = "police", "公安机关护送"
    PUBLIC = "public", "群众报告"
    SELF = "self", "主动求助"


class CareKind(models.TextChoices):
    MEAL = "meal", "饮食"
    BED = "bed", "住宿"
    MEDICAL = "medical", "医疗"
    CLOTHING = "clothing", "衣物"


class ExitKind(models.TextChoices):
    RETURNED = "returned", "返回家庭"
    ESCORTED = "escorted", "护送返乡"
    TEKUN = "tekun", "转介特困供养"
    FACILITY = "facility", "转介福利机构"
    LEFT = "left", "自行离站"


RETURN_KINDS = (ExitKind.RETURNED, ExitKind.ESCORTED)


class LedgerKind(models.TextChoices):
    RETURNED = "returned", "返乡流浪乞讨人员"
    AT_RISK = "at_risk", "易走失人员"


class RiskReason(models.TextChoices):
    NONE = "", "无"
    DEMENTIA = "dementia", "认知障碍（失智）"
    MENTAL = "mental", "精神障碍"
    INTELLECTUAL = "intellectual", "智力残疾"


class Campaign(models.TextChoices):
    ROUTINE = "routine", "日常巡查"
    WINTER = "winter", "寒冬送温暖"
    SUMMER = "summer", "夏季送清凉"


class Station(models.Model):
    """救助管理站: one per county (region_code is the county's 6-digit code)."""

    region_code = models.CharField("所属县（市、区）", max_length=15, unique=True)
    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True, default="")
    beds = models.PositiveIntegerField("床位数", default=0)

    class Meta:
        verbose_name = "救助管理站"
        verbose_name_plural = "救助管理站"

    def __str__(self) -> str:
        return self.name


class Stay(models.Model):
    """One stay of one person at a station (受助记录). `subject` is the identified person once known (at
    intake or after tracing): repeat wandering and the ledgers follow the subject, not the temporary
    record."""

    workflow = models.CharField(max_length=32, default="vagrant_stay")
    state = models.CharField("状态", max_length=16, db_index=True)
    version = models.PositiveIntegerField(default=0)
    region_code = models.CharField("救助站所在地", max_length=15, db_index=True)
    station = models.ForeignKey(
        Station, verbose_name="救助站", on_delete=models.PROTECT, related_name="stays"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="受助人员", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "people.Person",
        verbose_name="已确认身份",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vagrant_stays",
    )
    found_by = models.CharField("发现方式", max_length=12, choices=FoundBy.choices)
    found_place = models.CharField("发现地点", max_length=200)
    found_at = models.DateTimeField("发现时间")
    intake_on = models.DateField("入站日期", db_index=True)
    repeat = models.BooleanField("再次流浪", default=False)
    exit_kind = models.CharField("离站方式", max_length=12, choices=ExitKind.choices, blank=True, default="")
    exit_on = models.DateField("离站日期", null=True, blank=True, db_index=True)
    exit_note = models.CharField("离站说明", max_length=300, blank=True, default="")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "救助记录"
        verbose_name_plural = "救助记录"
        ordering = ["-intake_on", "-id"]

    def __str__(self) -> str:
        return f"救助记录#{self.pk}"

    @property
    def state_label(self) -> str:
        return dict(STAY_STATES).get(self.state, "")


class CareEntry(models.Model):
    """站内救助: a meal, a bed night, medical care or clothing given during the stay."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="care")
    kind = models.CharField("救助内容", max_length=12, choices=CareKind.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "站内救助记录"
        verbose_name_plural = "站内救助记录"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class Placement(models.Model):
    """站外托养: the stay is placed with a contracted care provider, who is supervised by visits."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="placements")
    provider = models.CharField("托养机构", max_length=100)
    start_on = models.DateField("托养开始日期")
    end_on = models.DateField("托养结束日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "站外托养"
        verbose_name_plural = "站外托养"
        ordering = ["-start_on", "-id"]

    def __str__(self) -> str:
        return f"站外托养：{self.provider}"


class SupervisionVisit(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("检查日期")
    note = models.CharField("检查情况", max_length=300)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "托养监管走访"
        verbose_name_plural = "托养监管走访"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"托养监管走访 {self.visited_on}"


class Tracing(models.Model):
    """寻亲: what is known of the person (self-reported name, dialect, hometown hints), the clues the
    registry is searched with, and the confirmed match."""

    stay = models.OneToOneField(Stay, on_delete=models.CASCADE, related_name="tracing")
    region_code = models.CharField(max_length=15, db_index=True)
    claimed_name = models.CharField("自报姓名", max_length=64, blank=True, default="")
    hint_region = models.CharField("疑似户籍地", max_length=15, blank=True, default="")
    details = models.TextField("线索（口音、自述、随身物品）", blank=True, default="")
    notice_no = models.CharField("公告文号", max_length=40)
    opened_on = models.DateField("发起日期")
    confirmed_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "寻亲"
        verbose_name_plural = "寻亲"
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.notice_no


class LedgerEntry(models.Model):
    """“244”台账: a returned vagrant of this city, or a person at risk of wandering. `region_code` is the
    person's village, or a grid under it so the grid worker who visits reads it."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="vagrant_ledger")
    kind = models.CharField("台账类别", max_length=12, choices=LedgerKind.choices)
    risk = models.CharField("走失风险", max_length=16, choices=RiskReason.choices, blank=True, default="")
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    since = models.DateField("列入日期")
    stay = models.ForeignKey(Stay, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    guardian = models.CharField("监护人/联系人", max_length=64, blank=True, default="")
    active = models.BooleanField("在册", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "244台账"
        verbose_name_plural = "244台账"
        ordering = ["region_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=models.Q(active=True), name="vagrant_ledger_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"244台账#{self.pk}"


class LedgerVisit(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("走访日期", db_index=True)
    at_home = models.BooleanField("在家")
    note = models.CharField("情况", max_length=300, blank=True, default="")
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "台账走访"
        verbose_name_plural = "台账走访"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"台账走访 {self.visited_on}"


class Patrol(models.Model):
    """街面巡查: a route walked by station staff, when, how many persons met, in which campaign."""

    region_code = models.CharField(max_length=15, db_index=True)
    route = models.CharField("巡查路线", max_length=200)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    persons_met = models.PositiveIntegerField("遇见人数")
    persons_helped = models.PositiveIntegerField("劝导入站人数", default=0)
    campaign = models.CharField("专项行动", max_length=12, choices=Campaign.choices)
    note = models.CharField("备注", max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "街面巡查"
        verbose_name_plural = "街面巡查"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"街面巡查 {self.route}"
