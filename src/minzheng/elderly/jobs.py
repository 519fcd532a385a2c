"""The elder registry's Excel export as a desk job above EXPORT_JOB_ROWS rows (a county's registry runs to
tens of thousands): the worker calls the same masked, audited export service with the saved filters."""

from __future__ import annotations

from minzheng.deskjobs.exports import xlsx_export_job

from . import services

ELDER_EXPORT_JOB = "export.elderly"

elder_export_job = xlsx_export_job(
    make=lambda ctx: services.elder_registry_export_xlsx(
        actor=ctx.actor, filters=ctx.job.params, ip=ctx.job.ip
    ),
    file_prefix="elders",
    message="老年人导出文件已生成",
)
