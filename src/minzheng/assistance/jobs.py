"""A month's decision letters as one zip (批量打印决定书), run by the job queue's worker: every letter is the
same PDF the case page prints (its 文号 issued once, kept on a reprint), so a township prints the month's
letters in one go without waiting on the page."""

from __future__ import annotations

import datetime as dt
import zipfile

from minzheng.deskjobs.registry import JobContext

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
