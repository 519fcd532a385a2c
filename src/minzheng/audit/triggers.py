"""SQLite's append-only guard for the audit table (PostgreSQL's is in migrations 0002/0004): UPDATE is
refused; DELETE only for rows older than 183 days while `audit_purge` holds an AuditPurgeGrant row. The
statements live here because migration 0008 creates them and the test suite's flush must lift them."""

SQLITE_CREATE = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_auditlog "
    "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改或删除'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_auditlog "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_auditpurgegrant) "
    "OR OLD.created_at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-183 days') "
    "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改或删除'); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
)
