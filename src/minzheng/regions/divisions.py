"""The national division list (省、地级、县级, GB/T 2260) read from data/gbt2260_counties.csv: loaded by the
regions migration into `Division`, named by `division_name` (安徽省合肥市蜀山区)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "gbt2260_counties.csv"
# Grouping rows of the statistics code: they parent counties but are no part of a place's name.
GROUPING = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def divisions_rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def divisions_load(model: Any) -> int:
    """Every row of the list into `model` (the migration's historical Division or the real one); a
    reload after a flush writes the same rows. Parents come before children in the file."""
    if model.objects.exists():
        return 0
    by_code: dict[str, Any] = {}
    for level in ("province", "city", "county"):
        batch = []
        for row in divisions_rows():
            if row["level"] != level:
                continue
            parent = by_code.get(row["parent"])
            name = row["name"]
            shown = "" if name in GROUPING else name
            full = (parent.full_name if parent else "") + shown
            batch.append(model(code=row["code"], name=name, level=level, parent=parent, full_name=full))
        for d in model.objects.bulk_create(batch):
            by_code[d.code] = d
    return len(by_code)
