from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

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


@transaction.atomic
def policy_parameter_change(
    *,
    actor: Any,
    key: str,
    value: Decimal,
    effective_from: dt.date,
    source: str,
    region_prefix: str = "",
    hukou_type: str = "",
) -> PolicyParameter:
    """A new dated value (never an edit in place): the row in force is closed the day before, so every
    past decision still finds the figure it used. City officers only; audited."""
    from django.core.exceptions import ValidationError

    from minzheng.accounts.scoping import has_role
    from minzheng.audit.models import AuditEvent
    from minzheng.audit.services import audit_record

    if not has_role(actor, "city_officer"):
        raise ValidationError("只有市级民政部门可以调整政策参数")
    if not PolicyParameter.objects.filter(key=key).exists():
        raise ValidationError(f"政策参数“{key}”不存在")
    if value < 0:
        raise ValidationError("参数值不能为负数")
    if not source.strip():
        raise ValidationError("请填写调整依据（文件名称、文号）")
    if hukou_type not in ("", "urban", "rural"):
        raise ValidationError("城乡类别不正确")
    current = (
        PolicyParameter.objects.select_for_update()
        .filter(key=key, region_prefix=region_prefix, hukou_type=hukou_type, effective_to__isnull=True)
        .order_by("-effective_from")
        .first()
    )
    if current is not None:
        if effective_from <= current.effective_from:
            raise ValidationError(f"生效日期须晚于现行标准的起始日期{current.effective_from:%Y-%m-%d}")
        current.effective_to = effective_from - dt.timedelta(days=1)
        current.save(update_fields=["effective_to"])
    template = current or PolicyParameter.objects.filter(key=key).first()
    new = PolicyParameter.objects.create(
        key=key,
        label=template.label if template else key,
        value=value,
        unit=template.unit if template else "",
        region_prefix=region_prefix,
        hukou_type=hukou_type,
        effective_from=effective_from,
        source=source[:200],
        dataset="edited",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="policy",
        target_id=new.pk,
        region_code=region_prefix,
        old={"value": str(current.value), "from": current.effective_from} if current else None,
        new={"key": key, "value": str(value), "from": effective_from, "source": source},
    )
    return new
