"""`minzheng exchange purge`: delete the files of snapshots older than SNAPSHOT_RETENTION_MONTHS."""

from __future__ import annotations

import getpass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from minzheng.accounts.system import system_actor
from minzheng.exchange.services import SnapshotBusyError, snapshot_purge


class Command(BaseCommand):
    help = "按保留期（SNAPSHOT_RETENTION_MONTHS，默认36个月）清理过期的数据交换快照文件，最新快照永不清理"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = snapshot_purge(actor=system_actor(purpose=f"命令行清理快照（{getpass.getuser()}）"))
        except SnapshotBusyError as e:
            raise CommandError(str(e)) from e
        months = int(getattr(settings, "SNAPSHOT_RETENTION_MONTHS", 36))
        self.stdout.write(f"保留期{months}个月：已清理{count}个过期快照")
