"""Background snapshot imports: an officer's upload becomes a job (import_job_create), run by the job
queue's worker (import_job_task → import_job_run → importing.snapshot_import), followed on its page; jobs
whose worker died are reaped (import_jobs_reap).

The queue is django-tasks with its database backend (settings.TASKS): after the job row has committed,
start_worker enqueues import_job_task, a row of the tasks table, and the worker process (`minzheng
db_worker`, a systemd unit in production, a second process of `make run`) picks it up. The worker is its
own process, so a restart of the web server does not stop a running import. The ImportJob row stays the
page's channel: the worker claims it, writes its stage and progress, and records the outcome; the page
polls the row. A failure that may pass (database connection lost, the store busy past its wait) is
queued again, at most JOB_MAX_ATTEMPTS attempts. A worker killed mid-import leaves its row "running" with
a pid that no longer exists, or a task that is no longer running, which import_jobs_reap marks failed.

`start_worker` is a module-level hook: tests replace it (monkeypatch) with a synchronous call or a no-op.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import time
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.move import file_move_safe
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import task

from minzheng.accounts.permissions import require
from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import queue
from minzheng.core.pii import redact

from . import hooks, store
from .importing import (
    JOB_DONE,
    JOB_SCREENING,
    JOB_SCREENING_FAILED,
    ImportResult,
    SnapshotBusyError,
    _job_finish_id,
    _job_outcome,
    _job_screening_stage,
    _remove,
    _root,
    snapshot_import,
)
from .models import ACTIVE_JOB_STATUSES, ImportJob, ImportJobStatus
from .upload import extract_snapshot_zip, inspect_snapshot_zip, max_upload_bytes

logger = logging.getLogger(__name__)


def incoming_dir() -> Path:
    """SNAPSHOT_DIR/incoming: uploaded archives waiting for their worker and its unpacked folders (never
    under STATIC_ROOT or MEDIA_ROOT, so never served)."""
    return Path(settings.SNAPSHOT_DIR) / "incoming"


@task()
def import_job_task(*, job_id: int, attempt: int = 1) -> str:
    """The queued work of one import job, run by the worker process; returns the job's status."""
    job = import_job_run(job_id=job_id, attempt=attempt)
    return job.status if job is not None else "skipped"


def _enqueue(job_id: int, *, attempt: int = 1, delay: float = 0) -> str:
    """Put the job's task in the queue (after `delay` seconds); returns the task's id."""
    return queue.enqueue(import_job_task, delay=delay, job_id=job_id, attempt=attempt)


def start_worker(job_id: int) -> str | None:
    """Hand job `job_id` to the job queue; returns the task's id."""
    return _enqueue(job_id)


def job_tasks(job_id: int) -> list[str]:
    """The statuses of the queue's tasks for this job (none when it was run by hand or by a test)."""
    return queue.task_statuses(import_job_task, job_id=job_id)


_task_pending = queue.task_pending
process_alive = queue.process_alive


# ----------------------------------------------------------------------------- background import jobs
FORBIDDEN = "只有市级民政部门人员可以查看和导入数据交换快照"
JOB_INTERRUPTED = "导入进程中断"
JOB_NOT_STARTED = "导入进程未能启动"
JOB_STALE_SECONDS = 10  # a job whose worker pid is gone is declared dead only after this
JOB_START_SECONDS = 300  # a queued job with no task in the queue (web process died before enqueuing)
# What may pass by itself: the database was unreachable for a while, or the store stayed busy too long.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (*queue.TRANSIENT_DB_ERRORS, SnapshotBusyError)
JOB_BUSY_POLL_SECONDS = 2.0
INCOMING_KEEP_SECONDS = 24 * 3600  # leftovers in incoming/ of requests or workers that died
LOG_KEEP_SECONDS = (
    7 * 24 * 3600
)  # job logs an older release wrote here (the worker now logs to its own output)


def _job_wait_seconds() -> float:
    """How long a worker waits for another import or purge to release the store lock."""
    return float(getattr(settings, "SNAPSHOT_JOB_WAIT_SECONDS", 3600))


def _job_files(job: ImportJob) -> list[Path]:
    """The saved archive and the unpacked folder of a job (not its log)."""
    files = [incoming_dir() / f"job-{job.pk}"]
    if job.archive_path:
        files.append(_root() / job.archive_path)
    return files


