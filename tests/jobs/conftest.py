"""The job queue's tests: the exchange fixtures (SNAPSHOT_DIR per test, the tiny city, an officer); the
worker run in this process until the queue is empty is tests/conftest.py's run_worker."""

from __future__ import annotations

from tests.exchange.conftest import snapshots  # noqa: F401 - re-exported fixture
from tests.exchange.test_jobs import officer, officer_client, tiny_city  # noqa: F401 - fixtures
