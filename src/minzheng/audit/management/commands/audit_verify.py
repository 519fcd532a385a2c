from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minzheng.audit.models import AuditLog
from minzheng.audit.services import audit_anchor, audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链和锚点文件，校验通过后记录新的锚点（minzheng audit verify）"

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        if problems:
            for p in problems:
                self.stderr.write(p)
            raise CommandError(f"审计日志校验失败：发现{len(problems)}处问题")
        anchor = audit_anchor()  # only an intact chain is anchored
        where = f"，已记录锚点：第{anchor.seq}条" if anchor else ""
        self.stdout.write(f"审计日志完整：共{AuditLog.objects.count()}条，哈希链校验通过{where}")
