"""Importing monthly data-exchange snapshots (shared/docs/exchange.md): row validation with every rejected
row reported, whole-snapshot rejection of unusable files, idempotence, and crash safety (including a real
kill -9 of `minzheng exchange import` in a subprocess). The web upload's background job: test_jobs.py."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditLog
from minzheng.core.idnumber import check_char
from minzheng.demo.synth import generate_city
from minzheng.exchange import importing, pseudonym, services, store
from minzheng.exchange.contract import SOURCES
from minzheng.exchange.models import ImportJob, ImportJobStatus, Snapshot, SnapshotSource, SnapshotStatus
from minzheng.exchange.selectors import (
    snapshot_current,
    snapshot_path,
    snapshot_rejects_preview,
    snapshot_source_status,
)
from minzheng.exchange.services import snapshot_import, snapshot_purge
from minzheng.monitoring import engine
from minzheng.monitoring.engine import runner

MONTH = "2025-06"
PERSONS = 2000
BIG_PERSONS = 300_000


# ----------------------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def parquet_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet-city")
    generate_city(persons=PERSONS, seed=11, out_dir=out, month=MONTH)
    return out / MONTH


@pytest.fixture(scope="module")
def csv_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv-city")
    generate_city(persons=PERSONS, seed=12, out_dir=out, month=MONTH, fmt="csv")
    return out / MONTH


@pytest.fixture(scope="session")
def big_cities(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two 300k-person snapshots of the same month (seeds differ), generated once per test session."""
    out = tmp_path_factory.mktemp("big-cities")
    generate_city(persons=BIG_PERSONS, seed=21, out_dir=out / "a", month=MONTH)
    generate_city(persons=BIG_PERSONS, seed=22, out_dir=out / "b", month=MONTH)
    return out / "a" / MONTH, out / "b" / MONTH


def copy_city(city: Path, tmp_path: Path, folder: str = MONTH) -> Path:
    dst = tmp_path / f"in-{len(list(tmp_path.glob('in-*')))}" / folder
    shutil.copytree(city, dst)
    return dst


def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def refresh_manifest(folder: Path, drop: tuple[str, ...] = ()) -> None:
    """Recompute sha256 and rows of the listed files after planting rows (what the exchange platform does)."""
    m = manifest(folder)
    for source in drop:
        m["sources"].pop(source)
        for ext in ("parquet", "csv"):
            (folder / f"{source}.{ext}").unlink(missing_ok=True)
    for entry in m["sources"].values():
        f = folder / entry["file"]
        entry["sha256"] = hashlib.sha256(f.read_bytes()).hexdigest()
        if f.suffix == ".parquet":
            entry["rows"] = pq.ParquetFile(f).metadata.num_rows
        else:
            entry["rows"] = sum(1 for _ in f.open(encoding="utf-8")) - 1
    (folder / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def read_csv(f: Path) -> list[list[str]]:
    with f.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_csv(f: Path, rows: list[list[str]]) -> None:
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def wrong_check(id_number: str) -> str:
    good = check_char(id_number[:17])
    return id_number[:17] + ("0" if good != "0" else "1")


def rejects_of(result: services.ImportResult) -> set[tuple[str, int, str]]:
    assert result.rejects_file is not None
    with result.rejects_file.open(encoding="utf-8-sig", newline="") as f:
        return {(r["file"], int(r["line"]), r["reason"]) for r in csv.DictReader(f)}


def store_dirs(root: Path) -> set[str]:
    d = root / "store"
    return {p.name for p in d.iterdir()} if d.is_dir() else set()


def staging_dirs(root: Path) -> list[str]:
    d = root / ".staging"
    return [p.name for p in d.iterdir()] if d.is_dir() else []


# ----------------------------------------------------------------------------- accepting
def test_a_clean_parquet_snapshot_is_accepted_whole_sorted_by_id_number_and_audited(
    db: Any, snapshots: Path, parquet_city: Path
) -> None:
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=parquet_city)

    assert result.status == SnapshotStatus.ACCEPTED, result.errors
    assert result.rejected_rows == 0 and result.missing == []
    snap = snapshot_current(month=MONTH)
    assert snap == result.snapshot and snap is not None
    assert snap.total_rows == sum(e["rows"] for e in manifest(parquet_city)["sources"].values())
    where = snapshot_path(snapshot=snap)
    assert where == snapshots / "store" / f"{MONTH}-{snap.manifest_sha256[:8]}"
    assert store.is_complete(where)
    for source, department, schema in ((s.name, s.department, s.schema) for s in SOURCES.values()):
        row = snap.sources.get(source=source)
        assert row.department == department and row.rejected == 0
        stored = pq.read_table(store.open_source(where, source))
        assert stored.schema.equals(pseudonym.stored_schema(schema))
        assert stored.num_rows == row.rows == manifest(parquet_city)["sources"][source]["rows"]
        ids = stored["id_number"].to_pylist()
        assert ids == sorted(ids)
    log = AuditLog.objects.filter(event_type="import").first()
    assert log is not None and log.outcome == "ok" and log.target_id == str(snap.pk)
    assert staging_dirs(snapshots) == []
    # monitoring, following the import (exchange/hooks.py), prepared the month's facts for the stored copy
    assert runner.facts_ready(where, MONTH) == where / f"facts-{MONTH}"