def _clean_incoming(*, now: float | None = None) -> None:
    """Remove what dead requests or workers left in incoming/ (archives and folders after a day, worker
    logs after a week), never the files of a queued or running job."""
    folder = incoming_dir()
    if not folder.is_dir():
        return
    keep: set[str] = set()
    for pk, archive in ImportJob.objects.filter(status__in=ACTIVE_JOB_STATUSES).values_list(
        "pk", "archive_path"
    ):
        keep |= {f"job-{pk}", f"job-{pk}.log", Path(archive).name}
    now = time.time() if now is None else now
    for child in folder.iterdir():
        limit = LOG_KEEP_SECONDS if child.suffix == ".log" else INCOMING_KEEP_SECONDS
        try:
            old = now - child.lstat().st_mtime > limit
        except OSError:
            continue
        if old and child.name not in keep:
            _remove(child)


def _safe_file_name(name: str | None) -> str:
    """The uploaded file's name for the page and the audit row, with ID and card numbers masked."""
    base = Path(str(name or "snapshot.zip")).name or "snapshot.zip"
    return redact(base)[:255]


def _save_upload(archive: File[Any], target: Path) -> None:
    """Move a disk-buffered upload into place (a rename on the same filesystem), or write a small
    in-memory one out."""
    store.private_dir(_root())
    store.private_dir(target.parent)
    temporary = getattr(archive, "temporary_file_path", None)
    if temporary is not None:
        file_move_safe(temporary(), str(target))
        target.chmod(0o600)
        return
    archive.seek(0)
    with store.private_files(), target.open("xb") as out:
        for chunk in archive.chunks():
            out.write(chunk)


@transaction.atomic
def import_job_create(*, actor: Any, archive: File[Any], ip: str = "") -> ImportJob:
    """Queue the background import of an uploaded snapshot .zip and return the job at once.

    Checked first, so that bad input saves nothing and creates no job: the actor (city officers only),
    the size limit, and everything the zip's central directory shows (upload.inspect_snapshot_zip). The
    archive is saved as SNAPSHOT_DIR/incoming/<random>.zip; after the commit its task is queued
    (start_worker) and the worker process runs import_job_run."""
    require(actor, "exchange.upload", target="exchange.upload")
    size = int(archive.size or 0)
    if size > max_upload_bytes():
        raise ValidationError(f"上传文件过大（{size:,}字节，上限{max_upload_bytes():,}字节）")
    archive.seek(0)
    month = inspect_snapshot_zip(archive=archive, size=size)
    import_jobs_reap()
    _clean_incoming()
    file_name = _safe_file_name(archive.name)  # shown and audited; never part of a stored path
    rel = f"incoming/{secrets.token_hex(16)}.zip"
    target = _root() / rel
    _save_upload(archive, target)
    try:
        job = ImportJob.objects.create(
            file_name=file_name,
            file_size=size,
            archive_path=rel,
            region_code=actor.region.code,
            started_by=actor,
            ip=ip,
            created_at=timezone.now(),
            stage="排队等待导入",
        )
        audit_record(
            actor=actor,
            event_type=AuditEvent.IMPORT,
            target_type="exchange.importjob",
            target_id=job.pk,
            outcome="queued",
            detail=f"上传快照压缩包{file_name}（{month}，{size:,}字节），后台导入",
            new={"file": file_name, "size": size, "month": month},
            ip=ip,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    transaction.on_commit(partial(_job_spawn, job.pk))
    return job


def _job_spawn(job_id: int) -> None:
    """After the job's commit: queue its task; a job that cannot even be queued fails at once (the
    archive is then removed)."""
    try:
        start_worker(job_id)
    except Exception as exc:
        logger.exception("import job %s: its task could not be queued", job_id)
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is not None:
            _job_fail(job, f"{JOB_NOT_STARTED}：{type(exc).__name__}: {exc}")


def _job_progress(job_id: int, stage: str, fraction: float) -> None:
    """Stage and progress of a running job; only for the page, so a failed write never stops the import."""
    with contextlib.suppress(DatabaseError):
        ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.RUNNING).update(
            stage=redact(stage)[:100], progress=round(min(max(fraction, 0.0), 1.0), 4)
        )


