from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_date

from .models import PolicyParameter

DEFAULT_FIXTURE = Path(__file__).parent / "fixtures" / "policy_default.json"


@transaction.atomic
def policy_load_fixture(*, path: Path = DEFAULT_FIXTURE) -> int:
    """Load a versioned policy fixture; rows already present (same key/region/hukou/start) are kept."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for row in data["parameters"]:
        start = parse_date(row["effective_from"])
        end = parse_date(row["effective_to"]) if row.get("effective_to") else None
        _, was_created = PolicyParameter.objects.get_or_create(
            key=row["key"],
            region_prefix=row.get("region_prefix", ""),
            hukou_type=row.get("hukou_type", ""),
            effective_from=start,
            defaults={
                "label": row.get("label", ""),
                "value": Decimal(str(row["value"])),
                "unit": row.get("unit", ""),
                "source": row.get("source", ""),
                "effective_to": end,
                "dataset": data["dataset"],
            },
        )
        created += int(was_created)
    return created
