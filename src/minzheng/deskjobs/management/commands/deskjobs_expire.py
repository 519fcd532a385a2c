"""`minzheng deskjobs-expire`: delete the files of desk jobs finished more than JOB_FILE_KEEP_DAYS ago.

Run daily by deploy/systemd/minzheng-daily.timer; the rows stay on 我的任务, saying the file expired."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from minzheng.deskjobs.services import desk_jobs_expire, desk_jobs_reap


class Command(BaseCommand):
    help = "清理过期的后台任务文件（完成超过JOB_FILE_KEEP_DAYS天），并把工作进程已退出的任务标为失败"

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = desk_jobs_reap()
        removed = desk_jobs_expire()
        days = int(settings.JOB_FILE_KEEP_DAYS)
        self.stdout.write(f"保留期{days}天：已删除{removed}个过期任务文件，{reaped}个中断任务已标为失败")
