"""The daily housekeeping command deletes desk-job files kept past JOB_FILE_KEEP_DAYS, and only those."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from minzheng.deskjobs.models import DeskJob, DeskJobStatus
from tests.conftest import TOWN_A


def _finished_job(owner: Any, folder: Path, name: str, days_ago: int) -> DeskJob:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"PK")
    done = timezone.now() - dt.timedelta(days=days_ago)
    return DeskJob.objects.create(
        owner=owner,
        kind="person_export",
        title="人员名单导出",
        region_code=TOWN_A,
        status=DeskJobStatus.DONE,
        file_path=name,
        file_name=name,
        created_at=done,
        finished_at=done,
    )


def test_the_daily_command_deletes_expired_job_files_and_keeps_recent_ones(
    make_user: Any, settings: Any, job_files: Path
) -> None:
    settings.JOB_FILE_KEEP_DAYS = 7
    clerk = make_user("township_clerk", TOWN_A)
    old = _finished_job(clerk, job_files, "old.xlsx", days_ago=8)
    new = _finished_job(clerk, job_files, "new.xlsx", days_ago=6)
    out = StringIO()

    call_command("deskjobs_expire", stdout=out)

    old.refresh_from_db()
    new.refresh_from_db()
    assert not (job_files / "old.xlsx").exists() and old.file_path == "" and old.stage == "文件已过期删除"
    assert (job_files / "new.xlsx").exists() and new.file_path == "new.xlsx"
    assert "已删除1个过期任务文件" in out.getvalue()


def test_the_daily_systemd_unit_runs_the_housekeeping_command_that_exists() -> None:
    from django.conf import settings
    from django.core.management import get_commands

    unit = Path(settings.BASE_DIR).parent.parent / "deploy" / "systemd" / "minzheng-daily.service"
    assert "minzheng deskjobs-expire" in unit.read_text(encoding="utf-8")
    assert "deskjobs_expire" in get_commands()
