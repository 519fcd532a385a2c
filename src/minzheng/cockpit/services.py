"""Writes of the cockpit: a month's figures (computed once, set-based, then read as stored) and the plan
targets' entered values. Both audited in their own transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.regions.models import Region, RegionLevel

from .measures import MEASURES, month_bounds
from .models import CockpitFigure, TargetEntry
from .targets import target as plan_target


@transaction.atomic
def cockpit_month_compute(*, actor: Any, month: dt.date, force: bool = False) -> int:
    """Compute and store the month's figures for every township, county and the city. A month already
    stored is kept as it is (the cockpit of a month is reproducible) unless `force` recomputes it."""
    require(actor, "cockpit.compute", target=f"cockpit:{month:%Y-%m}")
    start, end = month_bounds(month)
    existing = CockpitFigure.objects.filter(month=start)
    if existing.exists():
        if not force:
            return 0
        existing.delete()
    city = Region.objects.filter(level=RegionLevel.CITY).values_list("code", flat=True).first() or ""
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    labels: dict[tuple[str, str], str] = {}
    for measure in MEASURES:
        for town, detail, label, value in measure.compute(start, end):
            labels[(measure.code, detail)] = label
            for code in {town, town[:6], city}:  # township, its county, the city
                if code:
                    totals[(code, measure.code, detail)] += value
    rows = [
        CockpitFigure(
            month=start,
            region_code=code,
            measure=m,
            detail=detail,
            label=labels.get((m, detail), ""),
            value=value,
        )
        for (code, m, detail), value in totals.items()
    ]
    CockpitFigure.objects.bulk_create(rows, batch_size=2000)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="cockpit.month",
        target_id=f"{start:%Y-%m}",
        new={"month": f"{start:%Y-%m}", "rows": len(rows), "recomputed": force},
    )
    return len(rows)


@transaction.atomic
def target_value_enter(*, actor: Any, target_code: str, year: int, value: str, evidence: str) -> TargetEntry:
    """Enter a plan target's value for a year the system holds no data for, with its evidence."""
    require(actor, "cockpit.target_enter", target=f"cockpit.target:{target_code}")
    target = plan_target(target_code)
    if target.computed:
        raise ValidationError(f"“{target.name}”由系统数据计算，无需填报")
    if not 2021 <= year <= target.deadline.year:
        raise ValidationError(f"年度须在2021年至{target.deadline.year}年之间")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValidationError("数值须为数字") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError("数值须为不小于0的数字")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError("请写明依据材料（文件名称、文号或统计报表）")
    entry = TargetEntry.objects.create(
        target=target.code, year=year, value=amount, evidence=evidence[:300], entered_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="cockpit.target_entry",
        target_id=entry.pk,
        new={"target": target.code, "year": year, "value": str(amount), "evidence": entry.evidence},
    )
    return entry
