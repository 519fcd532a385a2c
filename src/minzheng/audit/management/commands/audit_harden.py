"""`minzheng audit harden --role ROLE`: take TRUNCATE on the audit table away from the application's
database role (docs/security.md, 安全审计). UPDATE and DELETE are refused by the table's trigger;
TRUNCATE is a separate privilege no row trigger sees, so it is revoked here. DELETE stays granted: the
retention purge deletes rows older than 183 days, which the trigger allows and nothing younger."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from minzheng.audit.models import AuditLog


class Command(BaseCommand):
    help = "收回应用数据库角色对审计日志表的TRUNCATE权限（minzheng audit harden --role 角色名，仅PostgreSQL）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, help="应用连接数据库所用的角色")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("仅PostgreSQL生产数据库需要此操作（当前为嵌入式数据库）")
        role, table = options["role"], AuditLog._meta.db_table
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cur.fetchone() is None:
                raise CommandError(f"数据库角色“{role}”不存在")
            name = connection.ops.quote_name(role)
            cur.execute(f"REVOKE TRUNCATE ON {connection.ops.quote_name(table)} FROM {name}")
            cur.execute(
                "SELECT has_table_privilege(%s, %s, 'TRUNCATE'), "
                "pg_get_userbyid(c.relowner) = %s, "
                "has_table_privilege(%s, %s, 'INSERT') AND has_table_privilege(%s, %s, 'SELECT') "
                "FROM pg_class c WHERE c.oid = %s::regclass",
                [role, table, role, role, table, role, table, table],
            )
            row = cur.fetchone()
        if row is None:
            raise CommandError(f"审计日志表{table}不存在，请先执行数据库迁移")
        can_truncate, owns, can_write = row
        if can_truncate:
            raise CommandError(
                f"角色“{role}”仍可TRUNCATE审计日志表（可能通过其他角色或PUBLIC继承），请检查授权"
            )
        self.stdout.write(f"已收回角色“{role}”对审计日志表{table}的TRUNCATE权限")
        if owns:
            self.stderr.write(
                f"注意：角色“{role}”是该表的所有者，可以把权限授回自己；生产环境应由单独的所有者角色执行迁移"
            )
        if not can_write:
            self.stderr.write(f"注意：角色“{role}”没有该表的SELECT和INSERT权限，应用将无法写审计日志")
