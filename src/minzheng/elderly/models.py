"""The elder's own facts (老年人数据库): what the population registry does not know. Every resident aged
60 or more is an elder whether or not a profile exists; a profile is written when a fact is recorded
(living situation from a visit or the village's survey, capability level from an assessment)."""

from __future__ import annotations

from django.db import models


class LivingSituation(models.TextChoices):
    ALONE = "alone", "独居"
    EMPTY_NEST = "empty_nest", "空巢"
    LEFT_BEHIND = "left_behind", "农村留守"
    SPECIAL_FAMILY = "special_family", "计划生育特殊家庭"
    WITH_FAMILY = "with_family", "与子女共同生活"


# 特殊困难老年人 (探访关爱, 民发〔2020〕114号): visited every month.
SPECIAL_SITUATIONS = (
    LivingSituation.ALONE,
    LivingSituation.EMPTY_NEST,
    LivingSituation.LEFT_BEHIND,
    LivingSituation.SPECIAL_FAMILY,
)


class CapabilityLevel(models.IntegerChoices):
    """GB/T 42195-2022 老年人能力等级."""

    INTACT = 0, "能力完好"
    MILD = 1, "轻度失能"
    MODERATE = 2, "中度失能"
    SEVERE = 3, "重度失能"
    COMPLETE = 4, "完全失能"


class ElderProfile(models.Model):
    person = models.OneToOneField(
        "people.Person", verbose_name="老年人", on_delete=models.PROTECT, related_name="elder_profile"
    )
    # Denormalised from the person (as people do) so that scoped lists filter on one indexed column.
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    living_situation = models.CharField(
        "居住状况", max_length=16, choices=LivingSituation.choices, blank=True, default="", db_index=True
    )
    children_nearby = models.BooleanField("子女在本地", null=True, blank=True)
    situation_recorded_on = models.DateField("居住状况登记日期", null=True, blank=True)
    capability_level = models.PositiveSmallIntegerField(
        "能力等级", choices=CapabilityLevel.choices, null=True, blank=True, db_index=True
    )
    capability_assessed_on = models.DateField("能力评估日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "老年人信息"
        verbose_name_plural = "老年人信息"

    def __str__(self) -> str:
        return f"老年人信息{self.person_id}"

    @property
    def is_special(self) -> bool:
        return self.living_situation in SPECIAL_SITUATIONS
