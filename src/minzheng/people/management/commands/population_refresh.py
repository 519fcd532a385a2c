"""Recompute the month's population summary (人口月度汇总) that the home page and the person list read:
run by the monthly job and after every registry import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minzheng.accounts.system import system_actor
from minzheng.people.services import population_refresh


class Command(BaseCommand):
    help = "重新汇总人口月度汇总（各级区划在世人数、家庭户数）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", default="", help="YYYY-MM（默认本月）")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["month"]:
            try:
                on = dt.date.fromisoformat(f"{options['month']}-01")
            except ValueError:
                raise CommandError("月份格式应为YYYY-MM（如2026-11）") from None
        rows = population_refresh(actor=system_actor(purpose="人口月度汇总"), on=on)
        self.stdout.write(f"人口月度汇总：{rows} 个区划")