def _import_waiting(job: ImportJob, folder: Path) -> ImportResult:
    """snapshot_import, waiting while another import or purge holds the store lock."""
    actor: Any = job.started_by or system_actor(purpose=f"导入任务{job.pk}")
    deadline = time.monotonic() + _job_wait_seconds()

    def progress(stage: str, fraction: float) -> None:
        _job_progress(job.pk, f"校验导入：{stage}", 0.1 + 0.89 * fraction)

    while True:
        try:
            return snapshot_import(
                actor=actor, source_dir=folder, ip=job.ip, progress=progress, job_id=job.pk
            )
        except SnapshotBusyError:
            if time.monotonic() >= deadline:
                raise
            _job_progress(job.pk, "等待：另一个快照导入或清理正在进行", 0.1)
            time.sleep(JOB_BUSY_POLL_SECONDS)


@transaction.atomic
def _record_job_unpack_rejected(*, job: ImportJob, errors: list[str]) -> None:
    audit_record(
        actor=job.started_by or system_actor(purpose=f"导入任务{job.pk}"),
        event_type=AuditEvent.IMPORT,
        target_type="exchange.importjob",
        target_id=job.pk,
        outcome="rejected",
        detail=f"快照压缩包{job.file_name}无法解压，未保存任何数据：" + "；".join(errors),
        new={"errors": errors[:20]},
        ip=job.ip,
    )


def _job_retry(job: ImportJob, attempt: int, error: str) -> bool:
    """After a failure that may pass: queue the job again (its archive kept) unless this was the last
    attempt; whether it was queued again."""
    delay = queue.retry_delay(attempt)
    if delay is None:
        return False
    stage = f"第{attempt}次尝试未成功（{error}），{round(delay)}秒后重试"
    with transaction.atomic():
        requeued = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
            status=ImportJobStatus.QUEUED, pid=None, progress=0, stage=redact(stage)[:100]
        )
        if requeued:
            transaction.on_commit(partial(_enqueue, job.pk, attempt=attempt + 1, delay=delay))
    logger.warning("import job %s: attempt %s failed (%s), queued again", job.pk, attempt, error[:200])
    return bool(requeued)


