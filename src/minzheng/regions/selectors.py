from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from .models import Region


def region_get(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def region_labels(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """code → (name, full name) of the known codes, in one query (core.labels reads it)."""
    rows = Region.objects.filter(code__in=list(codes)).values_list("code", "name", "full_name")
    return {code: (name, full_name) for code, name, full_name in rows}


def division_name(code: str) -> str:
    """The full name of a hukou place outside the city (安徽省合肥市蜀山区) from the national list, by the
    county part (first six digits) of a 6-, 9- or 12-digit code; "" where the list does not know it."""
    from .models import Division

    found = Division.objects.filter(code=(code or "")[:6]).values_list("full_name", flat=True).first()
    return found or ""


def division_options(parent: str = "", *, city_prefix: str = "3708") -> list[Any]:
    """The national list one level below `parent` (provinces for ""), without the city's own counties:
    a hukou place inside the city is a village of its own tree, not a national code."""
    from .models import Division

    own = Q(code__startswith=city_prefix) | Q(code=city_prefix + "00")
    qs = Division.objects.filter(parent__code=parent) if parent else Division.objects.filter(parent=None)
    found = list(qs.exclude(own).only("code", "name"))
    if not found and parent.endswith("00") and not parent.endswith("0000"):
        # a city without counties (东莞市): the city itself is the place
        found = list(Division.objects.filter(code=parent).exclude(own).only("code", "name"))
    return found


def division_cascade(selected: str = "") -> list[dict[str, Any]]:
    """The three selects of the hukou-place cascade (省 → 市 → 县), filled down to `selected` (a county
    code chosen before a refused form came back)."""
    from .models import Division

    found = Division.objects.select_related("parent__parent").filter(code=selected[:6]).first()
    province = city = county = ""
    if found is not None and found.parent is not None:
        if found.level == "county" and found.parent.parent is not None:
            province, city, county = found.parent.parent.code, found.parent.code, found.code
        elif found.level == "city":  # a city without counties is itself the place
            province, city, county = found.parent.code, found.code, found.code
    return [
        {
            "label": "省级",
            "name": "hukou_province",
            "id": "hukou-province",
            "next_id": "hukou-city",
            "options": division_options(),
            "selected": province,
        },
        {
            "label": "地级",
            "name": "hukou_city",
            "id": "hukou-city",
            "next_id": "hukou-county",
            "options": division_options(province) if province else [],
            "selected": city,
        },
        {
            "label": "县级",
            "name": "hukou_place",
            "id": "hukou-county",
            "next_id": "",
            "options": division_options(city) if city else [],
            "selected": county,
        },
    ]
