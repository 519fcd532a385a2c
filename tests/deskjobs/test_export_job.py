"""An Excel export above EXPORT_JOB_ROWS rows runs as a desk job: the file is written by the worker under
the jobs folder, offered on 我的任务 to its owner only, and every download is audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from minzheng.audit.models import AuditLog
from minzheng.deskjobs.models import DeskJob, DeskJobStatus
from tests.conftest import TOWN_A


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_big_person_export_becomes_a_job_whose_file_only_its_owner_downloads(
    make_person: Any, make_user: Any, run_worker: Callable[[], None], settings: Any, job_files: Path
) -> None:
    settings.EXPORT_JOB_ROWS = 1
    make_person(name="张三")
    make_person(name="李四")
    clerk = make_user("township_clerk", TOWN_A)
    c = _client(clerk)

    r = c.post("/people/export.xlsx", {"q": ""}, follow=True)

    assert r.redirect_chain == [("/jobs/", 302)]
    assert "已转为后台任务" in r.content.decode() and "排队中" in r.content.decode()
    run_worker()
    job = DeskJob.objects.get()
    assert job.status == DeskJobStatus.DONE and job.params == {}
    assert (job_files / job.file_path).is_file()
    page = c.get("/jobs/").content.decode()
    assert f"/jobs/{job.pk}/download/" in page and "hx-trigger" not in page

    before = AuditLog.objects.filter(event_type="export", target_type="deskjob").count()
    download = c.get(f"/jobs/{job.pk}/download/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["张三", "李四"]
    assert AuditLog.objects.filter(event_type="export", target_type="deskjob").count() == before + 1

    colleague = _client(make_user("township_clerk", TOWN_A))
    assert colleague.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert f"/jobs/{job.pk}/" not in colleague.get("/jobs/").content.decode()


def test_a_small_person_export_is_still_downloaded_at_once(
    make_person: Any, make_user: Any, settings: Any
) -> None:
    settings.EXPORT_JOB_ROWS = 5
    make_person(name="张三")
    response = _client(make_user("township_clerk", TOWN_A)).post("/people/export.xlsx", {"q": ""})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert not DeskJob.objects.exists()