def test_a_snapshot_whose_facts_cannot_be_prepared_is_still_accepted_with_a_warning(
    db: Any, snapshots: Path, parquet_city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(**kwargs: Any) -> None:
        raise MemoryError("no memory left")

    monkeypatch.setattr(runner, "prepare", fail)
    monkeypatch.setattr(engine, "prepare", fail)
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=parquet_city)
    assert result.status == SnapshotStatus.ACCEPTED, result.errors
    assert any("筛查事实预计算未完成（MemoryError）" in w for w in result.warnings)
    where = snapshot_path(snapshot=result.snapshot)
    assert store.is_complete(where) and runner.facts_ready(where, MONTH) is None


def test_planted_bad_csv_rows_are_rejected_with_file_line_and_chinese_reason_and_the_rest_accepted(
    db: Any, snapshots: Path, csv_city: Path, tmp_path: Path
) -> None:
    folder = copy_city(csv_city, tmp_path)
    persons = read_csv(folder / "persons.csv")  # persons[i] is on line i + 1
    persons[4][0] = wrong_check(persons[4][0])  # line 5
    first17 = persons[5][0][:6] + "19801332" + "001"
    persons[5][0] = first17 + check_char(first17)  # line 6: no valid birth date in the ID
    persons[6][2] = "X"  # line 7: unknown sex
    persons.append(list(persons[9]))  # the person on line 10 delivered twice (last line)
    dup_line = len(persons)
    write_csv(folder / "persons.csv", persons)
    wages = read_csv(folder / "wages.csv")
    wages[2][3] = "-500"  # line 3
    wages[3][3] = "abc"  # line 4: wrong type
    wages[4][3] = "3201.50"  # line 5: cents in a whole-yuan column
    wages[5][3] = "3201.00"  # line 6: fine, 3201 yuan
    write_csv(folder / "wages.csv", wages)
    deaths = read_csv(folder / "deaths.csv")
    deaths[1][1] = "2025-02-30"  # line 2
    write_csv(folder / "deaths.csv", deaths)
    education = read_csv(folder / "education.csv")
    education[1][1] = "kindergarten"  # line 2
    write_csv(folder / "education.csv", education)
    vehicles = read_csv(folder / "vehicles.csv")
    vehicles[2] = vehicles[2][:3]  # line 3: a field missing
    write_csv(folder / "vehicles.csv", vehicles)
    refresh_manifest(folder)

    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder)

    assert result.status == SnapshotStatus.ACCEPTED, result.errors
    dup = "身份证号重复：本数据源每人只能有一行，本文件中此人有2行，全部拒收"
    assert rejects_of(result) == {
        ("persons.csv", 5, "身份证号校验位错误"),
        ("persons.csv", 6, "身份证号中的出生日期不是有效日期"),
        ("persons.csv", 7, "性别取值“X”无效（应为M/F）"),
        ("persons.csv", 10, dup),
        ("persons.csv", dup_line, dup),
        ("wages.csv", 3, "工资金额为负数"),
        ("wages.csv", 4, "工资金额不是有效金额：abc"),
        ("wages.csv", 5, "工资金额应为整数元：3201.50"),
        ("deaths.csv", 2, "死亡日期不是有效日期（应为YYYY-MM-DD）：2025-02-30"),
        (
            "education.csv",
            2,
            "学段取值“kindergarten”无效（应为primary/junior/senior/vocational/college/university）",
        ),
        ("vehicles.csv", 3, "列数不符：应为4列，实际3列"),
    }
    counts = {s.source: (s.rows, s.rejected, s.delivered) for s in result.sources}
    assert counts["persons"] == (PERSONS + 1 - 5, 5, PERSONS + 1)
    assert counts["wages"][1] == 3 and counts["vehicles"][1] == 1
    for s in result.sources:
        assert s.rows + s.rejected == s.delivered
    snap = result.snapshot
    assert snap is not None and snap.rejected_rows == 11
    stored = pq.read_table(store.open_source(snapshot_path(snapshot=snap), "wages"))
    assert 3201 in stored["amount"].to_pylist()
    assert len(result.rejects_preview) == 11
    preview = snapshot_rejects_preview(snapshot=snap)
    assert preview[0]["file"] == "persons.csv" and preview[0]["id_number"].count("*") == 8
    assert all(persons[4][0] not in r["id_number"] for r in preview)  # ID numbers masked in the report


