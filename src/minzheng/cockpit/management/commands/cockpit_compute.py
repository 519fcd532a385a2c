"""Store the cockpit figures of a month and the eleven before it (the scheduled job after month end, and
once when the demo is set up, so the trend reads the real history); --force after late corrections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.cockpit.selectors import is_open_month, months_back
from minzheng.cockpit.services import cockpit_month_compute


class Command(BaseCommand):
    help = "汇总民政驾驶舱月度指标（已存储的月份不重算，除非 --force）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", default="", help="YYYY-MM（默认本月）")
        parser.add_argument("--months", type=int, default=12, help="连同之前共几个月（默认12）")
        parser.add_argument("--force", action="store_true", help="重新计算已存储的月份")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["month"] or f"{timezone.localdate():%Y-%m}"
        try:
            month = dt.date.fromisoformat(f"{raw}-01")
        except ValueError:
            raise CommandError("月份格式应为YYYY-MM（如2026-11）") from None
        actor = system_actor(purpose="民政驾驶舱按月汇总")
        for m in months_back(month, max(1, options["months"])):
            # the open month is always recomputed: it is live, only closed months are frozen
            n = cockpit_month_compute(actor=actor, month=m, force=options["force"] or is_open_month(m))
            self.stdout.write(f"{m:%Y-%m}: {n}")
