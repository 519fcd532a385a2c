"""The append-only trigger lets a DELETE through only for rows older than 183 days and only when the
purge service set its transaction flag (retention, issue 7). UPDATE stays forbidden."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('minzheng.audit_purge', true) = 'on'
       AND OLD.created_at < now() - interval '183 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_anchor")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
