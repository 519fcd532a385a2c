"""The person search's Excel export as a desk job when it is larger than EXPORT_JOB_ROWS rows: the worker
writes the file (people.services.person_export_xlsx, masked and audited as any export) and the officer
downloads it from 我的任务."""

from __future__ import annotations

from minzheng.deskjobs.exports import xlsx_export_job
from minzheng.people.services import person_export_xlsx

PERSON_EXPORT_JOB = "export.people"

person_export_job = xlsx_export_job(
    make=lambda ctx: person_export_xlsx(
        actor=ctx.actor,
        q=str(ctx.job.params.get("q", "")),
        region_code=str(ctx.job.params.get("region", "")),
        ip=ctx.job.ip,
    ),
    file_prefix="people",
    message="人员导出文件已生成",
)
