from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minzheng.accounts.system import system_actor
from minzheng.monitoring.services import automatic_summary, screening_run


def _previous_month() -> str:
    first = dt.date.today().replace(day=1)  # noqa: DTZ011 - the office's calendar month
    return f"{first - dt.timedelta(days=1):%Y-%m}"


class Command(BaseCommand):
    help = (
        "全市低收入人口动态监测：minzheng screen --month YYYY-MM [--snapshot DIR] [--out DIR] "
        "[--engine duckdb|spark]。"
        "每月定时运行示例（cron）：0 2 1 * * minzheng screen"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default=None, help="默认上个月")
        parser.add_argument("--snapshot", default=None, help="数据快照目录（默认：已导入的当月快照）")
        parser.add_argument("--out", default=None, help="另存预警结果的目录")
        parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
        parser.add_argument(
            "--queue",
            action="store_true",
            help="交给后台任务进程（minzheng db_worker）运行，进度见监测页面（每月定时任务使用）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"] or _previous_month()
        if options["queue"]:
            if options["snapshot"] or options["out"]:
                raise CommandError("--queue 只运行已导入的快照，不能与 --snapshot、--out 同时使用")
            from minzheng.monitoring.tasks import screening_month_enqueue

            screening_month_enqueue(month=month, engine=options["engine"])
            self.stdout.write(f"{month} 动态监测已排队，由后台任务进程运行，进度见监测页面")
            return
        tty = sys.stdout.isatty()

        def progress(stage: str, fraction: float) -> None:
            bar = "█" * int(fraction * 30)
            line = f"[{bar:<30}] {fraction:5.1%} {stage}"
            self.stdout.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        try:
            run = screening_run(
                actor=system_actor(purpose=f"{month}全市动态监测"),
                month=month,
                engine=options["engine"],
                snapshot_dir=Path(options["snapshot"]) if options["snapshot"] else None,
                out=Path(options["out"]) if options["out"] else None,
                progress=progress,
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        if tty:
            self.stdout.write("")
        s = run.summary
        self.stdout.write(f"{month} 动态监测已发布：预警 {s.get('alerts', 0)} 条")
        facts = {"prepared": "导入时预计算", "built": "本次运行现场计算"}.get(s.get("facts", ""), "—")
        self.stdout.write(f"快照事实数据：{facts}")
        for rule, n in sorted((s.get("by_rule") or {}).items()):
            self.stdout.write(f"  {rule}: {n}")
        self.stdout.write(automatic_summary(s.get("automatic", {})))
