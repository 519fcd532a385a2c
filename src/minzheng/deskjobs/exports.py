"""Big Excel exports become desk jobs: one rule for every list that can outgrow a request. Above
EXPORT_JOB_ROWS rows the view queues the export's registered kind and sends the officer to 我的任务; the
worker calls the same export service the direct download uses (masked, audited) and stores the file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.core.spreadsheet import XLSX_TYPE

from .registry import JobContext
from .services import desk_job_create


def export_as_job_if_large(
    request: HttpRequest, *, actor: Any, count: int, kind: str, title: str, params: dict[str, Any], ip: str
) -> HttpResponse | None:
    """Queue the export when it has more than EXPORT_JOB_ROWS rows and answer with 我的任务; None when it is
    small enough to download at once."""
    if count <= int(settings.EXPORT_JOB_ROWS):
        return None
    region = getattr(actor, "region", None)
    desk_job_create(
        actor=actor, kind=kind, title=title, params=params, region_code=region.code if region else "", ip=ip
    )
    messages.info(
        request,
        _("导出共%(count)s条，超过%(limit)s条，已转为后台任务，完成后请在“我的任务”下载")
        % {"count": count, "limit": settings.EXPORT_JOB_ROWS},
    )
    return redirect("deskjobs-list")


def xlsx_export_job(
    *, make: Callable[[JobContext], bytes], file_prefix: str, message: str
) -> Callable[[JobContext], None]:
    """A job kind's run function that writes what `make` returns as the job's Excel file."""

    def run(ctx: JobContext) -> None:
        ctx.progress("生成Excel文件", 0.1)
        content = make(ctx)
        with ctx.file(f"{file_prefix}-{timezone.localdate():%Y%m%d}.xlsx", XLSX_TYPE) as f:
            f.write(content)
        ctx.message = message

    return run
