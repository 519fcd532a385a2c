"""The exchange app's write services, by the module that holds each: importing a snapshot
(importing.py), background import jobs (jobs.py) and retention (purge.py). Imported from here by the
other apps and the commands."""

from __future__ import annotations

from .importing import (
    POLICY_TEXT,
    ImportResult,
    SnapshotBusyError,
    SourceResult,
    snapshot_import,
)
from .jobs import FORBIDDEN, import_job_create, import_job_run, import_jobs_reap
from .purge import snapshot_purge

__all__ = [
    "FORBIDDEN",
    "POLICY_TEXT",
    "ImportResult",
    "SnapshotBusyError",
    "SourceResult",
    "import_job_create",
    "import_job_run",
    "import_jobs_reap",
    "snapshot_import",
    "snapshot_purge",
]
