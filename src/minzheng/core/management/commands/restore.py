from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minzheng.core.backup import backup_restore


class Command(BaseCommand):
    help = "从备份目录恢复数据库和数据文件（请先停止服务）：minzheng restore DIR"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(source=Path(options["source"]))
        except (ValueError, RuntimeError, FileNotFoundError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"恢复完成：备份时间 {manifest['created']}")
