"""`minzheng exchange run-job ID`: the background worker of one uploaded snapshot (services.import_job_run).

The upload queues the job for the job-queue worker (`minzheng db_worker`, jobs.import_job_task); this
command runs a job that is still queued by hand, in this process (when no worker runs, or to watch it).
A job that is not queued (already run, or being run by another worker) is left alone (exit code 0). Exit
code 1 when the import failed (disk, database, bug); a rejected snapshot is an outcome, not a failure
(exit code 0)."""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minzheng.exchange.models import ImportJob, ImportJobStatus
from minzheng.exchange.services import import_job_run


def _terminate(signum: int, frame: Any) -> None:
    sys.exit(128 + signum)  # SystemExit: the job is recorded as interrupted and its files removed


class Command(BaseCommand):
    help = "执行一个排队中的快照导入任务（网页上传后由后台进程自动执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job_id", help="导入任务编号")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = str(options["job_id"]).strip()
        if not raw.isdigit():
            raise CommandError(f"导入任务编号应为正整数，当前为：{options['job_id']}")
        signal.signal(signal.SIGTERM, _terminate)
        job = import_job_run(job_id=int(raw))
        if job is None:
            current = ImportJob.objects.filter(pk=int(raw)).first()
            if current is None:
                raise CommandError(f"导入任务{raw}不存在")
            self.stdout.write(f"导入任务{raw}的状态为{current.get_status_display()}，不是排队中，未执行")
            return
        self.stdout.write(f"导入任务{job.pk}（{job.file_name}）：{job.get_status_display()}")
        for line in (job.message or job.error).splitlines():
            self.stdout.write(f"  {line}")
        if job.status == ImportJobStatus.FAILED:
            raise CommandError(job.error)
