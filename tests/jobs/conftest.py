"""The job queue's tests: the exchange fixtures (SNAPSHOT_DIR per test, the tiny city, an officer) and a
worker run in this process until the queue is empty."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django_tasks_db.management.commands import db_worker

from tests.exchange.conftest import snapshots  # noqa: F401 - re-exported fixture
from tests.exchange.test_jobs import officer, officer_client, tiny_city  # noqa: F401 - fixtures


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Run the database worker (the loop of `minzheng db_worker --batch`) here until no task is ready.
    Its per-loop close_old_connections would close the test's transaction, so it is skipped; its signal
    handlers are not installed (Worker.run, not the command)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=20,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run
