"""The month's screening as a task of the job queue (settings.TASKS): `minzheng screen --queue` (the
monthly systemd timer, deploy/) hands it to the worker process, whose ScreeningRun row shows stage and
progress on the monitoring pages. A lost database connection is tried again, at most JOB_MAX_ATTEMPTS
attempts JOB_RETRY_SECONDS × attempt apart; any other failure is recorded on the run as before."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from minzheng.accounts.system import system_actor
from minzheng.core import queue

from .services import screening_run

logger = logging.getLogger(__name__)


@task()
def screening_month_task(*, month: str, engine: str = "duckdb", attempt: int = 1) -> str:
    """Screen and publish `month` as the scheduled job; returns the run's status, or "retry"."""
    try:
        run = screening_run(actor=system_actor(purpose=f"{month}全市动态监测"), month=month, engine=engine)
    except queue.TRANSIENT_DB_ERRORS as e:
        if queue.retry_delay(attempt) is None:
            raise
        logger.warning("screening %s: attempt %s failed (%s), queued again", month, attempt, e)
        screening_month_enqueue(month=month, engine=engine, attempt=attempt + 1)
        return "retry"
    return str(run.status)


def screening_month_enqueue(*, month: str, engine: str = "duckdb", attempt: int = 1) -> str:
    """Queue the screening of `month` (a retry after JOB_RETRY_SECONDS × its previous attempt); the
    task's id."""
    delay = float(settings.JOB_RETRY_SECONDS) * (attempt - 1)
    return queue.enqueue(screening_month_task, delay=delay, month=month, engine=engine, attempt=attempt)
