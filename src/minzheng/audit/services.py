from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditLog

GENESIS = "0" * 64
_HASHED = (
    "seq",
    "created_at",
    "actor_id",
    "actor_name",
    "actor_region",
    "event_type",
    "target_type",
    "target_id",
    "region_code",
    "outcome",
    "detail",
    "old",
    "new",
    "ip",
)


def _canonical(row: dict[str, Any]) -> str:
    data = {k: row.get(k) for k in _HASHED}
    if data["created_at"] is not None and not isinstance(data["created_at"], str):
        data["created_at"] = data["created_at"].isoformat()
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(row)).encode()).hexdigest()


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    event_type: str,
    target_type: str = "",
    target_id: str | int = "",
    region_code: str = "",
    outcome: str = "ok",
    detail: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditLog:
    """Append one audit row in the caller's transaction. Never pass a full ID number or bank account."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    region = getattr(real_actor, "region", None) if real_actor else None
    row: dict[str, Any] = {
        "seq": head.seq + 1,
        "created_at": timezone.now(),
        "actor_id": real_actor.pk if real_actor else None,
        "actor_name": real_actor.get_username() if real_actor else (str(actor or "")[:150]),
        "actor_region": region.code if region else "",
        "event_type": event_type,
        "target_type": target_type[:64],
        "target_id": str(target_id)[:64],
        "region_code": region_code[:15],
        "outcome": outcome,
        "detail": detail[:300],
        "old": old,
        "new": new,
        "ip": ip,
    }
    # Round-trip JSON fields now so the stored value hashes the same as what verify will read back.
    row["old"] = json.loads(json.dumps(old, default=str)) if old is not None else None
    row["new"] = json.loads(json.dumps(new, default=str)) if new is not None else None
    digest = row_hash(head.hash, row)
    entry = AuditLog(prev_hash=head.hash, hash=digest, **row)
    entry.save(force_insert=True)
    head.seq = entry.seq
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
    return entry


def audit_verify() -> list[str]:
    """Walk the chain; return Chinese descriptions of every break (empty list = intact)."""
    problems: list[str] = []
    anchor = AuditChainHead.objects.filter(id=1).first()
    prev = anchor.anchor_hash if anchor else GENESIS
    expected_seq = anchor.anchor_seq if anchor else 1
    fields = ["prev_hash", "hash", *_HASHED]
    for row in AuditLog.objects.order_by("seq").values(*fields).iterator(chunk_size=2000):
        if row["seq"] != expected_seq:
            problems.append(f"序号{expected_seq}缺失（下一条为{row['seq']}），疑似被删除")
            expected_seq = row["seq"]
        if row["prev_hash"] != prev:
            problems.append(f"第{row['seq']}条的前序哈希与链不符")
        if row_hash(row["prev_hash"], row) != row["hash"]:
            problems.append(f"第{row['seq']}条内容与哈希不符，疑似被篡改")
        prev = row["hash"]
        expected_seq += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head and head.seq != expected_seq - 1:
        problems.append(f"链头记录序号{head.seq}与最后一条{expected_seq - 1}不符，疑似末尾被删除")
    return problems


RETENTION_MIN_DAYS = 183  # issue 7: audit entries are kept at least 183 days, never purged younger


@transaction.atomic
def audit_purge(*, actor: Any, older_than_days: int) -> int:
    """Delete the oldest audit rows (a contiguous prefix of the chain) older than `older_than_days`;
    the chain head keeps the anchor so `audit verify` still checks everything that remains. The purge
    itself is recorded. On PostgreSQL the trigger lets the DELETE through only for rows older than 183
    days and only inside this function's transaction flag."""
    from django.db import connection
    from django.utils import timezone as tz

    if older_than_days < RETENTION_MIN_DAYS:
        raise ValueError(f"审计日志至少保留{RETENTION_MIN_DAYS}天，不能清理{older_than_days}天内的记录")
    cutoff = tz.now() - dt.timedelta(days=older_than_days)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    first_young = (
        AuditLog.objects.filter(created_at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    )
    doomed = AuditLog.objects.filter(created_at__lt=cutoff)
    if first_young is not None:
        doomed = doomed.filter(seq__lt=first_young)
    last = doomed.order_by("-seq").values("seq", "hash").first()
    if last is None:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL minzheng.audit_purge = 'on'")
    n, _ = doomed._raw_delete(doomed.db), None
    head.anchor_seq = last["seq"] + 1
    head.anchor_hash = last["hash"]
    head.save(update_fields=["anchor_seq", "anchor_hash"])
    audit_record(
        actor=actor,
        event_type="update",
        target_type="audit.purge",
        target_id=last["seq"],
        detail=f"按保留期清理{older_than_days}天前的审计日志{n}条",
    )
    return int(n)
