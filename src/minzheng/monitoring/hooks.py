"""Monitoring follows the exchange importer (exchange/hooks.py, registered in apps.py): when a snapshot is
accepted it prepares the month's screening facts beside it, and when an officer uploaded it, it screens
the month. Exchange calls these without importing monitoring."""

from __future__ import annotations

from minzheng.exchange.hooks import AcceptedSnapshot, UploadAccepted

from . import engine
from .services import screening_run


def facts_prepare(event: AcceptedSnapshot) -> None:
    """The month's screening facts (engine.prepare), built once for the stored snapshot so that every
    screening of it reads them. They only save time: when they cannot be built the import stands, with a
    warning, and the screening builds them in its run."""
    event.progress("预计算筛查事实", 0.0)
    try:
        # 2 GB: the preparation of 8.3 M persons peaks at 2.2 GB (bench/RESULTS.md), inside the 3 GB budget
        engine.prepare(snapshot=event.path, month=event.month, memory_limit="2GB")
    except Exception as e:  # any failure here only costs the screening time
        event.warnings.append(f"筛查事实预计算未完成（{type(e).__name__}），筛查时将现场计算")
    event.progress("预计算筛查事实", 1.0)


def month_screen(event: UploadAccepted) -> str:
    """The uploaded month's screening, run as the uploading officer; the line the import job shows."""
    run = screening_run(actor=event.actor, month=event.month, progress=event.progress)
    alerts = run.summary.get("alerts", 0) if isinstance(run.summary, dict) else 0
    return f"{event.month}筛查已发布，预警{alerts:,}条"
