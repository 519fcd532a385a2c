"""`minzheng audit anchor` (cron, daily): sign the audit chain's head into settings.AUDIT_ANCHOR_FILE,
outside the database, so that a wiped log or a reset head is detected by `minzheng audit verify`."""

from typing import Any

from django.core.management.base import BaseCommand

from minzheng.audit.services import audit_anchor


class Command(BaseCommand):
    help = "把审计日志链头签名写入数据库之外的锚点文件（minzheng audit anchor，每日定时执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = audit_anchor()
        if anchor is None:
            self.stdout.write("审计日志为空，无需记录锚点")
            return
        self.stdout.write(f"已记录锚点：第{anchor.seq}条 {anchor.hash[:16]}… {anchor.at}")
