"""Desk jobs: queue one (desk_job_create, in the caller's transaction, so the job and its task commit
together), run it in the worker (desk_job_run), hand its file to its owner (desk_job_download), and mark
jobs whose worker died (desk_jobs_reap). The queue helpers are core.queue's, shared with exchange."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import queue
from minzheng.core.pii import redact

from . import registry
from .models import ACTIVE_STATUSES, DeskJob, DeskJobStatus

logger = logging.getLogger(__name__)

JOB_INTERRUPTED = "任务进程中断，请重新发起"
JOB_NOT_STARTED = "任务未能进入队列，请重新发起"
JOB_FAILED = "任务失败（系统错误），请联系系统管理员"
JOB_STALE_SECONDS = 10
JOB_START_SECONDS = 300


def files_dir() -> Path:
    """DATA_DIR/jobs (JOB_FILES_DIR): the jobs' files, private, never under STATIC_ROOT or MEDIA_ROOT."""
    folder = Path(settings.JOB_FILES_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@task()
def desk_job_task(*, job_id: int, attempt: int = 1) -> str:
    """The queued work of one desk job, run by the worker process; returns the job's status."""
    job = desk_job_run(job_id=job_id, attempt=attempt)
    return job.status if job is not None else "skipped"


@transaction.atomic
def desk_job_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    params: dict[str, Any],
    region_code: str,
    dedupe_key: str = "",
    ip: str = "",
) -> tuple[DeskJob, bool]:
    """Queue a job of a registered kind for `actor` (who has been checked by the caller's service) and
    return it with True; when a job with the same `dedupe_key` is already queued or running, that job
    and False (nothing queued twice, even by two clicks at once: a partial unique index decides)."""
    registry.kind(kind)
    if dedupe_key:
        running = DeskJob.objects.filter(dedupe_key=dedupe_key, status__in=ACTIVE_STATUSES).first()
        if running is not None:
            return running, False
    try:
        with transaction.atomic():
            job = DeskJob.objects.create(
                kind=kind,
                title=title[:200],
                owner=actor,
                region_code=region_code,
                params=params,
                dedupe_key=dedupe_key,
                ip=ip,
                stage="排队等待",
                created_at=timezone.now(),
            )
    except IntegrityError:
        return DeskJob.objects.get(dedupe_key=dedupe_key, status__in=ACTIVE_STATUSES), False
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="deskjob",
        target_id=job.pk,
        region_code=region_code,
        outcome="queued",
        detail=f"后台任务：{title}"[:300],
        ip=ip,
    )
    # In the same transaction: the task row commits with the job, or neither does.
    queue.enqueue(desk_job_task, job_id=job.pk, attempt=1)
    return job, True


def _progress(job_id: int, stage: str, fraction: float) -> None:
    """Stage and progress of a running job, for the page only: a failed write never stops the work."""
    with contextlib.suppress(DatabaseError):
        DeskJob.objects.filter(pk=job_id, status=DeskJobStatus.RUNNING).update(
            stage=redact(stage)[:100], progress=round(min(max(fraction, 0.0), 1.0), 4)
        )


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _error_text(exc: Exception) -> str:
    """What the owner reads: a refusal's own Chinese message, else a plain statement (the trace is in the
    worker's log and the task row)."""
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    if isinstance(exc, LookupError | PermissionError):
        return str(exc) or JOB_FAILED
    return JOB_FAILED


def desk_job_run(*, job_id: int, attempt: int = 1) -> DeskJob | None:
    """The worker's work: claim the queued job, run its kind as its owner, and record the outcome (the
    file it wrote, its result page, or the error in Chinese). A job that is not queued (already run, or
    claimed by another worker) is left alone and None returned. A lost database connection queues the
    job again, at most JOB_MAX_ATTEMPTS attempts."""
    claimed = DeskJob.objects.filter(pk=job_id, status=DeskJobStatus.QUEUED).update(
        status=DeskJobStatus.RUNNING,
        started_at=timezone.now(),
        pid=os.getpid(),
        stage="开始",
        progress=0.01,
    )
    if not claimed:
        return None
    job = DeskJob.objects.select_related("owner").get(pk=job_id)
    ctx = registry.JobContext(
        job=job,
        actor=job.owner,
        progress=lambda stage, fraction: _progress(job_id, stage, fraction),
        folder=files_dir(),
    )
    try:
        registry.kind(job.kind).run(ctx)
    except queue.TRANSIENT_DB_ERRORS as exc:
        _remove([p for p, _, _ in ctx.files])
        delay = queue.retry_delay(attempt)
        if delay is not None:
            DeskJob.objects.filter(pk=job_id).update(
                status=DeskJobStatus.QUEUED, pid=None, progress=0, stage=f"第{attempt}次尝试未成功，稍后重试"
            )
            queue.enqueue(desk_job_task, delay=delay, job_id=job_id, attempt=attempt + 1)
            logger.warning("desk job %s: attempt %s failed (%s), queued again", job_id, attempt, exc)
        else:
            _finish(job, status=DeskJobStatus.FAILED, error="数据库连接中断，多次重试未成功，请稍后重新发起")
        job.refresh_from_db()
        return job
    except Exception as exc:
        logger.exception("desk job %s (%s) failed", job_id, job.kind)
        _remove([p for p, _, _ in ctx.files])
        _finish(job, status=DeskJobStatus.FAILED, error=_error_text(exc))
        job.refresh_from_db()
        return job
    except BaseException:  # SIGTERM twice (the worker's own signal) or Ctrl-C
        _remove([p for p, _, _ in ctx.files])
        _finish(job, status=DeskJobStatus.FAILED, error=JOB_INTERRUPTED)
        raise
    _finish(job, status=DeskJobStatus.DONE, ctx=ctx)
    job.refresh_from_db()
    return job


