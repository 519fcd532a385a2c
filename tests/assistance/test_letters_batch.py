"""A month's decision letters as one zip: queued from the worklist, made by the worker, each letter the
case page's PDF with its 文号; only the officer's own region, and a month without decisions refused."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.deskjobs.models import DeskJob, DeskJobStatus
from tests.assistance.test_letters import _temporary
from tests.conftest import TOWN_A, TOWN_B

MONTH = f"{timezone.localdate():%Y-%m}"


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "intake": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "clerk": make_user("township_clerk", TOWN_A),
    }


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> Path:
    settings.JOB_FILES_DIR = tmp_path / "jobs"
    return Path(settings.JOB_FILES_DIR)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_months_decision_letters_come_as_one_zip_from_my_jobs(
    make_household: Any, staff: dict[str, Any], run_worker: Callable[[], None]
) -> None:
    first = _temporary(make_household, staff, amount=1200)
    second = _temporary(make_household, staff, amount=800)
    c = _client(staff["clerk"])

    r = c.post("/assistance/letters/", {"month": MONTH}, follow=True)

    assert r.redirect_chain == [("/jobs/", 302)]
    run_worker()
    job = DeskJob.objects.get()
    assert job.status == DeskJobStatus.DONE, job.error
    download = c.get(f"/jobs/{job.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    wanted = [f"{first.application_id}.pdf", f"{second.application_id}.pdf"]
    assert [n.split("-申请")[1] for n in names] == wanted
    assert all(archive.read(n).startswith(b"%PDF") for n in names)
    assert "2份" in job.message


def test_an_officer_of_another_township_gets_no_letters_and_no_job(
    make_household: Any, staff: dict[str, Any], make_user: Any
) -> None:
    _temporary(make_household, staff)
    other = _client(make_user("township_clerk", TOWN_B))

    page = other.post("/assistance/letters/", {"month": MONTH}, follow=True).content.decode()

    assert "没有审批决定" in page
    assert not DeskJob.objects.exists()


@pytest.mark.parametrize("month", ["", "2026-13", "abc", "1800-01"])
def test_a_bad_month_is_refused_in_chinese_and_queues_nothing(staff: dict[str, Any], month: str) -> None:
    r = _client(staff["clerk"]).post("/assistance/letters/", {"month": month})

    assert r.status_code == 200
    assert "月份" in r.content.decode()
    assert not DeskJob.objects.exists()
