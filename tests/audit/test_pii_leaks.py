"""No full ID, card or phone number gets into an audit row, a job log, a page or a stored file name, even
when it arrives inside a file name or in the wrong column: `redact` finds it next to any non-digit, and
audit_record redacts every string it stores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditLog
from minzheng.audit.services import audit_record, audit_verify
from minzheng.core.idnumber import make_id_number
from minzheng.core.pii import find_id_numbers, find_pii, redact
from minzheng.demo.synth import generate_city
from minzheng.exchange.models import ImportJob
from minzheng.exchange.services import snapshot_import
from tests.assistance.test_views import _new_application, desk  # noqa: F401 (fixture)
from tests.conftest import new_id
from tests.exchange.conftest import no_worker, snapshots  # noqa: F401 (fixtures)
from tests.exchange.test_import import MONTH, copy_city, read_csv, refresh_manifest, rejects_of, write_csv
from tests.exchange.test_jobs import officer, officer_client, tiny_city, upload, zipped  # noqa: F401

ID = make_id_number("370811", dt.date(1980, 1, 1), 4, "F")  # 3708111980010100 + 08 + check
ID_X = next(
    i for s in range(500) if (i := make_id_number("370811", dt.date(1975, 6, 1), s, "M")).endswith("X")
)
CARD = "6222021234567890128"  # passes Luhn
PHONE = "13812345678"


def _audit_text() -> str:
    return "\n".join(
        f"{r.actor_name} {r.target_type} {r.target_id} {r.outcome} {r.detail} {r.old} {r.new} {r.ip}"
        for r in AuditLog.objects.all()
    )


@pytest.mark.parametrize(
    "text",
    [
        f"身份证{ID}.jpg",
        f"{ID}.00",
        f"id_{ID}_scan.pdf",
        f"{ID_X[:17]}x.png",
        f"a{ID}b",
        "旧证370811800101001.pdf",
        f"卡号{CARD}.xlsx",
        f"{CARD}.00",
        f"电话{PHONE}。",
    ],
)
def test_redact_finds_an_identifier_next_to_any_non_digit(text: str) -> None:
    assert find_pii(text)
    cleaned = redact(text)
    assert find_pii(cleaned) == [] and cleaned != text


def test_a_longer_digit_run_is_no_id_and_a_decimal_fraction_no_card() -> None:
    assert find_id_numbers(f"1{ID}") == [] and find_id_numbers(f"{ID}7") == []
    for text in ("0.6222021234567890128", "流水号12345678901234567890", "编号13812", "370811"):
        assert redact(text) == text


def test_audit_record_redacts_every_string_it_stores_and_the_chain_still_verifies(db: Any) -> None:
    audit_record(
        actor=f"导入任务{ID}",
        event_type="update",
        target_type=f"t{PHONE}",
        target_id=f"{ID}",
        outcome="ok",
        detail=f"材料“身份证{ID}.jpg”，卡{CARD}",
        old={"name": f"身份证{ID}.jpg", "nested": [{"card": CARD}, [PHONE]], ID: "key"},
        new={"amount": f"{ID}.00", "n": 3, "manifest_sha256": "ab" * 32},
        ip="10.0.0.1",
    )
    row = AuditLog.objects.get()
    assert find_pii(_audit_text()) == []
    assert row.new["n"] == 3 and row.new["manifest_sha256"] == "ab" * 32
    assert "370811********0008" in row.detail or ID[-4:] in row.detail
    assert audit_verify() == []


def test_a_document_named_after_an_id_card_leaves_the_id_nowhere(desk, settings, tmp_path) -> None:  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    app = _new_application(desk)
    pid = new_id()
    upload_file = SimpleUploadedFile(f"身份证{pid}.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")
    page = desk["clerk"].post(
        f"/assistance/{app.pk}/upload/", {"kind": "id_card", "file": upload_file}, follow=True
    )
    doc = app.documents.get()
    stored = [p.name for p in Path(settings.MEDIA_ROOT).rglob("*")]
    assert stored and not any(pid in name for name in stored)
    assert pid not in doc.original_name and doc.original_name.endswith(pid[-4:] + ".jpg")
    assert pid not in page.content.decode() and pid not in _audit_text()


def test_a_snapshot_zip_named_with_an_id_leaves_it_out_of_the_job_the_worker_output_and_audit(
    officer_client: Any,  # noqa: F811
    snapshots: Path,  # noqa: F811
    tiny_city: Path,  # noqa: F811
    no_worker: list[int],  # noqa: F811
    django_capture_on_commit_callbacks: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pid = new_id()
    archive = zipped(tiny_city)
    archive.name = f"快照{pid}.zip"
    upload(officer_client, archive, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    call_command("exchange_run_job", str(job.pk))
    job.refresh_from_db()
    out = capsys.readouterr().out
    assert job.file_name.endswith(pid[-4:] + ".zip") and pid not in job.file_name
    assert pid[-4:] + ".zip" in out and pid not in out
    page = officer_client.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert pid not in page and pid not in _audit_text()


def test_an_id_typed_into_the_wages_amount_is_echoed_masked(
    db: Any,
    snapshots: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    generate_city(persons=200, seed=41, out_dir=tmp_path / "city", month=MONTH, fmt="csv")
    folder = copy_city(tmp_path / "city" / MONTH, tmp_path)
    wages = read_csv(folder / "wages.csv")
    pid = new_id()
    wages[2][3] = pid  # line 3: an ID in the amount column
    wages[3][3] = f"{CARD}.00"  # line 4: a card number as an amount
    write_csv(folder / "wages.csv", wages)
    refresh_manifest(folder)
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=folder)
    reasons = {r for f, line, r in rejects_of(result) if f == "wages.csv"}
    assert len(reasons) == 2 and all(r.startswith("工资金额不是有效金额：") for r in reasons)
    assert {r[-4:] for r in reasons} == {pid[-4:], "128."}  # the value is echoed, masked
    assert find_pii(str(result.rejects_preview)) == [] and find_pii(_audit_text()) == []
