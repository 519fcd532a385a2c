from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from .models import PREFIX_LENGTH, Region, RegionLevel
from .pinyin import name_pinyin, toneless_pinyin

FIXTURE = Path(__file__).parent / "data" / "jining_regions.csv"


def region_prefix(code: str, level: str) -> str:
    return code[: PREFIX_LENGTH[RegionLevel(level)]]


@transaction.atomic
def regions_load(*, path: Path = FIXTURE) -> int:
    """Load the region tree; idempotent (existing codes are kept). Returns the number created."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    existing = set(Region.objects.values_list("code", flat=True))
    names: dict[str, str] = {r["code"]: r["name"] for r in rows}
    parents: dict[str, str] = {r["code"]: r["parent"] for r in rows}

    def full_name(code: str) -> str:
        parts = []
        while code:
            parts.append(names[code])
            code = parents[code]
        return "".join(reversed(parts))

    new = [
        Region(
            code=r["code"],
            prefix=region_prefix(r["code"], r["level"]),
            name=r["name"],
            level=r["level"],
            is_urban=r["is_urban"] == "1",
            full_name=full_name(r["code"]),
            pinyin=name_pinyin(r["name"]),
            pinyin_key=toneless_pinyin(name_pinyin(r["name"])),
        )
        for r in rows
        if r["code"] not in existing
    ]
    Region.objects.bulk_create(new, batch_size=2000)
    ids = dict(Region.objects.values_list("code", "id"))
    to_link = [
        Region(id=ids[r["code"]], parent_id=ids[r["parent"]])
        for r in rows
        if r["parent"] and r["code"] not in existing
    ]
    Region.objects.bulk_update(to_link, ["parent"], batch_size=2000)
    return len(new)