def test_planted_bad_parquet_rows_are_rejected_with_their_record_number(
    db: Any, snapshots: Path, parquet_city: Path, tmp_path: Path
) -> None:
    folder = copy_city(parquet_city, tmp_path)

    def edit(source: str, fn: Any) -> None:
        table = pq.read_table(folder / f"{source}.parquet")
        rows = table.to_pylist()
        fn(rows)
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), folder / f"{source}.parquet")

    def persons(rows: list[dict[str, Any]]) -> None:
        rows[3]["id_number"] = wrong_check(rows[3]["id_number"])  # record 4
        rows[4]["sex"] = "F" if rows[4]["sex"] == "M" else "M"  # record 5: sex contradicts the ID
        rows.append(dict(rows[0]))  # record 1 delivered twice

    edit("persons", persons)
    edit("pensions", lambda rows: rows[2].update(monthly_amount=-100))  # record 3
    edit("disability", lambda rows: rows[0].update(grade=7))  # record 1
    edit("marriages", lambda rows: rows[0].update(spouse_id_number=rows[0]["id_number"]))
    refresh_manifest(folder)

    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder)

    assert result.status == SnapshotStatus.ACCEPTED, result.errors
    dup = "身份证号重复：本数据源每人只能有一行，本文件中此人有2行，全部拒收"
    assert rejects_of(result) == {
        ("persons.parquet", 4, "身份证号校验位错误"),
        ("persons.parquet", 5, "性别与身份证号不一致"),
        ("persons.parquet", 1, dup),
        ("persons.parquet", PERSONS + 1, dup),
        ("pensions.parquet", 3, "养老金月额为负数"),
        ("disability.parquet", 1, "残疾等级应在1–4之间：7"),
        ("marriages.parquet", 1, "配偶身份证号与本人相同"),
    }


# ----------------------------------------------------------------------------- rejecting as a whole
def test_a_sha256_mismatch_rejects_the_whole_snapshot_and_stores_nothing(
    db: Any, snapshots: Path, parquet_city: Path, tmp_path: Path
) -> None:
    folder = copy_city(parquet_city, tmp_path)
    with (folder / "wages.parquet").open("ab") as f:
        f.write(b"tampered")

    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder)

    assert result.status == SnapshotStatus.REJECTED
    assert result.errors == ["wages.parquet：sha256与清单不符（文件可能损坏或被改动）"]
    assert "未保存任何数据" in result.message
    assert snapshot_current() is None
    assert store_dirs(snapshots) == set() and staging_dirs(snapshots) == []
    assert SnapshotSource.objects.count() == 0
    row = Snapshot.objects.get()
    assert row.status == SnapshotStatus.REJECTED and "sha256" in row.reason and row.path == ""
    assert AuditLog.objects.filter(event_type="import", outcome="rejected").count() == 1


