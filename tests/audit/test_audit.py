import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from minzheng.audit.models import AuditLog
from minzheng.audit.services import audit_record, audit_verify
from tests.audit.conftest import guard_lifted
from tests.conftest import TOWN_A


def test_an_untouched_chain_verifies(db, make_household):
    make_household(size=3)
    assert AuditLog.objects.count() >= 6
    assert audit_verify() == []
    call_command("audit_verify")


def test_an_edited_row_is_detected_by_audit_verify(db, make_household):
    make_household(size=2)
    victim = AuditLog.objects.order_by("seq")[1]
    with guard_lifted():  # bypasses the model guard and the trigger, like the database's owner
        AuditLog.objects.filter(pk=victim.pk).update(detail="篡改")
    problems = audit_verify()
    assert any(f"第{victim.seq}条" in p for p in problems)
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit_verify")


def test_a_deleted_row_is_detected_by_audit_verify(db, make_household):
    make_household(size=2)
    victim = AuditLog.objects.order_by("seq")[1]
    with guard_lifted():
        AuditLog.objects.filter(pk=victim.pk)._raw_delete(AuditLog.objects.db)
    assert any("缺失" in p or "前序" in p for p in audit_verify())


def test_the_model_refuses_updates_and_deletes(db):
    row = audit_record(actor=None, event_type="create", target_type="t", target_id=1)
    row.detail = "x"
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is PostgreSQL-only")
def test_postgresql_refuses_update_and_delete_on_the_audit_table(db):
    from django.db import DatabaseError, transaction

    audit_record(actor=None, event_type="create", target_type="t", target_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all().update(detail="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all()._raw_delete(AuditLog.objects.db)


def test_logins_successful_and_failed_are_audited_and_five_failures_lock_the_account(db, make_user):
    make_user("township_clerk", TOWN_A, username="clerk", password="Right-pass-123")
    c = Client()
    assert c.post("/login/", {"username": "clerk", "password": "Right-pass-123"}).status_code == 302
    assert AuditLog.objects.filter(event_type="login", actor_name="clerk").count() == 1
    c.post("/logout/")
    for _ in range(5):
        c.post("/login/", {"username": "clerk", "password": "wrong"})
    assert AuditLog.objects.filter(event_type="login_failed", target_id="clerk").count() == 5
    locked = c.post("/login/", {"username": "clerk", "password": "Right-pass-123"})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert AuditLog.objects.filter(event_type="lockout").exists()


def test_the_auditor_browses_the_log_and_the_sysadmin_cannot(db, make_user):
    auditor = make_user("auditor", "370800")
    admin = make_user("sysadmin", "370800")
    audit_record(actor=auditor, event_type="export", target_type="person.export", detail="导出人员3条")
    c = Client()
    c.force_login(auditor)
    page = c.get("/audit/", {"event": "export"})
    assert page.status_code == 200 and "导出人员3条" in page.content.decode()
    c.force_login(admin)
    assert c.get("/audit/").status_code == 403


def test_retention_purges_only_rows_older_than_183_days_and_the_chain_still_verifies(db, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from minzheng.audit.services import audit_purge

    real_now = timezone.now
    for days, n in ((400, 4), (200, 3), (100, 2)):
        monkeypatch.setattr(timezone, "now", lambda d=days: real_now() - dt.timedelta(days=d))
        for i in range(n):
            audit_record(actor=None, event_type="create", target_type="t", target_id=f"{days}-{i}")
    monkeypatch.setattr(timezone, "now", real_now)
    with pytest.raises(ValueError, match="183"):
        audit_purge(actor=None, older_than_days=100)
    assert audit_purge(actor=None, older_than_days=183) == 7
    remaining = list(AuditLog.objects.order_by("seq").values_list("target_id", flat=True))
    assert remaining[:2] == ["100-0", "100-1"] and remaining[-1] != ""
    assert audit_verify() == []
    assert AuditLog.objects.filter(target_type="audit.purge").count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="table privileges are PostgreSQL-only")
def test_audit_harden_takes_truncate_away_from_the_application_role_and_keeps_writing(db, capsys):
    from django.db import DatabaseError, transaction

    audit_record(actor=None, event_type="create", target_type="t", target_id=1)
    table = AuditLog._meta.db_table
    with connection.cursor() as cur:  # the suite's own role, as in a small deployment (grants roll back)
        cur.execute("SELECT current_user")
        role = cur.fetchone()[0]
    call_command("audit_harden", role=role)
    out = capsys.readouterr()
    assert "已收回" in out.out and "所有者" in out.err  # it owns the table: told to use an owner role
    with connection.cursor() as cur:
        cur.execute(
            "SELECT has_table_privilege(current_user, %s, 'TRUNCATE'), "
            "has_table_privilege(current_user, %s, 'INSERT')",
            [table, table],
        )
        assert cur.fetchone() == (False, True)
    with (
        pytest.raises(DatabaseError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(f"TRUNCATE {table}")
    audit_record(actor=None, event_type="create", target_type="t", target_id=2)
    assert AuditLog.objects.count() == 2


def test_audit_harden_refuses_clearly_where_it_does_not_apply(db):
    with pytest.raises(CommandError, match=r"仅PostgreSQL|不存在"):
        call_command("audit_harden", role="no_such_role_here")
