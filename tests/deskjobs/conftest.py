"""Desk jobs' tests: the jobs' files in a folder of the test's own (the worker is tests/conftest.py's
run_worker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> Path:
    settings.JOB_FILES_DIR = tmp_path / "jobs"
    return Path(settings.JOB_FILES_DIR)