@pytest.mark.parametrize(
    ("plant", "reason"),
    [
        ("missing_column", "persons.parquet：缺少列relation"),
        ("no_persons", "缺少人口库（persons），无法使用本快照"),
        ("row_count", "与清单记载的"),
        ("month", "清单中的月份2025-06与目录名2025-07不符"),
        ("half_bad", "超过一半，疑似文件格式整体错误"),
    ],
)
def test_structurally_unusable_snapshots_are_rejected_whole(
    db: Any, snapshots: Path, parquet_city: Path, tmp_path: Path, plant: str, reason: str
) -> None:
    folder = copy_city(parquet_city, tmp_path, "2025-07" if plant == "month" else MONTH)
    if plant == "missing_column":
        t = pq.read_table(folder / "persons.parquet")
        pq.write_table(t.drop_columns(["relation"]), folder / "persons.parquet")
        refresh_manifest(folder)
    elif plant == "no_persons":
        refresh_manifest(folder, drop=("persons",))
    elif plant == "row_count":
        m = manifest(folder)
        m["sources"]["wages"]["rows"] += 1
        (folder / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    elif plant == "half_bad":
        t = pq.read_table(folder / "tax.parquet")
        t = t.set_column(2, "declared_income", pa.array([-1] * t.num_rows, pa.int64()))
        pq.write_table(t, folder / "tax.parquet")
        refresh_manifest(folder)

    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder)

    assert result.status == SnapshotStatus.REJECTED
    assert any(reason in e for e in result.errors), result.errors
    assert store_dirs(snapshots) == set() and staging_dirs(snapshots) == []
    assert not Snapshot.objects.filter(status=SnapshotStatus.ACCEPTED).exists()


def test_importing_the_same_manifest_twice_changes_nothing_and_says_already_imported(
    db: Any, snapshots: Path, parquet_city: Path
) -> None:
    first = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=parquet_city)
    dirs, sources = store_dirs(snapshots), SnapshotSource.objects.count()

    again = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=parquet_city)

    assert again.status == "already" and again.message.startswith("已导入")
    assert again.snapshot == first.snapshot
    assert Snapshot.objects.count() == 1 and SnapshotSource.objects.count() == sources
    assert store_dirs(snapshots) == dirs
    assert AuditLog.objects.filter(event_type="import", outcome="skipped").count() == 1


def test_a_rejected_manifest_can_be_imported_once_its_files_are_fixed(
    db: Any, snapshots: Path, parquet_city: Path, tmp_path: Path
) -> None:
    folder = copy_city(parquet_city, tmp_path)
    (folder / "deaths.parquet").write_bytes(b"broken in transfer")
    assert (
        snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder).status
        == SnapshotStatus.REJECTED
    )
    shutil.copyfile(parquet_city / "deaths.parquet", folder / "deaths.parquet")

    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder)

    assert result.status == SnapshotStatus.ACCEPTED
    assert Snapshot.objects.get().status == SnapshotStatus.ACCEPTED


# ----------------------------------------------------------------------------- crash safety
def test_a_crash_in_the_final_rename_leaves_the_previous_snapshot_current_and_nothing_half_loaded(
    db: Any, snapshots: Path, parquet_city: Path, csv_city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=parquet_city).snapshot

    def crash(staging: Path, target: Path) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(importing, "_publish", crash)
    with pytest.raises(OSError, match="disk gone"):
        snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=csv_city)

    assert snapshot_current(month=MONTH) == previous
    assert Snapshot.objects.count() == 1 and SnapshotSource.objects.exclude(snapshot=previous).count() == 0
    assert previous is not None
    assert store_dirs(snapshots) == {Path(previous.path).name}
    assert staging_dirs(snapshots) == []
    assert AuditLog.objects.filter(event_type="import", outcome="failed").count() == 1


