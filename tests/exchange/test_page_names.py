"""The snapshot pages tell an officer what arrived (file, batch number, rows, received at, checked ✓); the
manifest hash is kept for auditors in a tooltip and a details block, not as the name of a batch."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minzheng.exchange.models import ImportJob, Snapshot, SnapshotStatus

SHA = "ab12cd34" + "e" * 56


def _snapshot(city_officer, month="2026-10", sha=SHA):
    snap = Snapshot.objects.create(
        month=month,
        manifest_sha256=sha,
        status=SnapshotStatus.ACCEPTED,
        imported_at=timezone.now(),
        imported_by=city_officer,
        total_rows=1234,
        rejected_rows=5,
    )
    ImportJob.objects.create(
        file_name="2026-10月度快照.zip",
        region_code="370800",
        started_by=city_officer,
        created_at=timezone.now(),
        status="done",
        snapshot=snap,
    )
    return snap


def _get(user, url):
    c = Client()
    c.force_login(user)
    return c.get(url).content.decode()


def test_the_snapshot_list_names_a_batch_by_its_number_and_file_with_rows_and_a_check_mark(make_user):
    officer = make_user("city_officer", "370800")
    snap = _snapshot(officer)
    page = _get(officer, "/exchange/")
    table = page[page.index('<table id="snapshots">') :]
    assert f"第{snap.pk}批" in table and "2026-10月度快照.zip" in table
    assert "1234" in table and "✓ 已校验接收" in table
    assert f">{SHA[:8]}<" not in page  # the hash is no name
    assert f'title="清单SHA-256：{SHA}"' in table
    current = page[page.index('id="current-snapshot"') :]
    assert f"2026-10 第{snap.pk}批" in current and "已校验 ✓" in current


def test_the_snapshot_list_reads_file_names_in_the_same_query(make_user, django_assert_max_num_queries):
    officer = make_user("city_officer", "370800")
    _snapshot(officer)
    c = Client()
    c.force_login(officer)
    c.get("/exchange/")
    with CaptureQueriesContext(connection) as one:
        c.get("/exchange/")
    for month in ("2026-07", "2026-08", "2026-09"):
        _snapshot(officer, month, month + SHA[7:])
    with django_assert_max_num_queries(len(one)):
        page = c.get("/exchange/").content.decode()
    assert page.count("2026-10月度快照.zip") >= 4


def test_the_snapshot_page_keeps_the_hash_in_a_details_block_for_auditors(make_user):
    officer = make_user("city_officer", "370800")
    snap = _snapshot(officer)
    page = _get(officer, f"/exchange/{snap.pk}/")
    assert "2026-10月度快照.zip" in page and f"第{snap.pk}批" in page
    details = page[page.index('<details class="card" id="audit-details">') :]
    assert SHA in details and SHA not in page[: page.index('<details class="card" id="audit-details">')]