def import_job_run(*, job_id: int, attempt: int = 1) -> ImportJob | None:
    """The worker's work (import_job_task, or `minzheng exchange run-job ID` by hand): claim the queued
    job, unpack its archive, snapshot_import it as the uploading user, and record the outcome on the job,
    which is returned. The archive and the unpacked folder are removed whatever happens, except when a
    failure that may pass queues the job again (attempt `attempt` of JOB_MAX_ATTEMPTS): then the archive
    waits for the next attempt. A job that is not queued (already run, or being run by another worker)
    is left untouched and None returned, as for an unknown id."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING,
        started_at=timezone.now(),
        pid=os.getpid(),
        stage="解压",
        progress=0.01,
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("started_by").get(pk=job_id)
    outcome: dict[str, Any]
    work = incoming_dir() / f"job-{job.pk}"
    retried = False
    try:
        _remove(work)
        archive = _root() / job.archive_path
        with store.private_files(), archive.open("rb") as f:
            folder = extract_snapshot_zip(archive=f, size=archive.stat().st_size, dest=work)
        _job_progress(job.pk, "校验导入", 0.1)
        outcome = _job_outcome(_import_waiting(job, folder))
    except ValidationError as e:  # what only unpacking shows (sizes that lie); nothing was imported
        _record_job_unpack_rejected(job=job, errors=e.messages)
        message = "已拒收：压缩包无法解压，未保存任何数据：" + "；".join(e.messages)
        outcome = {"status": ImportJobStatus.REJECTED, "message": message, "error": "\n".join(e.messages)}
    except Exception as e:  # snapshot_import has audited its own failures and stored nothing
        error = (
            str(e)
            if isinstance(e, SnapshotBusyError)
            else f"导入失败，未保存任何数据：{type(e).__name__}: {e}"
        )
        outcome = {"status": ImportJobStatus.FAILED, "error": error}
        retried = isinstance(e, TRANSIENT_ERRORS) and _job_retry(job, attempt, error)
    except BaseException:  # SIGTERM (the command turns it into SystemExit) or Ctrl-C
        _job_finish(job, {"status": ImportJobStatus.FAILED, "error": JOB_INTERRUPTED})
        raise
    finally:
        for path in [work] if retried else _job_files(job):
            _remove(path)
    if retried:
        job.refresh_from_db()
        return job
    _job_finish(job, outcome)
    job.refresh_from_db()
    if job.status == ImportJobStatus.ACCEPTED and job.snapshot is not None and job.started_by is not None:
        _job_screen(job, job.snapshot.month)
        job.refresh_from_db()
    return job


def _job_screen(job: ImportJob, month: str) -> None:
    """After an accepted import: what the apps following an upload do (monitoring screens the month, as
    the uploading officer), their steps shown on the job page. A failure leaves the import as it is and
    says so on the page; the screening can be run again from the monitoring pages."""

    def progress(stage: str, fraction: float) -> None:
        _job_screening_stage(job.pk, f"{JOB_SCREENING}：{stage}", fraction)

    try:
        lines = hooks.upload_accepted(
            hooks.UploadAccepted(
                month=month,
                actor=job.started_by or system_actor(purpose=f"导入任务{job.pk}"),
                progress=progress,
            )
        )
    except Exception as e:
        logger.warning("import job %s: the screening of %s failed: %s", job.pk, month, type(e).__name__)
        message = "；".join(e.messages) if isinstance(e, ValidationError) else type(e).__name__
        _job_screening_stage(job.pk, f"{JOB_SCREENING_FAILED}：{message}", 1.0)
        return
    _job_screening_stage(job.pk, "；".join(["完成", *lines]), 1.0)


def _job_finish(job: ImportJob, outcome: dict[str, Any]) -> None:
    _job_finish_id(job.pk, outcome)


def _job_fail(job: ImportJob, reason: str) -> bool:
    """Mark a queued or running job failed (unless it finished meanwhile), audited, and remove its files."""
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=job.status, pid=job.pid).update(
            status=ImportJobStatus.FAILED,
            error=reason,
            stage=JOB_DONE,
            finished_at=timezone.now(),
            archive_path="",
        )
        if updated:
            audit_record(
                actor=system_actor(purpose="导入任务检查"),
                event_type=AuditEvent.IMPORT,
                target_type="exchange.importjob",
                target_id=job.pk,
                outcome="failed",
                detail=f"快照压缩包{job.file_name}的导入未完成：{reason}"[:300],
            )
    if updated:
        for path in _job_files(job):
            _remove(path)
    return bool(updated)


def _worker_gone(job: ImportJob) -> bool:
    """Whether the worker of a running job is gone: its process no longer exists, or the queue ran its
    task to an end (a worker that lost the database mid-import) while the job still says running."""
    if job.pid is not None and not process_alive(job.pid):
        return True
    statuses = job_tasks(job.pk)
    return bool(statuses) and not _task_pending(statuses)


def import_jobs_reap() -> int:
    """Mark failed ("导入进程中断") every running job older than JOB_STALE_SECONDS whose worker is gone
    (_worker_gone), and queued jobs with no task waiting in the queue after JOB_START_SECONDS. A job that
    waits its turn in the queue is left alone however long the queue is. The import itself is atomic and
    removes its own leftovers at the next run (_recover), so nothing else needs undoing. Returns how many
    jobs were marked."""
    now = timezone.now()
    marked = 0
    stale = ImportJob.objects.filter(
        status__in=ACTIVE_JOB_STATUSES, created_at__lt=now - dt.timedelta(seconds=JOB_STALE_SECONDS)
    )
    for job in stale:
        if job.status == ImportJobStatus.RUNNING:
            if not _worker_gone(job):
                continue
            reason = JOB_INTERRUPTED
        elif job.created_at < now - dt.timedelta(seconds=JOB_START_SECONDS) and not _task_pending(
            job_tasks(job.pk)
        ):
            reason = JOB_NOT_STARTED
        else:
            continue
        marked += _job_fail(job, reason)
    # a worker that died during the screening after its import: the import stands, the page stops waiting
    for job in ImportJob.objects.filter(status=ImportJobStatus.ACCEPTED, stage__startswith=JOB_SCREENING):
        if job.pid is None or _worker_gone(job):
            ImportJob.objects.filter(pk=job.pk, stage=job.stage).update(stage=JOB_SCREENING_FAILED)
    return marked
