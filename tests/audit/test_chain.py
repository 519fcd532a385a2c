"""The audit chain cannot be forged by someone who can write the database: rows are HMAC-chained under a
key kept outside it, the head is signed into an append-only anchor file outside it, and the table itself
refuses UPDATE and DELETE on SQLite as on PostgreSQL, except the retention purge through its service."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import importlib
import stat
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from minzheng.audit.models import AuditChainHead, AuditLog, AuditPurgeGrant
from minzheng.audit.services import (
    GENESIS,
    _canonical,
    audit_anchor,
    audit_purge,
    audit_record,
    audit_verify,
    legacy_row_hash,
)
from tests.audit.conftest import guard_lifted, rehash_forward


def _edit_and_rehash(seq: int, hasher: Any) -> None:
    with guard_lifted():
        AuditLog.objects.filter(seq=seq).update(detail="已退回（篡改）")
        rehash_forward(hasher, start_seq=seq)


def test_an_edited_row_re_hashed_forward_with_plain_sha256_is_detected(rows):
    rows(5)
    _edit_and_rehash(3, legacy_row_hash)  # what the unkeyed chain allowed: it verified as intact
    assert any("第3条内容与哈希不符" in p for p in audit_verify())


def test_an_edited_row_re_hashed_forward_with_a_guessed_key_is_detected(rows):
    rows(5)

    def guessed(prev: str, row: dict[str, Any]) -> str:
        return hmac.new(b"dev-only-audit-key", (prev + _canonical(row)).encode(), hashlib.sha256).hexdigest()

    _edit_and_rehash(2, guessed)
    problems = audit_verify()
    assert any("第2条" in p for p in problems) and any("第5条" in p for p in problems)


def test_the_chain_depends_on_the_key_from_the_settings(rows, settings):
    rows(3)
    assert audit_verify() == []
    settings.AUDIT_HMAC_KEY = "another-key"
    assert len(audit_verify()) == 3


def test_wiping_the_log_and_resetting_the_head_is_detected_by_the_anchor_file(rows):
    rows(6)
    call_command("audit_anchor")
    with guard_lifted():
        AuditLog.objects.all()._raw_delete(AuditLog.objects.db)
    AuditChainHead.objects.filter(id=1).update(seq=0, hash=GENESIS)
    audit_record(actor=None, event_type="login", detail="一切如常")  # a fresh, self-consistent chain
    problems = audit_verify()
    assert any("锚点" in p and "第6条" in p for p in problems), problems
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit_verify")


def test_cutting_off_the_tail_below_the_last_anchor_is_detected(rows):
    rows(6)
    anchor = audit_anchor()
    assert anchor is not None and anchor.seq == 6
    with guard_lifted():
        AuditLog.objects.filter(seq__gte=4)._raw_delete(AuditLog.objects.db)
    last = AuditLog.objects.order_by("-seq").first()
    AuditChainHead.objects.filter(id=1).update(seq=last.seq, hash=last.hash)
    assert any("截短" in p for p in audit_verify())


def test_a_forged_or_edited_anchor_line_is_detected(rows):
    rows(2)
    audit_anchor()
    path = settings.AUDIT_ANCHOR_FILE
    line = path.read_text(encoding="utf-8")
    path.write_text(line + line.replace("head\t2\t", "head\t1\t"), encoding="utf-8")
    assert any("锚点文件第2行签名不符" in p for p in audit_verify())


def test_verify_anchors_an_intact_chain_into_an_owner_only_append_only_file(rows):
    rows(3)
    call_command("audit_verify")
    call_command("audit_verify")
    path = settings.AUDIT_ANCHOR_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(line.startswith("head\t3\t") for line in lines)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with guard_lifted():
        AuditLog.objects.filter(seq=2).update(detail="x")
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2  # a broken chain is never anchored


def test_the_table_refuses_update_and_delete_on_every_database(rows):
    rows(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all().update(detail="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all()._raw_delete(AuditLog.objects.db)
    assert AuditLog.objects.count() == 2 and audit_verify() == []


def _age(days: int, n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - dt.timedelta(days=days))
    for i in range(n):
        audit_record(actor=None, event_type="create", target_type="t", target_id=f"{days}-{i}")
    monkeypatch.setattr(timezone, "now", real_now)


def test_old_rows_cannot_be_deleted_outside_the_purge_service(db, monkeypatch):
    _age(400, 3, monkeypatch)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all()._raw_delete(AuditLog.objects.db)
    assert AuditLog.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the grant row is SQLite's purge flag")
def test_even_with_a_purge_grant_young_rows_cannot_be_deleted(db, monkeypatch):
    _age(400, 2, monkeypatch)
    audit_record(actor=None, event_type="create", target_type="t", target_id="young")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditPurgeGrant.objects.create(granted_at=timezone.now())
        AuditLog.objects.all()._raw_delete(AuditLog.objects.db)
    assert AuditLog.objects.count() == 3


def test_the_purge_service_signs_a_checkpoint_and_leaves_no_grant_behind(db, monkeypatch):
    _age(400, 4, monkeypatch)
    _age(10, 2, monkeypatch)
    assert audit_purge(actor=None, older_than_days=183) == 4
    assert not AuditPurgeGrant.objects.exists()
    assert AuditChainHead.objects.get().anchor_seq == 5
    assert settings.AUDIT_ANCHOR_FILE.read_text(encoding="utf-8").startswith("purge\t5\t")
    assert audit_verify() == []
    with pytest.raises(DatabaseError), transaction.atomic():  # the grant went with the purge
        AuditLog.objects.all()._raw_delete(AuditLog.objects.db)


def test_a_purge_done_by_hand_is_told_from_the_service_purge(db, monkeypatch):
    _age(400, 4, monkeypatch)
    _age(10, 2, monkeypatch)
    audit_anchor()
    with guard_lifted():
        victims = AuditLog.objects.filter(seq__lte=3)
        last = victims.order_by("-seq").first()
        victims._raw_delete(AuditLog.objects.db)
    AuditChainHead.objects.filter(id=1).update(anchor_seq=4, anchor_hash=last.hash)
    assert any("没有这次清理的签名记录" in p for p in audit_verify())


# --------------------------------------------------------------------------- migration of existing rows
_rekey = importlib.import_module("minzheng.audit.migrations.0007_keyed_chain").rekey


class _Editor:
    """The part of a schema editor the migration function uses."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cur:
            cur.execute(sql)


def test_the_migration_re_keys_an_intact_unkeyed_chain_and_anchors_it(rows):
    from django.apps import apps

    rows(4)
    with guard_lifted():
        rehash_forward(legacy_row_hash)  # the rows as the unkeyed chain wrote them
        assert audit_verify() != []
        _rekey(apps, _Editor())
    assert audit_verify() == []
    assert settings.AUDIT_ANCHOR_FILE.read_text(encoding="utf-8").startswith("head\t4\t")


def test_the_migration_refuses_to_re_key_a_broken_unkeyed_chain(rows):
    from django.apps import apps

    rows(4)
    with guard_lifted():
        rehash_forward(legacy_row_hash)
        AuditLog.objects.filter(seq=2).update(detail="篡改")  # edited without re-hashing
        with pytest.raises(RuntimeError, match="第2条处已断裂"):
            _rekey(apps, _Editor())
