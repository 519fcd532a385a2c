"""The job queue's shared helpers: one way to put a task in the queue (now or after a delay), to read the
state of a job's tasks back, to bound retries, and to tell whether a worker process still lives.

The queue is django-tasks with its database backend (settings.TASKS, docs/deploy.md): a task is a row of
`django_tasks_db_dbtaskresult`, run by `minzheng db_worker`. Every job kind (snapshot imports in
exchange.jobs, the monthly screening in monitoring.tasks, the desk jobs of deskjobs: payroll rolls, big
exports, letter batches) goes through these functions, so enqueueing, retry bounds and the reaper's
checks are written once."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus

# A failure that may pass by itself: the database was unreachable for a while.
TRANSIENT_DB_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
PENDING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def enqueue(task: Any, *, delay: float = 0, **kwargs: Any) -> str:
    """Put `task` in the queue with these keyword arguments, to run after `delay` seconds; the task's id."""
    queued = task
    if delay > 0:
        queued = queued.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    return str(queued.enqueue(**kwargs).id)


def task_statuses(task: Any, **match: Any) -> list[str]:
    """The statuses of the queue's rows of `task` whose keyword arguments include `match` (none when
    the work was run by hand or by a test without the queue)."""
    from django_tasks_db.models import DBTaskResult

    lookups = {f"args_kwargs__kwargs__{key}": value for key, value in match.items()}
    return list(
        DBTaskResult.objects.filter(task_path=task.module_path, **lookups).values_list("status", flat=True)
    )


def task_pending(statuses: list[str]) -> bool:
    """Whether any of these tasks still waits in the queue or runs."""
    return any(s in PENDING for s in statuses)


def retry_delay(attempt: int) -> float | None:
    """After attempt `attempt` failed for a passing reason: the seconds to wait before the next one
    (JOB_RETRY_SECONDS × attempt), or None when it was the last of JOB_MAX_ATTEMPTS."""
    if attempt >= int(settings.JOB_MAX_ATTEMPTS):
        return None
    return float(settings.JOB_RETRY_SECONDS) * attempt


def process_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this machine (signal 0 checks without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True
