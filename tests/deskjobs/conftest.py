"""Desk jobs' tests: the worker run here until the queue is empty (tests/jobs), the jobs' files in a
folder of the test's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.jobs.conftest import run_worker  # noqa: F401 - re-exported fixture


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> Path:
    settings.JOB_FILES_DIR = tmp_path / "jobs"
    return Path(settings.JOB_FILES_DIR)
