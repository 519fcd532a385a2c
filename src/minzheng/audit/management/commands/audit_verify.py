from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minzheng.audit.models import AuditLog
from minzheng.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链（minzheng audit verify）"

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        if problems:
            for p in problems:
                self.stderr.write(p)
            raise CommandError(f"审计日志校验失败：发现{len(problems)}处问题")
        self.stdout.write(f"审计日志完整：共{AuditLog.objects.count()}条，哈希链校验通过")
