"""`minzheng registry_load DIR`: load the registry from a snapshot folder (YYYY-MM) with the bulk path
(people/bulk.py). The first load fills the registry; every later one applies only the month's changes and
keeps their history. Atomic: an interrupted load leaves the registry as it was."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minzheng.accounts.system import system_actor
from minzheng.people.bulk import registry_load
from minzheng.people.models import RegistryLoad

MAX_REJECT_LINES = 50


class Command(BaseCommand):
    help = "从月度快照目录（YYYY-MM）批量装载或同步人口库（人员、家庭户、家庭成员、死亡）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="快照目录，目录名为月份 YYYY-MM")
        parser.add_argument("--batch-size", type=int, default=50_000, help="每批行数（默认50000）")
        parser.add_argument(
            "--full",
            action="store_true",
            help="逐行与人口库比对（人口库在文件之外被修改过时使用），即使上月文件仍在",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = system_actor(purpose=f"命令行装载人口库（{getpass.getuser()}）")
        try:
            result = registry_load(
                snapshot=Path(options["directory"]),
                actor=actor,
                batch_size=options["batch_size"],
                full=options["full"],
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages), returncode=2) from e
        w = self.stdout.write
        load = RegistryLoad.objects.order_by("-created_at", "-id").first()
        basis = "（与上月文件比对）" if result.get("compared_with") == "file" else ""
        w(
            f"{'月度同步' if result['mode'] == 'sync' else '首次装载'}完成{basis}：文件{result['rows']:,}行，"
            f"拒收{result['rejected']:,}行，用时{load.seconds if load else 0}秒"
        )
        w(
            f"新增人员{result['persons_added']:,}人（出生{result['births']:,}、迁入{result['arrivals']:,}），"
            f"新增家庭户{result['households_added']:,}户，户籍地变更{result['moves']:,}人，"
            f"信息变更{result['field_changes']:,}项，家庭户变更{result['household_changes']:,}人，"
            f"离开家庭户{result['left']:,}人，死亡{result['deaths']:,}人"
        )
        if load is not None:
            for r in load.rejects.all()[:MAX_REJECT_LINES]:
                self.stderr.write(f"{r.source}第{r.line}行：{r.reason}")
            if load.rejected > MAX_REJECT_LINES:
                self.stderr.write(f"……另有{load.rejected - MAX_REJECT_LINES}行拒收，见人口库装载记录")
