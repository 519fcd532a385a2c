from __future__ import annotations

from django.db import models


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县(市、区)"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"
    GRID = "grid", "网格"


# Significant code length per level: the prefix that every descendant's code starts with.
PREFIX_LENGTH = {
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GRID: 15,
}


class Region(models.Model):
    """GB/T 2260 division, extended by the 12-digit statistical code (county 6 + township 3 + village 3)
    and an optional 3-digit grid. Subtrees are code-prefix queries on an indexed column, never recursion."""

    code = models.CharField("区划代码", max_length=15, unique=True)
    prefix = models.CharField("代码前缀", max_length=15, db_index=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_urban = models.BooleanField("城镇社区", default=False)
    full_name = models.CharField("全称", max_length=200, default="")
    # 汉语拼音 of the name (regions.pinyin, filled when the tree is loaded) and its toneless search key
    pinyin = models.CharField("汉语拼音", max_length=200, blank=True, default="")
    pinyin_key = models.CharField("拼音检索键", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.full_name or self.name}（{self.code}）"

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

    @property
    def county_code(self) -> str:
        return self.code[:6]


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"


class Division(models.Model):
    """The national list of county-level and higher divisions (GB/T 2260, data/gbt2260_counties.csv): where
    a hukou outside the city lies (Person.hukou_code). Apart from Region, the city's own tree, so the
    city's scoping, cascades and screening never see another province."""

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    full_name = models.CharField("全称", max_length=120)

    class Meta:
        verbose_name = "全国行政区划"
        verbose_name_plural = "全国行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name
