"""SQLite, too, refuses UPDATE and DELETE on the audit table at the database level (PostgreSQL has done
so since 0002/0004); a DELETE passes only inside `audit_purge` and only for rows older than 183 days."""

from django.db import migrations

from minzheng.audit.triggers import SQLITE_CREATE, SQLITE_DROP


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_keyed_chain")]
    operations = [migrations.RunPython(forward, backward)]