def test_a_crash_in_the_database_insert_leaves_no_store_dir_and_no_rows(
    db: Any, snapshots: Path, parquet_city: Path, csv_city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=parquet_city).snapshot
    assert previous is not None

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(importing, "audit_record", crash)  # after the Snapshot and source inserts
    with pytest.raises(RuntimeError, match="database went away"):
        snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=csv_city)

    assert snapshot_current(month=MONTH) == previous
    assert list(Snapshot.objects.values_list("pk", flat=True)) == [previous.pk]
    assert SnapshotSource.objects.exclude(snapshot=previous).count() == 0
    assert store_dirs(snapshots) == {Path(previous.path).name}


def test_leftovers_of_an_interrupted_import_are_removed_at_the_next_import(
    db: Any, snapshots: Path, parquet_city: Path
) -> None:
    (snapshots / ".staging" / "2025-06-deadbeef-0000" / ".duckdb").mkdir(parents=True)
    (snapshots / "store" / "2025-05-deadbeef").mkdir(parents=True)  # renamed, but never committed
    (snapshots / "store" / "2025-05-deadbeef" / "persons.parquet").write_bytes(b"half")

    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=parquet_city)

    assert sorted(result.recovered) == [".staging/2025-06-deadbeef-0000", "store/2025-05-deadbeef"]
    assert result.snapshot is not None
    assert store_dirs(snapshots) == {Path(result.snapshot.path).name}
    assert staging_dirs(snapshots) == []


# ----------------------------------------------------------------------------- status, purge, command
def test_sources_not_delivered_this_month_are_listed_as_missing(
    db: Any, snapshots: Path, parquet_city: Path, tmp_path: Path
) -> None:
    folder = copy_city(parquet_city, tmp_path)
    refresh_manifest(folder, drop=("vehicles", "securities"))

    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder)

    assert result.status == SnapshotStatus.ACCEPTED and result.missing == ["vehicles", "securities"]
    status = {r["source"]: r for r in snapshot_source_status(month=MONTH)}
    assert list(status) == list(SOURCES)
    assert [s for s, r in status.items() if r["missing"]] == ["vehicles", "securities"]
    assert status["persons"]["department"] == "公安" and status["persons"]["rows"] == PERSONS
    assert status["persons"]["rejected"] == 0 and status["persons"]["month"] == MONTH
    assert store.open_source(snapshot_path(snapshot=result.snapshot), "vehicles") is None  # type: ignore[arg-type]
    assert all(r["missing"] for r in snapshot_source_status(month="2024-01"))


def test_purge_removes_snapshots_older_than_the_retention_but_never_the_latest(
    db: Any, snapshots: Path, settings: Any, tmp_path: Path
) -> None:
    settings.SNAPSHOT_RETENTION_MONTHS = 12
    imported = []
    for month in ("2019-01", "2019-02"):
        generate_city(persons=300, seed=5, out_dir=tmp_path / "old", month=month)
        imported.append(
            snapshot_import(
                actor=system_actor(purpose="测试数据"), source_dir=tmp_path / "old" / month
            ).snapshot
        )
    old, latest = imported
    assert old is not None and latest is not None

    assert snapshot_purge(actor=system_actor(purpose="测试数据")) == 1

    old.refresh_from_db()
    assert old.status == SnapshotStatus.PURGED
    assert not (snapshots / old.path).exists()
    assert snapshot_current() == latest and store.is_complete(snapshot_path(snapshot=latest))
    assert snapshot_purge(actor=system_actor(purpose="测试数据")) == 0


def test_the_command_prints_the_policy_the_sources_and_every_rejected_row(
    db: Any, snapshots: Path, csv_city: Path, tmp_path: Path
) -> None:
    folder = copy_city(csv_city, tmp_path)
    rows = read_csv(folder / "wages.csv")
    rows[2][3] = "-1"
    write_csv(folder / "wages.csv", rows)
    refresh_manifest(folder)
    out = io.StringIO()

    call_command("exchange_import", str(folder), stdout=out)

    text = out.getvalue()
    assert "处理规则" in text and "整份快照拒收" in text
    assert "已接收" in text and "persons" in text and "公安" in text
    assert "wages.csv 第3行" in text and "工资金额为负数" in text
    assert "拒收报告" in text


