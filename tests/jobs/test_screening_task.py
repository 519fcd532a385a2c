"""The monthly screening as a queued task (`minzheng screen --queue`, the systemd timer's command)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minzheng.monitoring import tasks


def _month() -> str:
    first = dt.date.today().replace(day=1)  # noqa: DTZ011 - as the command's default month
    return f"{first - dt.timedelta(days=1):%Y-%m}"


def test_screen_queue_hands_the_month_to_the_worker_which_records_a_missing_snapshot_as_failed(
    db: Any, run_worker: Callable[[], None], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("screen", "--queue")

    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs["kwargs"] == {"month": _month(), "engine": "duckdb", "attempt": 1}
    assert "已排队" in capsys.readouterr().out

    run_worker()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.exception_class_path.endswith("ValidationError")
    assert "没有" in task.traceback and _month() in task.traceback


def test_screen_queue_refuses_a_snapshot_directory_it_would_not_use(db: Any, tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="--queue"):
        call_command("screen", "--queue", "--snapshot", str(tmp_path))
    assert not DBTaskResult.objects.exists()


def test_a_screening_that_lost_the_database_is_tried_again_up_to_the_bound(
    db: Any, run_worker: Callable[[], None], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.JOB_MAX_ATTEMPTS = 3
    settings.JOB_RETRY_SECONDS = 0
    calls: list[str] = []

    def flaky(**kwargs: Any) -> Any:
        calls.append(kwargs["month"])
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return SimpleNamespace(status="published")

    monkeypatch.setattr(tasks, "screening_run", flaky)
    tasks.screening_month_enqueue(month="2026-01")

    run_worker()

    results = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", "return_value"))
    assert calls == ["2026-01"] * 3
    assert results == [("SUCCESSFUL", "retry"), ("SUCCESSFUL", "retry"), ("SUCCESSFUL", "published")]


def test_a_screening_that_keeps_losing_the_database_fails_after_the_last_attempt(
    db: Any, run_worker: Callable[[], None], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.JOB_MAX_ATTEMPTS = 2
    settings.JOB_RETRY_SECONDS = 0

    def down(**kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "screening_run", down)
    tasks.screening_month_enqueue(month="2026-01")

    run_worker()

    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL", "FAILED"]
