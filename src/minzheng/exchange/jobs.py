"""Background snapshot imports: an officer's upload becomes a job (import_job_create), run by a worker
process (import_job_run → importing.snapshot_import), followed on its page; dead workers are reaped
(import_jobs_reap).

No broker: the web process starts `python -m minzheng.cli exchange run-job ID` detached (its own session,
so a restart of the web server does not take it down) after the job row has committed. The job row is
the only channel: the worker claims it, writes its stage and progress, and records the outcome; the page
polls the row. A worker that dies leaves its row "running" with a pid that no longer exists, which
import_jobs_reap marks failed.

`start_worker` is a module-level hook: tests replace it (monkeypatch) with a synchronous call or a no-op.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import subprocess
import sys
import threading
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

from minzheng.accounts.permissions import require
from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
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
    """SNAPSHOT_DIR/incoming: uploaded archives waiting for their worker, its unpacked folders and logs
    (never under STATIC_ROOT or MEDIA_ROOT, so never served)."""
    return Path(settings.SNAPSHOT_DIR) / "incoming"


def worker_log(job_id: int) -> Path:
    return incoming_dir() / f"job-{job_id}.log"


def worker_command(job_id: int) -> list[str]:
    return [sys.executable, "-m", "minzheng.cli", "exchange", "run-job", str(job_id)]


def _worker_env() -> dict[str, str]:
    """The web process's environment (database, data dir, keys), with the settings module it really runs
    under, so the worker reads the same database and SNAPSHOT_DIR."""
    env = dict(os.environ)
    module = getattr(settings, "SETTINGS_MODULE", "") or env.get("DJANGO_SETTINGS_MODULE", "")
    if module:
        env["DJANGO_SETTINGS_MODULE"] = module
    return env


def start_worker(job_id: int) -> int | None:
    """Start the detached worker for job `job_id`; returns its pid. Output goes to incoming/job-<id>.log."""
    from .store import private_dir, private_files

    private_dir(Path(settings.SNAPSHOT_DIR))
    private_dir(incoming_dir())
    with private_files(), worker_log(job_id).open("ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter, our module, an integer
            worker_command(job_id),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            env=_worker_env(),
        )
    # Reap the child when it exits, so a long-lived web process keeps no zombie (a zombie would still
    # answer os.kill(pid, 0) and hide a dead worker from import_jobs_reap).
    threading.Thread(target=proc.wait, name=f"import-job-{job_id}-reaper", daemon=True).start()
    return proc.pid


def process_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this machine (signal 0 checks without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


# ----------------------------------------------------------------------------- background import jobs
FORBIDDEN = "只有市级民政部门人员可以查看和导入数据交换快照"
JOB_INTERRUPTED = "导入进程中断"
JOB_NOT_STARTED = "导入进程未能启动"
JOB_STALE_SECONDS = 10  # a job whose worker pid is gone is declared dead only after this
JOB_START_SECONDS = 300  # a queued job that never got a worker pid (web process died before spawning)
JOB_BUSY_POLL_SECONDS = 2.0
INCOMING_KEEP_SECONDS = 24 * 3600  # leftovers in incoming/ of requests or workers that died
LOG_KEEP_SECONDS = 7 * 24 * 3600  # worker logs


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
    archive is saved as SNAPSHOT_DIR/incoming/<random>.zip; after the commit a detached worker process
    (start_worker) runs import_job_run."""
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
    """After the job's commit: start its worker and record the pid; a worker that cannot even start
    fails the job at once (the archive is then removed)."""
    try:
        pid = start_worker(job_id)
    except Exception as exc:
        logger.exception("import job %s: the worker process could not be started", job_id)
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is not None:
            _job_fail(job, f"{JOB_NOT_STARTED}：{type(exc).__name__}: {exc}")
        return
    if pid is not None:
        ImportJob.objects.filter(pk=job_id, pid__isnull=True, status__in=ACTIVE_JOB_STATUSES).update(pid=pid)


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


def import_job_run(*, job_id: int) -> ImportJob | None:
    """The worker's work (`minzheng exchange run-job ID`): claim the queued job, unpack its archive,
    snapshot_import it as the uploading user, and record the outcome on the job, which is returned. The
    archive and the unpacked folder are removed whatever happens. A job that is not queued (already run,
    or being run by another worker) is left untouched and None returned, as for an unknown id."""
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
    except BaseException:  # SIGTERM (the command turns it into SystemExit) or Ctrl-C
        _job_finish(job, {"status": ImportJobStatus.FAILED, "error": JOB_INTERRUPTED})
        raise
    finally:
        for path in _job_files(job):
            _remove(path)
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


def import_jobs_reap() -> int:
    """Mark failed ("导入进程中断") every queued or running job older than JOB_STALE_SECONDS whose worker
    process no longer exists, and queued jobs that never got a worker. The import itself is atomic and
    removes its own leftovers at the next run (_recover), so nothing else needs undoing. Returns how many
    jobs were marked."""
    now = timezone.now()
    marked = 0
    stale = ImportJob.objects.filter(
        status__in=ACTIVE_JOB_STATUSES, created_at__lt=now - dt.timedelta(seconds=JOB_STALE_SECONDS)
    )
    for job in stale:
        if job.pid is not None:
            if process_alive(job.pid):
                continue
            reason = JOB_INTERRUPTED
        elif job.status == ImportJobStatus.QUEUED and job.created_at < now - dt.timedelta(
            seconds=JOB_START_SECONDS
        ):
            reason = JOB_NOT_STARTED
        else:
            continue
        marked += _job_fail(job, reason)
    # a worker that died during the screening after its import: the import stands, the page stops waiting
    for job in ImportJob.objects.filter(status=ImportJobStatus.ACCEPTED, stage__startswith=JOB_SCREENING):
        if job.pid is None or not process_alive(job.pid):
            ImportJob.objects.filter(pk=job.pk, stage=job.stage).update(stage=JOB_SCREENING_FAILED)
    return marked
