"""Store a month's cockpit figures (the scheduled job after month end; --force after late corrections)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minzheng.accounts.system import system_actor
from minzheng.cockpit.selectors import months_back
from minzheng.cockpit.services import cockpit_month_compute


class Command(BaseCommand):
    help = "汇总民政驾驶舱月度指标（已存储的月份不重算，除非 --force）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--months", type=int, default=1, help="连同之前共几个月")
        parser.add_argument("--force", action="store_true", help="重新计算已存储的月份")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = dt.date.fromisoformat(f"{options['month']}-01")
        except ValueError:
            raise CommandError("月份格式应为YYYY-MM（如2026-11）") from None
        actor = system_actor(purpose="民政驾驶舱按月汇总")
        for m in months_back(month, max(1, options["months"])):
            n = cockpit_month_compute(actor=actor, month=m, force=options["force"])
            self.stdout.write(f"{m:%Y-%m}: {n}")
