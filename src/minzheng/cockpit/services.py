"""Writes of the cockpit: a month's figures (computed once, set-based, then read as stored) and the plan
targets' entered values. Both audited in their own transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_name
from minzheng.regions.models import Region, RegionLevel

from .measures import MEASURES, month_bounds
from .models import CockpitFigure, ReportKind, ReportStatus, StatReport, TargetEntry
from .reports import build as build_report
from .reports import period_bounds, period_label
from .snapshot import snapshot_figures
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
    computed = [(m.code, m.compute(start, end)) for m in MEASURES]
    computed += list(snapshot_figures(start, end).items())  # DuckDB over the snapshot store
    for measure_code, rows_of in computed:
        for town, detail, label, value in rows_of:
            labels[(measure_code, detail)] = label
            for code in {town, town[:6], city}:  # township, its county, the city
                if code:
                    totals[(code, measure_code, detail)] += value
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


TARGET_VALUE_CAP = Decimal("1e12")  # the stored field's width: no plan figure comes near it


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
    if not amount.is_finite():
        raise ValidationError(_("数值须为普通数字（如 85 或 12.5）"))
    if amount < 0:
        raise ValidationError(_("数值不能为负数"))
    if target.unit == "%" and amount > 1:
        shown = {"text": value[:20]}
        raise ValidationError(_("比率不能超过100%%：请填小数，如 0.85 表示85%%（收到“%(text)s”）") % shown)
    if amount >= TARGET_VALUE_CAP:
        shown = {"text": value[:20]}
        raise ValidationError(_("数值过大：须小于1万亿（收到“%(text)s”），请核对后重新填写") % shown)
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


# --- 统计报表: generated set-based, locked once filed, corrected as new versions
def _report_region(actor: Any, permission: str, region_code: str) -> Region:
    region = Region.objects.filter(code=region_code, level__in=(RegionLevel.CITY, RegionLevel.COUNTY)).first()
    if region is None:
        raise ValidationError("填报单位须为市或县(市、区)")
    require(actor, permission, region_code=region.code, target=f"statistics:{region.code}")
    return region


def _tables(region: Region, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    prefix = "" if region.level == RegionLevel.CITY else region.code
    return build_report(region_code=region.code, start=start, end=end, prefix=prefix)


@transaction.atomic
def stat_report_generate(*, actor: Any, kind: str, period: dt.date, region_code: str) -> StatReport:
    """Generate (or regenerate, while still a draft) the report of a closed period for a city or county."""
    region = _report_region(actor, "statistics.generate", region_code)
    if kind not in ReportKind.values:
        raise ValidationError("请选择月报或季报")
    start, end = period_bounds(kind, period)
    if end >= timezone.localdate():
        raise ValidationError(f"{period_label(kind, start)}尚未结束，不能生成统计报表")
    latest = (
        StatReport.objects.select_for_update()
        .filter(kind=kind, period_start=start, region_code=region.code)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.status == ReportStatus.FILED:
        raise ValidationError(f"{period_label(kind, start)}报表已报出并锁定；如需更正，请生成更正版本")
    tables = _tables(region, start, end)
    now = timezone.now()
    if latest is not None:
        latest.tables, latest.generated_by, latest.generated_at = tables, actor, now
        latest.save(update_fields=["tables", "generated_by", "generated_at"])
        report, event = latest, AuditEvent.UPDATE
    else:
        report = StatReport.objects.create(
            kind=kind,
            period_start=start,
            period_end=end,
            region_code=region.code,
            tables=tables,
            generated_by=actor,
            generated_at=now,
        )
        event = AuditEvent.CREATE
    audit_record(
        actor=actor,
        event_type=event,
        target_type="statistics.report",
        target_id=report.pk,
        region_code=region.code,
        new={"kind": kind, "period": f"{start:%Y-%m}", "version": report.version},
    )
    return report


def _latest(report: StatReport) -> StatReport:
    return (
        StatReport.objects.select_for_update()
        .filter(kind=report.kind, period_start=report.period_start, region_code=report.region_code)
        .order_by("-version")
        .first()
        or report
    )


@transaction.atomic
def stat_report_file(*, actor: Any, report: StatReport, unit_head: str) -> StatReport:
    """报出: lock the draft (who, when, and the bureau's head named on the header)."""
    require(actor, "statistics.file", region_code=report.region_code, target=f"statistics.report:{report.pk}")
    report = StatReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.FILED:
        raise ValidationError("该报表已报出，不能再次报出")
    if _latest(report).pk != report.pk:
        raise ValidationError("只能报出该期的最新版本")
    unit_head = form_name(unit_head, "单位负责人")  # no formula (=HYPERLINK…) on a printed, exported header
    report.status, report.unit_head = ReportStatus.FILED, unit_head
    report.filed_by, report.filed_at = actor, timezone.now()
    report.save(update_fields=["status", "unit_head", "filed_by", "filed_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="statistics.report",
        target_id=report.pk,
        region_code=report.region_code,
        old={"status": ReportStatus.DRAFT},
        new={"status": ReportStatus.FILED, "version": report.version, "unit_head": report.unit_head},
    )
    return report


@transaction.atomic
def stat_report_correct(*, actor: Any, report: StatReport, reason: str) -> StatReport:
    """更正: a new draft version of a filed report, generated afresh; the filed versions stay as filed."""
    region = _report_region(actor, "statistics.generate", report.region_code)
    latest = _latest(report)
    if latest.pk != report.pk:
        raise ValidationError(f"该期已有第{latest.version}版，请在最新版本上更正")
    if report.status != ReportStatus.FILED:
        raise ValidationError("草稿可直接重新生成，无需更正")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请写明更正原因")
    new = StatReport.objects.create(
        kind=report.kind,
        period_start=report.period_start,
        period_end=report.period_end,
        region_code=report.region_code,
        version=report.version + 1,
        tables=_tables(region, report.period_start, report.period_end),
        correction_reason=reason[:300],
        generated_by=actor,
        generated_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="statistics.report",
        target_id=new.pk,
        region_code=new.region_code,
        new={"version": new.version, "corrects": report.version, "reason": new.correction_reason},
    )
    return new