def test_the_command_exits_2_with_the_reason_on_stderr_when_the_snapshot_is_rejected(
    db: Any, snapshots: Path, parquet_city: Path, tmp_path: Path
) -> None:
    folder = copy_city(parquet_city, tmp_path)
    (folder / "persons.parquet").write_bytes(b"not parquet")
    err = io.StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("exchange_import", str(folder), stdout=io.StringIO(), stderr=err)

    assert exc.value.returncode == 2
    assert "persons.parquet：sha256与清单不符" in err.getvalue()


# ----------------------------------------------------------------------------- web pages and upload
def zipped(folder: Path, extra: dict[str, bytes] | None = None) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"{folder.name}/{f.name}")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    buf.seek(0)
    buf.name = "snapshot.zip"
    return buf


def test_a_city_officer_uploads_a_zip_and_sees_sources_and_missing_ones(
    client: Any,
    make_user: Any,
    snapshots: Path,
    parquet_city: Path,
    tmp_path: Path,
    sync_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    folder = copy_city(parquet_city, tmp_path)
    refresh_manifest(folder, drop=("insurance",))
    client.force_login(make_user("city_officer", "370800"))

    with django_capture_on_commit_callbacks(execute=True):  # the worker runs in this process
        response = client.post("/exchange/upload/", {"archive": zipped(folder)})

    job = ImportJob.objects.get()
    snap = Snapshot.objects.get()
    assert response.status_code == 302 and response.url == f"/exchange/jobs/{job.pk}/"
    assert sync_worker == [job.pk] and job.status == ImportJobStatus.ACCEPTED and job.snapshot == snap
    assert snap.status == SnapshotStatus.ACCEPTED
    job_page = client.get(response.url).content.decode()
    assert f'href="/exchange/{snap.pk}/"' in job_page and "已接收" in job_page
    page = client.get("/exchange/").content.decode()
    assert "未交付的数据源：保险<" in page and "公安" in page and "insurance" not in page
    assert f'href="/exchange/jobs/{job.pk}/"' in page
    detail = client.get(f"/exchange/{snap.pk}/").content.decode()
    assert "persons.parquet" in detail and "本月未交付的数据源：保险<" in detail
    assert not any((snapshots / "incoming").iterdir())


@pytest.mark.parametrize(
    ("name", "message"),
    [("../2025-06/persons.parquet", "路径不安全"), (f"{MONTH}/evil.sh", "不允许的文件")],
)
def test_an_unsafe_zip_is_refused_before_anything_is_imported(
    client: Any, make_user: Any, snapshots: Path, parquet_city: Path, name: str, message: str
) -> None:
    client.force_login(make_user("city_officer", "370800"))

    response = client.post("/exchange/upload/", {"archive": zipped(parquet_city, {name: b"x"})}, follow=True)

    assert message in response.content.decode()
    assert not Snapshot.objects.exists() and store_dirs(snapshots) == set()
    assert not ImportJob.objects.exists() and not (snapshots / "incoming").exists()


def test_only_city_officers_may_see_or_upload_snapshots(
    client: Any, make_user: Any, snapshots: Path, parquet_city: Path
) -> None:
    client.force_login(make_user("county_officer", "370811"))

    assert client.get("/exchange/").status_code == 403
    response = client.post("/exchange/upload/", {"archive": zipped(parquet_city)})
    assert response.status_code == 403 and "市级" in response.content.decode()
    assert not Snapshot.objects.exists() and not ImportJob.objects.exists()


# ----------------------------------------------------------------------------- scale: store layout, kill -9
def test_stored_sources_have_sorted_row_groups_so_a_household_lookup_reads_few_of_them(
    db: Any, snapshots: Path, big_cities: tuple[Path, Path]
) -> None:
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=big_cities[0])
    assert result.snapshot is not None
    where = snapshot_path(snapshot=result.snapshot)
    meta = pq.ParquetFile(store.open_source(where, "persons")).metadata
    assert meta.num_rows == BIG_PERSONS and meta.num_row_groups == -(-BIG_PERSONS // store.ROW_GROUP_ROWS)
    bounds = [
        (meta.row_group(i).column(0).statistics.min, meta.row_group(i).column(0).statistics.max)
        for i in range(meta.num_row_groups)
    ]
    assert all(a[1] < b[0] for a, b in itertools.pairwise(bounds))  # disjoint, ascending
    persons = pq.read_table(big_cities[0] / "persons.parquet", columns=["id_number", "household_no"])
    household = persons["household_no"][123_456].as_py()
    members = [
        i
        for i, h in zip(persons["id_number"].to_pylist(), persons["household_no"].to_pylist(), strict=True)
        if h == household
    ]

    found = store.lookup(where, "persons", members)

    assert found is not None and sorted(found["id_number"].to_pylist()) == sorted(members)


def _state(data: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    con = sqlite3.connect(data / "minzheng.sqlite3")
    try:
        snaps = con.execute(
            "SELECT id, month, manifest_sha256, path, status FROM exchange_snapshot ORDER BY id"
        ).fetchall()
        sources = con.execute(
            "SELECT snapshot_id, count(*) FROM exchange_snapshotsource GROUP BY snapshot_id ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return snaps, sources


def test_kill_9_during_import_leaves_the_previous_snapshot_current_and_a_rerun_succeeds(
    tmp_path: Path, big_cities: tuple[Path, Path]
) -> None:
    a, b = big_cities
    data = tmp_path / "data"
    env = {
        **os.environ,
        "MINZHENG_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "minzheng.settings.dev",
        "MINZHENG_DB": "sqlite",
    }
    cli = [sys.executable, "-m", "minzheng.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True, timeout=1200)
    subprocess.run(
        [*cli, "exchange", "import", str(a)], env=env, check=True, timeout=1200, capture_output=True
    )
    root = data / "snapshots"
    sha_a = hashlib.sha256((a / "manifest.json").read_bytes()).hexdigest()
    sha_b = hashlib.sha256((b / "manifest.json").read_bytes()).hexdigest()
    dir_a, dir_b = f"{MONTH}-{sha_a[:8]}", f"{MONTH}-{sha_b[:8]}"

    # Random kill points: after a randomly chosen source has been written to staging, plus a random delay.
    # Progress rather than wall time, so a slow or busy machine still kills mid-import.
    rng = random.Random(20250601)
    for _ in range(20):  # issue 7: 20 kill -9 runs at random points
        milestone = rng.choice(list(SOURCES)[:14])
        delay = rng.uniform(0.0, 0.05)
        before = set(staging_dirs(root))
        proc = subprocess.Popen(
            [*cli, "exchange", "import", str(b)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            new = set(staging_dirs(root)) - before
            if new and (root / ".staging" / new.pop() / f"{milestone}.parquet").exists():
                break
            time.sleep(0.002)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL, milestone  # killed mid-import, not finished

        snaps, sources = _state(data)
        assert [(s[2], s[3], s[4]) for s in snaps] == [(sha_a, f"store/{dir_a}", "accepted")]  # A current
        assert sources == [(snaps[0][0], len(SOURCES))]
        assert store.is_complete(root / "store" / dir_a)  # every accepted row has a complete store dir
        # A store dir without its row can only be B renamed just before the kill; no reader sees it
        # (the database row is the pointer) and the next import removes it.
        assert store_dirs(root) <= {dir_a, dir_b}

    done = subprocess.run(
        [*cli, "exchange", "import", str(b)], env=env, timeout=1200, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "已接收" in done.stdout
    snaps, sources = _state(data)
    assert [(s[2], s[4]) for s in snaps] == [(sha_a, "accepted"), (sha_b, "accepted")]
    assert sources == [(snaps[0][0], len(SOURCES)), (snaps[1][0], len(SOURCES))]
    assert store_dirs(root) == {dir_a, dir_b} and staging_dirs(root) == []
    assert all(store.is_complete(root / "store" / d) for d in (dir_a, dir_b))

    again = subprocess.run(
        [*cli, "exchange", "import", str(b)], env=env, timeout=1200, capture_output=True, text=True
    )
    assert again.returncode == 0 and "已导入" in again.stdout
    assert _state(data) == (snaps, sources)
