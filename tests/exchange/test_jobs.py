"""The web upload of a snapshot as a background job: the upload saves the archive and answers at once and
queues a task, the job queue's worker (`minzheng db_worker`) imports it, and the job page follows the
progress. One test runs the real worker process; the others replace the worker hook (conftest.py);
tests/jobs tests the queue itself (retries, the reaper)."""

from __future__ import annotations

import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.demo.synth import generate_city
from minzheng.exchange import jobs, services
from minzheng.exchange.jobs import process_alive
from minzheng.exchange.models import ImportJob, ImportJobStatus, Snapshot, SnapshotStatus
from minzheng.exchange.services import import_job_run
from minzheng.monitoring.models import RunStatus, ScreeningRun
from tests.exchange.test_import import MONTH, copy_city, store_dirs, zipped

TINY = 300
CITY_OFFICER_REGION = "370800"


@pytest.fixture(scope="module")
def tiny_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny-city")
    generate_city(persons=TINY, seed=31, out_dir=out, month=MONTH)
    return out / MONTH


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("city_officer", CITY_OFFICER_REGION)


@pytest.fixture
def officer_client(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


@pytest.fixture
def job(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    no_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> ImportJob:
    """A snapshot uploaded through the page, its job queued (the worker hook replaced by a no-op)."""
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    return ImportJob.objects.get()


def upload(client: Any, archive: Any, capture: Any) -> Any:
    """POST the archive; the on-commit callbacks (the worker start) run as after a real commit."""
    with capture(execute=True):
        return client.post("/exchange/upload/", {"archive": archive} if archive is not None else {})


def incoming(snapshots: Path) -> list[str]:
    folder = snapshots / "incoming"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def exited_pid() -> int:
    """The pid of a process that has exited and been reaped (os.kill(pid, 0) raises ProcessLookupError)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not process_alive(proc.pid)
    return proc.pid


# ----------------------------------------------------------------------------- upload and job page
def test_an_upload_answers_with_a_redirect_at_once_and_queues_a_job_without_importing(
    officer_client: Any,
    officer: Any,
    snapshots: Path,
    tiny_city: Path,
    no_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/exchange/jobs/{job.pk}/"
    assert no_worker == [job.pk]  # the worker is started after the commit
    assert not Snapshot.objects.exists() and store_dirs(snapshots) == set()
    assert job.status == ImportJobStatus.QUEUED and job.started_by == officer
    assert job.file_name == "snapshot.zip" and job.region_code == CITY_OFFICER_REGION
    assert job.archive_path.startswith("incoming/") and job.archive_path.endswith(".zip")
    assert (snapshots / job.archive_path).is_file() and incoming(snapshots) == [Path(job.archive_path).name]
    log = AuditLog.objects.get(target_type="exchange.importjob")
    assert log.outcome == "queued" and log.actor == officer and MONTH in log.detail

    page = officer_client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html
    assert f'hx-get="/exchange/jobs/{job.pk}/" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert "排队中" in html and "<progress" in html and "<script>" not in html
    poll = officer_client.get(response.url, headers={"HX-Request": "true"})
    fragment = poll.content.decode()
    assert "<html" not in fragment and fragment.startswith('<div id="import-job"') and "排队中" in fragment
    assert "HX-Request" in poll["Vary"]
    listing = officer_client.get("/exchange/").content.decode()
    assert f'href="/exchange/jobs/{job.pk}/"' in listing and "最近的导入任务" in listing


def test_running_the_job_accepts_the_snapshot_links_it_and_removes_the_archive(
    job: ImportJob,
    officer_client: Any,
    officer: Any,
    snapshots: Path,
) -> None:
    archive = snapshots / job.archive_path

    done = import_job_run(job_id=job.pk)

    assert done is not None and done.pk == job.pk
    job.refresh_from_db()
    snap = Snapshot.objects.get()
    assert job.status == ImportJobStatus.ACCEPTED and job.snapshot == snap
    assert snap.status == SnapshotStatus.ACCEPTED and snap.imported_by == officer
    # the month's screening ran in the same job, after the import's commit
    run = ScreeningRun.objects.get(month=MONTH)
    assert run.status == RunStatus.PUBLISHED and run.started_by == officer
    assert job.stage == f"完成；{MONTH}筛查已发布，预警{run.summary['alerts']:,}条"
    assert job.progress == 1.0 and job.error == ""
    assert job.pid == os.getpid() and job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert job.message.startswith(f"已接收：{MONTH}快照")
    assert not archive.exists() and job.archive_path == "" and incoming(snapshots) == []
    page = officer_client.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert f'<a id="job-snapshot" href="/exchange/{snap.pk}/">查看快照 {MONTH}</a>' in page
    assert "hx-trigger" not in page  # finished: the page stops polling


def test_the_job_reports_each_step_while_it_runs(
    job: ImportJob,
    snapshots: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[str, str, float]] = []
    real = jobs._job_progress

    def record(job_id: int, stage: str, fraction: float) -> None:
        real(job_id, stage, fraction)
        row = ImportJob.objects.get(pk=job_id)
        seen.append((row.status, row.stage, row.progress))

    monkeypatch.setattr(jobs, "_job_progress", record)
    import_job_run(job_id=job.pk)

    stages = [stage for _status, stage, _progress in seen]
    assert all(status == ImportJobStatus.RUNNING for status, _stage, _progress in seen)
    assert stages[0] == "校验导入" and "校验导入：逐行校验 persons（公安） 1/17" in stages
    assert stages[-1] == "校验导入：写入数据库"  # the month's facts follow the commit (exchange/hooks.py)
    progress = [p for _status, _stage, p in seen]
    assert progress == sorted(progress) and progress[0] > 0 and progress[-1] < 1
    job.refresh_from_db()
    assert job.stage.startswith("完成；") and job.progress == 1.0


def test_a_rejected_snapshot_job_records_the_chinese_errors(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    tmp_path: Path,
    no_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    folder = copy_city(tiny_city, tmp_path)
    (folder / "persons.parquet").write_bytes(b"not parquet")
    upload(officer_client, zipped(folder), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.REJECTED
    assert job.error_lines == ["persons.parquet：sha256与清单不符（文件可能损坏或被改动）"]
    assert job.message.startswith(f"已拒收：{MONTH}快照整体拒收，未保存任何数据")
    assert job.snapshot is not None and job.snapshot.status == SnapshotStatus.REJECTED
    assert store_dirs(snapshots) == set() and incoming(snapshots) == []
    page = officer_client.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert "拒收原因（整份快照未保存）" in page
    assert "<li>persons.parquet：sha256与清单不符（文件可能损坏或被改动）</li>" in page


def test_an_archive_found_corrupt_while_unpacking_is_rejected_by_the_worker_and_audited(
    job: ImportJob,
    snapshots: Path,
) -> None:
    archive = snapshots / job.archive_path
    data = archive.read_bytes()
    # the central directory entry of manifest.json declares 1 byte: only unpacking can tell it is bigger
    header = data.rfind(b"PK\x01\x02", 0, data.rindex(f"{MONTH}/manifest.json".encode()))
    archive.write_bytes(data[: header + 24] + (1).to_bytes(4, "little") + data[header + 28 :])

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.REJECTED and not Snapshot.objects.exists()
    assert job.error == "压缩包已损坏，无法解压：manifest.json" and incoming(snapshots) == []
    assert AuditLog.objects.filter(target_type="exchange.importjob", outcome="rejected").count() == 1


def test_an_import_that_breaks_off_is_recorded_as_failed_and_its_files_removed(
    job: ImportJob,
    officer_client: Any,
    snapshots: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    def broken(**kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jobs, "snapshot_import", broken)
    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and job.snapshot is None
    assert job.error == "导入失败，未保存任何数据：OSError: [Errno 28] No space left on device"
    assert incoming(snapshots) == []
    page = officer_client.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert "导入未完成，未保存任何数据：导入失败" in page and "hx-trigger" not in page


def test_a_worker_waits_while_another_import_holds_the_store_lock(
    job: ImportJob,
    snapshots: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = services.snapshot_import
    calls: list[str] = []

    def busy_once(**kwargs: Any) -> Any:
        calls.append(ImportJob.objects.get(pk=job.pk).stage)
        if len(calls) == 1:
            raise services.SnapshotBusyError("另一个快照导入或清理正在进行，请稍后再试")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "snapshot_import", busy_once)
    monkeypatch.setattr(jobs, "JOB_BUSY_POLL_SECONDS", 0.01)
    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert calls == ["校验导入", "等待：另一个快照导入或清理正在进行"]
    assert job.status == ImportJobStatus.ACCEPTED


def test_a_second_run_of_the_same_job_does_nothing(
    job: ImportJob,
    snapshots: Path,
) -> None:
    out = io.StringIO()
    call_command("exchange_run_job", str(job.pk), stdout=out)
    assert f"导入任务{job.pk}（snapshot.zip）：已接收" in out.getvalue()
    job.refresh_from_db()
    audit_rows = AuditLog.objects.count()

    again = io.StringIO()
    call_command("exchange_run_job", str(job.pk), stdout=again)

    assert "不是排队中，未执行" in again.getvalue()
    assert import_job_run(job_id=job.pk) is None
    after = ImportJob.objects.get(pk=job.pk)
    assert (after.status, after.finished_at, after.snapshot_id) == (
        job.status,
        job.finished_at,
        job.snapshot_id,
    )
    assert Snapshot.objects.count() == 1 and AuditLog.objects.count() == audit_rows


def test_a_job_whose_worker_died_is_marked_failed_as_interrupted(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    no_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    for _ in range(3):
        upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)
    dead, alive, fresh = ImportJob.objects.order_by("pk")
    dead_archive = snapshots / dead.archive_path
    long_ago = timezone.now() - dt.timedelta(minutes=1)
    ImportJob.objects.filter(pk__in=[dead.pk, alive.pk]).update(created_at=long_ago, started_at=long_ago)
    ImportJob.objects.filter(pk=dead.pk).update(status=ImportJobStatus.RUNNING, pid=exited_pid())
    ImportJob.objects.filter(pk=alive.pk).update(status=ImportJobStatus.RUNNING, pid=os.getpid())
    ImportJob.objects.filter(pk=fresh.pk).update(status=ImportJobStatus.RUNNING, pid=exited_pid())

    page = officer_client.get(f"/exchange/jobs/{dead.pk}/").content.decode()

    dead.refresh_from_db()
    assert dead.status == ImportJobStatus.FAILED and dead.error == "导入进程中断"
    assert "导入进程中断" in page and "hx-trigger" not in page
    assert not dead_archive.exists() and dead.archive_path == ""
    assert len(incoming(snapshots)) == 2  # the dead job's archive is gone, the others' stay
    assert ImportJob.objects.get(pk=alive.pk).status == ImportJobStatus.RUNNING  # its process exists
    assert ImportJob.objects.get(pk=fresh.pk).status == ImportJobStatus.RUNNING  # only seconds old
    log = AuditLog.objects.get(target_type="exchange.importjob", outcome="failed")
    assert log.target_id == str(dead.pk) and "导入进程中断" in log.detail

    ImportJob.objects.filter(pk=fresh.pk).update(created_at=long_ago)
    upload(officer_client, zipped(tiny_city), django_capture_on_commit_callbacks)  # the next job creation

    assert ImportJob.objects.get(pk=fresh.pk).status == ImportJobStatus.FAILED
    assert ImportJob.objects.get(pk=fresh.pk).error == "导入进程中断"
    assert ImportJob.objects.get(pk=alive.pk).status == ImportJobStatus.RUNNING


# ----------------------------------------------------------------------------- access and bad input
def test_a_user_without_the_import_role_gets_404_on_a_job_page(
    client: Any,
    make_user: Any,
    officer: Any,
    snapshots: Path,
    tiny_city: Path,
    no_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(officer)
    upload(client, zipped(tiny_city), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert client.get(f"/exchange/jobs/{job.pk}/").status_code == 200
    missing = client.get(f"/exchange/jobs/{job.pk + 1000}/")

    for role, region in [
        ("county_officer", "370811"),
        ("township_clerk", "370811001"),
        ("auditor", "370800"),
    ]:
        client.force_login(make_user(role, region))
        denied = client.get(f"/exchange/jobs/{job.pk}/")
        assert denied.status_code == missing.status_code == 404
        assert denied.content == missing.content
        assert client.get(f"/exchange/jobs/{job.pk}/", headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no file", "请选择快照压缩包（.zip）"),
        ("not a zip", "上传的文件不是有效的zip压缩包"),
        ("too big", "上传文件过大"),
        ("unsafe path", "压缩包中的路径不安全"),
        ("no manifest", "压缩包中缺少manifest.json"),
    ],
)
def test_a_bad_upload_creates_no_job_and_no_file(
    officer_client: Any,
    snapshots: Path,
    tiny_city: Path,
    settings: Any,
    no_worker: list[int],
    django_capture_on_commit_callbacks: Any,
    case: str,
    message: str,
) -> None:
    archive: Any = zipped(tiny_city)
    if case == "no file":
        archive = None
    elif case == "not a zip":
        archive = io.BytesIO(b"PK but not really a zip archive")
        archive.name = "snapshot.zip"
    elif case == "too big":
        settings.SNAPSHOT_UPLOAD_MAX_BYTES = 1024
    elif case == "unsafe path":
        archive = zipped(tiny_city, {"../2025-06/persons.parquet": b"x"})
    else:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr(f"{MONTH}/persons.parquet", b"x")
        archive.seek(0)
        archive.name = "snapshot.zip"

    response = upload(officer_client, archive, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == "/exchange/"
    page = officer_client.get("/exchange/").content.decode()
    assert message in page
    assert not ImportJob.objects.exists() and no_worker == []
    assert incoming(snapshots) == [] and not Snapshot.objects.exists()


def test_the_job_page_is_english_with_the_english_cookie(
    job: ImportJob,
    officer_client: Any,
    snapshots: Path,
    settings: Any,
) -> None:
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = officer_client.get(f"/exchange/jobs/{job.pk}/").content.decode()

    assert f"<h1>Snapshot import job #{job.pk}</h1>" in page and "Current step" in page
    assert "refreshes every 2 seconds" in page and "快照导入任务" not in page
    listing = officer_client.get("/exchange/").content.decode()
    assert "<h2>Recent import jobs</h2>" in listing and "最近的导入任务" not in listing


# ----------------------------------------------------------------------------- the real detached worker
SETUP = """
from django.core.files import File
from minzheng.accounts.models import User
from minzheng.exchange.services import import_job_create
from minzheng.regions.models import Region
from minzheng.regions.services import regions_load
regions_load()
officer = User.objects.create_user('officer', role='city_officer', region=Region.objects.get(code='370800'))
with open(r'{archive}', 'rb') as f:
    job = import_job_create(actor=officer, archive=File(f, name='snapshot.zip'), ip='127.0.0.1')
print('JOB', job.pk)
"""
FINAL = {"accepted", "already", "rejected", "failed"}


def _job_row(db: Path, job_id: int) -> dict[str, Any]:
    con = sqlite3.connect(db, timeout=30)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute("SELECT * FROM exchange_importjob WHERE id = ?", (job_id,)).fetchone()
        snap = con.execute(
            "SELECT status FROM exchange_snapshot WHERE id = ?", (row["snapshot_id"],)
        ).fetchone()
    finally:
        con.close()
    return {**dict(row), "snapshot_status": snap[0] if snap else None}


def test_an_upload_is_imported_by_the_queue_worker_process_after_the_web_process_has_gone(
    tmp_path: Path, tiny_city: Path
) -> None:
    # As tests/screening/test_kill.py: the subprocesses get their own data dir and SQLite file (the test
    # database may be in memory, or inside a transaction the worker cannot see), under either test run.
    data = tmp_path / "data"
    env = {
        **os.environ,
        "MINZHENG_DB": "sqlite",
        "MINZHENG_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "minzheng.settings.dev",
    }
    cli = [sys.executable, "-m", "minzheng.cli"]
    archive = tmp_path / "snapshot.zip"
    archive.write_bytes(zipped(tiny_city).getvalue())
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True, timeout=1200)  # a loaded CI box
    setup = subprocess.run(
        [*cli, "shell", "-c", SETUP.format(archive=archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    job_id = int(setup.stdout.split("JOB")[-1].split()[0])  # the "web" process has exited
    db = data / "minzheng.sqlite3"
    assert _job_row(db, job_id)["status"] == "queued"

    # the queue's worker, its own process: runs what is ready, then exits (--batch)
    worker = subprocess.run(
        [*cli, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    row = _job_row(db, job_id)

    assert worker.returncode == 0, worker.stderr
    assert row["status"] == "accepted", (row, worker.stdout, worker.stderr)
    assert row["snapshot_status"] == "accepted" and row["progress"] == 1.0
    assert row["stage"].startswith(("完成", "导入完成；本月筛查"))  # no policy here: screening fails
    assert row["pid"] and row["started_at"] and row["finished_at"] and row["archive_path"] == ""
    assert sorted(p.name for p in (data / "snapshots" / "incoming").iterdir()) == []
