"""A month's decision letters as one zip (批量打印决定书), run by the job queue's worker: every letter is the
same PDF the case page prints (its 文号 issued once, kept on a reprint), so a township prints the month's
letters in one go without waiting on the page."""

from __future__ import annotations

import datetime as dt
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from minzheng.accounts.permissions import require
from minzheng.deskjobs.models import DeskJob
from minzheng.deskjobs.registry import JobContext
from minzheng.deskjobs.services import desk_job_create

from .letters import decision_letter
from .selectors import decisions_in_month

LETTERS_JOB = "letters.decisions"
ZIP = "application/zip"


def decision_letters_job(ctx: JobContext) -> None:
    month = dt.date.fromisoformat(str(ctx.job.params["month"]))
    decisions = list(decisions_in_month(actor=ctx.actor, month=month))
    with ctx.file(f"决定书-{month:%Y-%m}.zip", ZIP) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        for n, decision in enumerate(decisions, start=1):
            ctx.progress(f"生成决定书 {n}/{len(decisions)}", n / (len(decisions) + 1))
            app = decision.application
            letter = decision_letter(decision, actor=ctx.actor)
            z.writestr(f"{n:04d}-{app.applicant.name}-申请{app.pk}.pdf", letter)
    ctx.message = f"{month.year}年{month.month}月决定书{len(decisions)}份已生成"


@transaction.atomic
def decision_letters_queue(*, actor: Any, month: dt.date, ip: str = "") -> DeskJob:
    """Queue the month's decision letters of the actor's region as one zip (a desk job, followed on
    我的任务). A month without decisions is refused; the same month asked twice while the first job
    still runs gives that job back."""
    region = getattr(actor, "region", None)
    region_code = region.code if region is not None else ""
    require(actor, "assistance.read", region_code=region_code, target=f"letters:{month:%Y-%m}")
    count = decisions_in_month(actor=actor, month=month).count()
    if not count:
        raise ValidationError(f"{month.year}年{month.month}月本辖区没有审批决定，无决定书可打印")
    job, _queued = desk_job_create(
        actor=actor,
        kind=LETTERS_JOB,
        title=f"{month.year}年{month.month}月审批决定书（{count}份）",
        params={"month": month.isoformat()},
        region_code=region_code,
        dedupe_key=f"letters:{actor.pk}:{month:%Y-%m}",
        ip=ip,
    )
    return job
