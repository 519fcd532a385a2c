from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minzheng.core.pii import redact, redact_value

from .models import AuditChainHead, AuditEvent, AuditLog, AuditPurgeGrant

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


def _key(purpose: bytes) -> bytes:
    """One secret outside the database (MINZHENG_AUDIT_KEY), a separate derived key per use."""
    return _derive(str(settings.AUDIT_HMAC_KEY), purpose)


@functools.lru_cache(maxsize=8)
def _derive(secret: str, purpose: bytes) -> bytes:
    return hmac.new(secret.encode(), b"minzheng-audit:" + purpose, hashlib.sha256).digest()


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """Keyed: whoever can write the database but lacks the key cannot re-hash an edited row forward."""
    return hmac.new(_key(b"chain"), (prev_hash + _canonical(row)).encode(), hashlib.sha256).hexdigest()


def legacy_row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The unkeyed SHA-256 of rows written before migration 0007 re-keyed them (kept for that check)."""
    return hashlib.sha256((prev_hash + _canonical(row)).encode()).hexdigest()


def _clean(value: str, limit: int) -> str:
    # Redact first, then cut: cutting first could leave the first 14 digits of an ID behind.
    return redact(value)[:limit]


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
    """Append one audit row in the caller's transaction. Every string stored (the values inside old/new
    included) passes through `redact`, so no caller can put a full ID, card or phone number here."""
    if event_type not in AuditEvent.values:
        # The log is read by event (登录、新增、审批决定 …): a line's own action goes in target_type/detail.
        raise ValueError(f"audit event_type must be one of AuditEvent, not {event_type!r}")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    region = getattr(real_actor, "region", None) if real_actor else None
    row: dict[str, Any] = {
        "seq": head.seq + 1,
        "created_at": timezone.now(),
        "actor_id": real_actor.pk if real_actor else None,
        "actor_name": _clean(real_actor.get_username() if real_actor else str(actor or ""), 150),
        "actor_region": region.code if region else "",
        "event_type": event_type,
        "target_type": _clean(target_type, 64),
        "target_id": _clean(str(target_id), 64),
        "region_code": region_code[:15],
        "outcome": _clean(outcome, 16),
        "detail": _clean(detail, 300),
        "ip": _clean(ip, 64),
    }
    # Round-trip JSON fields now so the stored value hashes the same as what verify will read back.
    for name, value in (("old", old), ("new", new)):
        row[name] = redact_value(json.loads(json.dumps(value, default=str))) if value is not None else None
    digest = row_hash(head.hash, row)
    entry = AuditLog(prev_hash=head.hash, hash=digest, **row)
    entry.save(force_insert=True)
    head.seq = entry.seq
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
    return entry


# ------------------------------------------------------------------------------------------ anchors
# The chain head is copied, signed, into an append-only file outside the database (settings.
# AUDIT_ANCHOR_FILE): one line per anchor, `kind<TAB>seq<TAB>hash<TAB>time<TAB>hmac`. kind "head": row
# `seq` had `hash` (written daily by `minzheng audit anchor` and by every clean `audit verify`). kind
# "purge": after a retention purge the chain starts at `seq`, whose prev_hash is `hash`. Whoever wipes
# the table or resets the head cannot make the rows the file names reappear, nor sign a new start.
HEAD, PURGE = "head", "purge"


@dataclass(frozen=True)
class Anchor:
    kind: str
    seq: int
    hash: str
    at: str


def _anchor_mac(kind: str, seq: int, digest: str, at: str) -> str:
    return hmac.new(_key(b"anchor"), f"{kind}\t{seq}\t{digest}\t{at}".encode(), hashlib.sha256).hexdigest()


def _anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def _anchor_write(kind: str, seq: int, digest: str) -> Anchor:
    at = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = f"{kind}\t{seq}\t{digest}\t{at}\t{_anchor_mac(kind, seq, digest, at)}\n"
    path = _anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Append-only, owner-only; one write per line so concurrent writers never interleave a line.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return Anchor(kind, seq, digest, at)


def audit_anchors() -> tuple[list[Anchor], list[str]]:
    """The anchors in the file and a description of every line whose signature does not hold."""
    path = _anchor_path()
    if not path.exists():
        return [], []
    anchors: list[Anchor] = []
    problems: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t")
        try:
            kind, seq, digest, at, mac = parts
            anchor = Anchor(kind, int(seq), digest, at)
        except ValueError:
            problems.append(f"锚点文件第{n}行格式不对，疑似被篡改")
            continue
        if kind not in (HEAD, PURGE) or not hmac.compare_digest(mac, _anchor_mac(kind, int(seq), digest, at)):
            problems.append(f"锚点文件第{n}行签名不符，疑似被篡改")
            continue
        anchors.append(anchor)
    return anchors, problems


def audit_anchor() -> Anchor | None:
    """Sign the current chain head into the anchor file (cron: `minzheng audit anchor`, daily)."""
    last = AuditLog.objects.order_by("-seq").values("seq", "hash").first()
    if last is None:
        return None
    return _anchor_write(HEAD, last["seq"], last["hash"])


def audit_verify() -> list[str]:
    """Walk the chain and check it against the anchor file; return Chinese descriptions of every break
    (empty list = intact)."""
    anchors, problems = audit_anchors()
    head = AuditChainHead.objects.filter(id=1).first()
    start_seq, prev = (head.anchor_seq, head.anchor_hash) if head else (1, GENESIS)
    purges = {(a.seq, a.hash) for a in anchors if a.kind == PURGE}
    if (start_seq, prev) != (1, GENESIS) and (start_seq, prev) not in purges:
        problems.append(f"日志从第{start_seq}条开始，但锚点文件没有这次清理的签名记录，疑似前段被删除")
    wanted = {a.seq for a in anchors if a.kind == HEAD}
    seen: dict[int, str] = {}
    expected_seq = start_seq
    fields = ["prev_hash", "hash", *_HASHED]
    for row in AuditLog.objects.order_by("seq").values(*fields).iterator(chunk_size=2000):
        if row["seq"] != expected_seq:
            problems.append(f"序号{expected_seq}缺失（下一条为{row['seq']}），疑似被删除")
            expected_seq = row["seq"]
        if row["prev_hash"] != prev:
            problems.append(f"第{row['seq']}条的前序哈希与链不符")
        if not hmac.compare_digest(row_hash(row["prev_hash"], row), row["hash"]):
            problems.append(f"第{row['seq']}条内容与哈希不符，疑似被篡改")
        if row["seq"] in wanted:
            seen[row["seq"]] = row["hash"]
        prev = row["hash"]
        expected_seq += 1
    last_seq = expected_seq - 1
    if head and head.seq != last_seq:
        problems.append(f"链头记录序号{head.seq}与最后一条{last_seq}不符，疑似末尾被删除")
    for a in anchors:
        if a.kind != HEAD or a.seq < start_seq:
            continue  # rows before a signed purge checkpoint are gone by design
        if a.seq > last_seq:
            problems.append(f"锚点（{a.at}）记录到第{a.seq}条，日志现只到第{last_seq}条，疑似被清空或截短")
        elif seen.get(a.seq) != a.hash:
            problems.append(f"第{a.seq}条与锚点（{a.at}）记录的哈希不符，疑似日志被重写")
    return problems


RETENTION_MIN_DAYS = 183  # issue 7: audit entries are kept at least 183 days, never purged younger


@transaction.atomic
def audit_purge(*, actor: Any, older_than_days: int) -> int:
    """Delete the oldest audit rows (a contiguous prefix of the chain) older than `older_than_days`.

    The only way rows leave the table: the database trigger lets a DELETE through only for rows older
    than 183 days and only inside this transaction (PostgreSQL: a transaction setting; SQLite: a row in
    AuditPurgeGrant, removed before commit). The new start of the chain is kept in the head and signed
    into the anchor file as a purge checkpoint, so `audit verify` tells this purge from a deletion. The
    purge itself is recorded."""
    from django.db import connection

    if older_than_days < RETENTION_MIN_DAYS:
        raise ValueError(f"审计日志至少保留{RETENTION_MIN_DAYS}天，不能清理{older_than_days}天内的记录")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
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
    # Signed before the rows go: a purge that then rolls back leaves a checkpoint nothing matches.
    _anchor_write(PURGE, last["seq"] + 1, last["hash"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL minzheng.audit_purge = 'on'")
    grant = AuditPurgeGrant.objects.create(granted_at=timezone.now())
    n = doomed._raw_delete(doomed.db)
    grant.delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL minzheng.audit_purge = 'off'")
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
