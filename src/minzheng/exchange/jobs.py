"""The worker process of a background snapshot import (services.import_job_create / import_job_run).

No broker: the web process starts `python -m minzheng.cli exchange run-job ID` detached (its own session,
so a restart of the web server does not take it down) after the job row has committed. The job row is
the only channel: the worker claims it, writes its stage and progress, and records the outcome; the page
polls the row. A worker that dies leaves its row "running" with a pid that no longer exists, which
services.import_jobs_reap marks failed.

`start_worker` is a module-level hook: tests replace it (monkeypatch) with a synchronous call or a no-op.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from django.conf import settings


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
