"""Uploads and background imports that must not leak or lie: ID numbers in a file name or a cell never reach
the job, the audit log or the page; a zip bomb is refused before unpacking; a worker killed after its
commit leaves a job that says what the database holds."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.core.idnumber import make_id_number
from minzheng.core.pii import find_id_numbers
from minzheng.demo.synth import generate_city
from minzheng.exchange import jobs, services
from minzheng.exchange.models import ImportJob, ImportJobStatus, Snapshot, SnapshotStatus
from tests.exchange.test_import import (
    MONTH,
    copy_city,
    read_csv,
    refresh_manifest,
    store_dirs,
    write_csv,
    zipped,
)
from tests.exchange.test_jobs import exited_pid, upload

AN_ID = make_id_number("370811", dt.date(1980, 5, 17), 123, "M")


@pytest.fixture(scope="module")
def small_csv_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small-csv-city")
    generate_city(persons=300, seed=41, out_dir=out, month=MONTH, fmt="csv")
    return out / MONTH


@pytest.fixture
def officer_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user("city_officer", "370800"))
    return client


def _everything_recorded(client: Any, job: ImportJob) -> str:
    """The job row, every audit row and the job page, as one text."""
    job.refresh_from_db()
    rows = [f"{job.file_name} {job.stage} {job.message} {job.error}"]
    rows += [f"{a.detail} {a.new} {a.target_id}" for a in AuditLog.objects.all()]
    rows.append(client.get(f"/exchange/jobs/{job.pk}/").content.decode())
    return "\n".join(rows)


def test_an_id_number_in_the_zip_name_or_in_a_cell_never_reaches_the_job_the_audit_or_the_page(
    officer_client: Any,
    snapshots: Path,
    small_csv_city: Path,
    tmp_path: Path,
    sync_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    folder = copy_city(small_csv_city, tmp_path)
    wages = read_csv(folder / "wages.csv")
    wages[2][3] = AN_ID  # an ID number pasted into the amount column (line 3)
    write_csv(folder / "wages.csv", wages)
    refresh_manifest(folder)
    archive = zipped(folder)
    archive.name = f"{AN_ID}.zip"

    upload(officer_client, archive, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.ACCEPTED, job.error
    text = _everything_recorded(officer_client, job)
    assert AN_ID not in text and find_id_numbers(text) == []
    assert job.file_name.endswith(".zip") and job.file_name.startswith(AN_ID[:6])
    rejects = (snapshots / Snapshot.objects.get().rejects_file).read_text(encoding="utf-8-sig")
    assert "工资金额不是有效金额" in rejects or "不是有效金额" in rejects
    assert AN_ID not in rejects and find_id_numbers(rejects) == []
    assert all(AN_ID[:10] not in p.name for p in snapshots.rglob("*"))  # never part of a stored path


def _bomb(entry: str, size: int) -> io.BytesIO:
    """A valid snapshot zip whose one entry is `size` zero bytes, deflated to about size / 1000."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(f"{MONTH}/manifest.json", json.dumps({"month": MONTH, "sources": {}}))
        with zf.open(f"{MONTH}/{entry}", "w", force_zip64=True) as out:
            block = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                out.write(block)
    buf.seek(0)
    buf.name = "snapshot.zip"
    return buf


def test_a_zip_bomb_is_refused_at_upload_before_anything_is_unpacked(
    officer_client: Any, snapshots: Path, no_worker: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    bomb = _bomb("persons.csv", 64 << 20)  # 64 MB of zeros in about 64 KB

    response = upload(officer_client, bomb, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == "/exchange/"
    html = officer_client.get("/exchange/").content.decode()
    assert "压缩比异常" in html and "疑似压缩炸弹" in html
    assert not ImportJob.objects.exists() and no_worker == []
    assert not (snapshots / "incoming").exists() or list((snapshots / "incoming").iterdir()) == []


@pytest.mark.parametrize("how", ["killed", "terminated"])
def test_a_worker_stopped_right_after_its_commit_leaves_the_job_accepted_not_failed(
    how: str,
    officer_client: Any,
    snapshots: Path,
    small_csv_city: Path,
    tmp_path: Path,
    no_worker: list[int],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload(officer_client, zipped(small_csv_city), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    if how == "killed":  # kill -9 after the commit: nothing after it runs, the reaper finds a dead pid
        monkeypatch.setattr(jobs, "_job_finish", lambda job, outcome: None)
        services.import_job_run(job_id=job.pk)
        long_ago = timezone.now() - dt.timedelta(minutes=5)
        ImportJob.objects.filter(pk=job.pk).update(pid=exited_pid(), created_at=long_ago)
        services.import_jobs_reap()
    else:  # SIGTERM (SystemExit) arriving just after the commit
        real = jobs._import_waiting

        def import_then_stop(*args: Any) -> Any:
            real(*args)
            raise SystemExit(143)

        monkeypatch.setattr(jobs, "_import_waiting", import_then_stop)
        with pytest.raises(SystemExit):
            services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    snapshot = Snapshot.objects.get()
    assert snapshot.status == SnapshotStatus.ACCEPTED and len(store_dirs(snapshots)) == 1
    assert job.status == ImportJobStatus.ACCEPTED and job.snapshot == snapshot and job.error == ""
    assert not AuditLog.objects.filter(outcome="failed").exists()
    assert "导入未完成" not in officer_client.get(f"/exchange/jobs/{job.pk}/").content.decode()
