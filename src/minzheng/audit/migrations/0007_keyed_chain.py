"""Re-key the existing audit rows: until now each row's hash was an unkeyed SHA-256, which anyone able to
write the database could recompute after an edit. This migration first checks the old chain with the old
hash (so a forgery is never laundered into a keyed row: a broken chain stops the migration, with the
breaks listed), then rewrites prev_hash/hash of every row as HMAC-SHA256 under settings.AUDIT_HMAC_KEY,
and signs the result into the anchor file (the head, and, if an earlier purge moved the chain's start,
that start as a purge checkpoint). The rows' content is untouched. On PostgreSQL the append-only trigger
is lifted for this one transaction (migrations run as the table's owner)."""

from django.db import migrations

from minzheng.audit import services


def _rows(AuditLog):  # type: ignore[no-untyped-def]
    fields = ["pk", "prev_hash", "hash", *services._HASHED]
    return list(AuditLog.objects.order_by("seq").values(*fields))


def rekey(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditLog = apps.get_model("audit", "AuditLog")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    head = AuditChainHead.objects.filter(id=1).first()
    start_seq, prev = (head.anchor_seq, head.anchor_hash) if head else (1, services.GENESIS)
    prev_start = prev
    rows = _rows(AuditLog)
    if not rows:
        return
    breaks, check, expected = [], prev, start_seq
    for row in rows:
        if row["seq"] != expected or row["prev_hash"] != check:
            breaks.append(row["seq"])
        elif services.legacy_row_hash(row["prev_hash"], row) != row["hash"]:
            breaks.append(row["seq"])
        check, expected = row["hash"], row["seq"] + 1
    if breaks:
        raise RuntimeError(
            f"审计日志哈希链在第{'、'.join(map(str, breaks[:10]))}条处已断裂，不能改为密钥签名；请先运行 minzheng audit verify 查明原因"
        )
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events may block
        schema_editor.execute("ALTER TABLE audit_auditlog DISABLE TRIGGER audit_log_no_update")
    for row in rows:
        digest = services.row_hash(prev, row)
        AuditLog.objects.filter(pk=row["pk"]).update(prev_hash=prev, hash=digest)
        prev = digest
    if vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE audit_auditlog ENABLE TRIGGER audit_log_no_update")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
    AuditChainHead.objects.filter(id=1).update(seq=rows[-1]["seq"], hash=prev)
    if (start_seq, prev_start) != (1, services.GENESIS):
        services._anchor_write(services.PURGE, start_seq, prev_start)
    services._anchor_write(services.HEAD, rows[-1]["seq"], prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_purge_grant")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
