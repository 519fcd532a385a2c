from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minzheng.core.backup import backup_create


class Command(BaseCommand):
    help = "备份数据库和数据文件（快照、申请材料）到一个空目录：minzheng backup --out DIR"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(out=Path(options["out"]))
        except (ValueError, RuntimeError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"备份完成：{options['out']}（{', '.join(manifest['files'])}）")  # type: ignore[arg-type]
