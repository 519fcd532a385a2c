"""Snapshot imports as tasks of the job queue (django-tasks, database backend): the upload queues a task,
the worker runs it, a failure that may pass is tried again a bounded number of times, and the reaper
tells a job waiting its turn from one whose worker is gone."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minzheng.exchange import jobs, services
from minzheng.exchange.models import ImportJob, ImportJobStatus, Snapshot
from tests.exchange.test_import import zipped
from tests.exchange.test_jobs import upload


def _tasks() -> list[tuple[str, dict[str, Any]]]:
    return [
        (r.status, r.args_kwargs["kwargs"])
        for r in DBTaskResult.objects.order_by("enqueued_at", "id")
        if r.task_path == jobs.import_job_task.module_path
    ]


def _flaky_import(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    """snapshot_import fails `failures` times as if the database connection were lost, then works."""
    calls: list[int] = []
    real = jobs.snapshot_import

    def flaky(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "snapshot_import", flaky)
    return calls


def test_an_upload_puts_a_task_in_the_queue_and_the_worker_imports_the_snapshot(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    run_worker: Callable[[], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    assert job.status == ImportJobStatus.QUEUED and not Snapshot.objects.exists()
    assert _tasks() == [(TaskResultStatus.READY, {"job_id": job.pk, "attempt": 1})]
    page = officer_client.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert "排队中" in page and "hx-trigger" in page  # waiting its turn, not reaped

    run_worker()

    job.refresh_from_db()
    assert job.status == ImportJobStatus.ACCEPTED and job.snapshot == Snapshot.objects.get()
    assert job.pid == os.getpid() and job.progress == 1.0 and job.archive_path == ""
    assert _tasks() == [(TaskResultStatus.SUCCESSFUL, {"job_id": job.pk, "attempt": 1})]
    assert DBTaskResult.objects.get().return_value == ImportJobStatus.ACCEPTED


def test_a_task_run_again_for_a_finished_job_changes_nothing(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    run_worker: Callable[[], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    run_worker()
    job = ImportJob.objects.get()
    finished = job.finished_at

    jobs.import_job_task.enqueue(job_id=job.pk, attempt=1)  # a replayed task
    run_worker()

    job.refresh_from_db()
    assert job.status == ImportJobStatus.ACCEPTED and job.finished_at == finished
    assert Snapshot.objects.count() == 1
    assert [r.return_value for r in DBTaskResult.objects.order_by("enqueued_at")] == ["accepted", "skipped"]


def test_an_import_that_lost_the_database_is_tried_again_and_then_succeeds(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    run_worker: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOB_MAX_ATTEMPTS = 3
    settings.JOB_RETRY_SECONDS = 0
    calls = _flaky_import(monkeypatch, failures=1)
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    first = ImportJob.objects.get()
    assert first.status == ImportJobStatus.QUEUED and first.stage.startswith("第1次尝试未成功")
    assert (snapshots / first.archive_path).is_file()  # kept for the next attempt

    run_worker()

    job.refresh_from_db()
    assert len(calls) == 2 and job.status == ImportJobStatus.ACCEPTED and job.error == ""
    assert Snapshot.objects.count() == 1 and not (snapshots / "incoming" / f"job-{job.pk}").exists()
    assert [kw["attempt"] for _, kw in _tasks()] == [1, 2]


def test_retries_are_bounded_and_the_last_failure_is_recorded(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    run_worker: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOB_MAX_ATTEMPTS = 2
    settings.JOB_RETRY_SECONDS = 0
    calls = _flaky_import(monkeypatch, failures=99)
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    archive = snapshots / job.archive_path

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            run_worker()

    job.refresh_from_db()
    assert len(calls) == 2 and job.status == ImportJobStatus.FAILED and "OperationalError" in job.error
    assert not archive.exists() and job.archive_path == "" and not Snapshot.objects.exists()
    assert [kw["attempt"] for _, kw in _tasks()] == [1, 2]


def test_a_failure_that_will_not_pass_is_not_tried_again(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    run_worker: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOB_RETRY_SECONDS = 0

    def broken(**kwargs: Any) -> Any:
        raise ValueError("a bug")

    monkeypatch.setattr(jobs, "snapshot_import", broken)
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED and "ValueError" in job.error
    assert len(_tasks()) == 1


def test_the_reaper_leaves_a_job_waiting_in_the_queue_and_fails_one_that_has_no_task(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)  # queued with its task
    monkeypatch.setattr(jobs, "start_worker", lambda job_id: None)  # the web died before enqueuing
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    waiting, lost = ImportJob.objects.order_by("pk")
    long_ago = timezone.now() - dt.timedelta(seconds=jobs.JOB_START_SECONDS + 60)
    ImportJob.objects.update(created_at=long_ago)

    assert services.import_jobs_reap() == 1

    assert ImportJob.objects.get(pk=waiting.pk).status == ImportJobStatus.QUEUED
    lost.refresh_from_db()
    assert lost.status == ImportJobStatus.FAILED and lost.error == jobs.JOB_NOT_STARTED


def test_a_running_job_whose_task_ended_is_reaped_though_the_worker_process_lives_on(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    long_ago = timezone.now() - dt.timedelta(minutes=1)
    # the worker (this process, alive) claimed the job, then its task failed before the job was finished
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, pid=os.getpid(), created_at=long_ago
    )
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)

    assert services.import_jobs_reap() == 0  # its task still runs

    DBTaskResult.objects.update(status=TaskResultStatus.FAILED)

    assert services.import_jobs_reap() == 1
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and job.error == jobs.JOB_INTERRUPTED
