"""Fixtures shared by the exchange tests: a SNAPSHOT_DIR per test, and the background-import worker hook
(jobs.start_worker) replaced by a synchronous run in this process or by nothing at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minzheng.exchange import jobs, services


@pytest.fixture
def snapshots(settings: Any, tmp_path: Path) -> Path:
    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    return settings.SNAPSHOT_DIR


@pytest.fixture
def sync_worker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker runs the job synchronously in this process (no subprocess); the ids it was started for."""
    started: list[int] = []

    def run(job_id: int) -> None:
        started.append(job_id)
        services.import_job_run(job_id=job_id)

    monkeypatch.setattr(jobs, "start_worker", run)
    return started


@pytest.fixture
def no_worker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """No worker is started: jobs stay queued; the ids a worker would have been started for."""
    started: list[int] = []
    monkeypatch.setattr(jobs, "start_worker", started.append)
    return started
