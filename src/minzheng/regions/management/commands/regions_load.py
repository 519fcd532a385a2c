from typing import Any

from django.core.management.base import BaseCommand

from minzheng.regions.services import regions_load


class Command(BaseCommand):
    help = "载入济宁市行政区划（市、11个县市区、156个乡镇街道、4401个村社区、任城区762个网格）"

    def handle(self, *args: Any, **options: Any) -> None:
        n = regions_load()
        self.stdout.write(f"新增区划 {n} 条")
