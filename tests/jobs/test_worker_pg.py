"""The job queue's worker as its own process against PostgreSQL (run by `.ci/run` in its PostgreSQL
stage, within `make test-pg`): a real upload is queued, `minzheng db_worker --batch` imports it, and
a replayed task or a second upload of the same snapshot duplicates nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.db import connection
from django_tasks_db.models import DBTaskResult

from minzheng.exchange import jobs
from minzheng.exchange.models import ImportJob, ImportJobStatus, Snapshot
from minzheng.exchange.services import import_job_create
from tests.exchange.test_import import zipped

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _worker(data: Path) -> subprocess.CompletedProcess[str]:
    """`minzheng db_worker --batch` in its own process, on this test's database and data directory."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "minzheng.settings.dev",
        "MINZHENG_DB": "postgres",
        "MINZHENG_DATA_DIR": str(data),
        "PGDATABASE": str(db["NAME"]),
        "PGUSER": str(db["USER"]),
        "PGPASSWORD": str(db["PASSWORD"]),
        "PGHOST": str(db["HOST"]),
        "PGPORT": str(db["PORT"]),
    }
    cmd = ["db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"]
    return subprocess.run(
        [sys.executable, "-m", "minzheng.cli", *cmd],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _upload(officer: Any, tiny_city: Path) -> ImportJob:
    archive = zipped(tiny_city)
    return import_job_create(actor=officer, archive=File(archive, name="snapshot.zip"), ip="127.0.0.1")


def test_the_worker_process_imports_a_queued_upload_and_a_replay_duplicates_nothing(
    city_db: Any, make_user: Any, tiny_city: Path, tmp_path: Path, settings: Any
) -> None:
    data = tmp_path / "data"
    settings.SNAPSHOT_DIR = data / "snapshots"  # the worker's MINZHENG_DATA_DIR/snapshots
    officer = make_user("city_officer", "370800")
    job = _upload(officer, tiny_city)  # committed: its task is in the queue
    assert DBTaskResult.objects.ready().count() == 1

    first = _worker(data)

    job.refresh_from_db()
    assert first.returncode == 0, first.stderr
    assert job.status == ImportJobStatus.ACCEPTED, (job.error, first.stdout, first.stderr)
    assert job.progress == 1.0 and job.archive_path == "" and job.pid and job.pid != os.getpid()
    snapshot = Snapshot.objects.get()
    assert job.snapshot == snapshot

    jobs.import_job_task.enqueue(job_id=job.pk, attempt=1)  # the same task delivered again
    again = _upload(officer, tiny_city)  # and the same snapshot uploaded again
    second = _worker(data)

    job.refresh_from_db()
    again.refresh_from_db()
    assert second.returncode == 0, second.stderr
    assert Snapshot.objects.get() == snapshot and job.status == ImportJobStatus.ACCEPTED
    assert again.status == ImportJobStatus.ALREADY and again.snapshot == snapshot
    assert sorted(r.return_value for r in DBTaskResult.objects.all()) == ["accepted", "already", "skipped"]
    assert not DBTaskResult.objects.ready().exists()