@transaction.atomic
def _finish(job: DeskJob, *, status: str, error: str = "", ctx: registry.JobContext | None = None) -> None:
    fields: dict[str, Any] = {
        "status": status,
        "error": error,
        "finished_at": timezone.now(),
        "params": {},  # search terms and the like are not kept past the job
        "stage": "完成" if status == DeskJobStatus.DONE else "已结束",
    }
    if ctx is not None:
        fields |= {"progress": 1.0, "message": ctx.message[:300], "result_url": ctx.result_url[:200]}
        fields["result_pk"] = ctx.result_pk
        if ctx.files:
            path, name, content_type = ctx.files[-1]
            fields |= {
                "file_path": path.name,
                "file_name": name[:200],
                "file_size": path.stat().st_size,
                "content_type": content_type,
            }
    updated = DeskJob.objects.filter(pk=job.pk, status__in=ACTIVE_STATUSES).update(**fields)
    if updated and status == DeskJobStatus.FAILED:
        audit_record(
            actor=job.owner,
            event_type=AuditEvent.UPDATE,
            target_type="deskjob",
            target_id=job.pk,
            region_code=job.region_code,
            outcome="failed",
            detail=f"后台任务未完成：{job.title}：{error}"[:300],
        )


def desk_job_file(*, actor: Any, job: DeskJob, ip: str = "") -> Path:
    """The finished job's file for its owner (the selector has checked the owner), audited as an export."""
    if job.status != DeskJobStatus.DONE or not job.file_path:
        raise ValidationError("该任务没有可下载的文件")
    path = files_dir() / Path(job.file_path).name
    if not path.is_file():
        raise ValidationError("文件已过期删除，请重新发起任务")
    with transaction.atomic():
        audit_record(
            actor=actor,
            event_type=AuditEvent.EXPORT,
            target_type="deskjob",
            target_id=job.pk,
            region_code=job.region_code,
            detail=f"下载后台任务文件：{job.title}（{job.file_name}，{job.file_size:,}字节）"[:300],
            ip=ip,
        )
    return path


def desk_jobs_reap() -> int:
    """Mark failed every running job whose worker is gone (its pid no longer exists, or its task ended
    while the job still says running), and every queued job with no task waiting after
    JOB_START_SECONDS; a job that waits its turn is left alone. Returns how many were marked."""
    now = timezone.now()
    marked = 0
    stale = DeskJob.objects.filter(
        status__in=ACTIVE_STATUSES, created_at__lt=now - dt.timedelta(seconds=JOB_STALE_SECONDS)
    ).select_related("owner")
    for job in stale:
        statuses = queue.task_statuses(desk_job_task, job_id=job.pk)
        if job.status == DeskJobStatus.RUNNING:
            gone = (job.pid is not None and not queue.process_alive(job.pid)) or (
                bool(statuses) and not queue.task_pending(statuses)
            )
            reason = JOB_INTERRUPTED
        else:
            gone = job.created_at < now - dt.timedelta(seconds=JOB_START_SECONDS) and not queue.task_pending(
                statuses
            )
            reason = JOB_NOT_STARTED
        if gone:
            _finish(job, status=DeskJobStatus.FAILED, error=reason)
            marked += 1
    return marked


def desk_jobs_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files of jobs finished more than JOB_FILE_KEEP_DAYS ago (the row stays, saying so)."""
    now = now or timezone.now()
    old = DeskJob.objects.filter(
        finished_at__lt=now - dt.timedelta(days=int(settings.JOB_FILE_KEEP_DAYS))
    ).exclude(file_path="")
    count = 0
    for job in old:
        _remove([files_dir() / Path(job.file_path).name])
        count += DeskJob.objects.filter(pk=job.pk).update(file_path="", stage="文件已过期删除")
    return count
