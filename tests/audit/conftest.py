"""Helpers for the audit tests: what an attacker with write access to the database (the SQLite file, or
the table owner's role) can do, which the application itself cannot."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from minzheng.audit.models import AuditChainHead, AuditLog
from minzheng.audit.services import _HASHED
from minzheng.audit.triggers import SQLITE_CREATE, SQLITE_DROP


@contextmanager
def guard_lifted() -> Iterator[None]:
    """Drop (SQLite) or disable (PostgreSQL, as the table owner) the append-only triggers for a while."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for sql in SQLITE_DROP:
                cur.execute(sql)
        else:  # deferred foreign-key checks of this transaction's inserts would block the ALTER
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE audit_auditlog DISABLE TRIGGER audit_log_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            if connection.vendor == "sqlite":
                for sql in SQLITE_CREATE:
                    cur.execute(sql)
            else:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("ALTER TABLE audit_auditlog ENABLE TRIGGER audit_log_no_update")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")


def rehash_forward(hasher: Callable[[str, dict[str, Any]], str], *, start_seq: int | None = None) -> None:
    """Recompute prev_hash/hash of every row from `start_seq` on with `hasher`, and move the head along:
    the forger's step after editing a row. Call inside guard_lifted()."""
    rows = list(AuditLog.objects.order_by("seq").values("pk", "prev_hash", *_HASHED))
    prev = rows[0]["prev_hash"]
    for row in rows:
        if start_seq is None or row["seq"] >= start_seq:
            digest = hasher(prev, row)
            AuditLog.objects.filter(pk=row["pk"]).update(prev_hash=prev, hash=digest)
        else:
            digest = AuditLog.objects.get(pk=row["pk"]).hash
        prev = digest
    AuditChainHead.objects.filter(id=1).update(seq=rows[-1]["seq"], hash=prev)


@pytest.fixture
def rows(db: Any) -> Callable[[int], list[AuditLog]]:
    from minzheng.audit.services import audit_record

    def make(n: int) -> list[AuditLog]:
        return [
            audit_record(actor=None, event_type="create", target_type="t", target_id=i, detail=f"第{i}件")
            for i in range(n)
        ]

    return make
