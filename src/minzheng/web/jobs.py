"""The person search's Excel export as a desk job when it is larger than EXPORT_JOB_ROWS rows: the worker
writes the file (people.services.person_export_xlsx, masked and audited as any export) and the officer
downloads it from 我的任务."""

from __future__ import annotations

from django.utils import timezone

from minzheng.deskjobs.registry import JobContext
from minzheng.people.services import person_export_xlsx

PERSON_EXPORT_JOB = "export.people"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def person_export_job(ctx: JobContext) -> None:
    ctx.progress("生成Excel文件", 0.1)
    content = person_export_xlsx(
        actor=ctx.actor,
        q=str(ctx.job.params.get("q", "")),
        region_code=str(ctx.job.params.get("region", "")),
        ip=ctx.job.ip,
    )
    with ctx.file(f"people-{timezone.localdate():%Y%m%d}.xlsx", XLSX) as f:
        f.write(content)
    ctx.message = "人员导出文件已生成"
