"""`minzheng exchange import DIR`: import one monthly data-exchange snapshot folder (YYYY-MM).

Policy (services.snapshot_import): bad rows are left out and reported, the snapshot is still accepted
(exit code 0); a structurally unusable snapshot is rejected as a whole and nothing is stored (exit code
2, reasons on stderr). Importing the same manifest again changes nothing ("已导入", exit code 0)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minzheng.accounts.system import system_actor
from minzheng.exchange.contract import SOURCES
from minzheng.exchange.services import POLICY_TEXT, SnapshotBusyError, snapshot_import

MAX_REJECT_LINES = 50


class Command(BaseCommand):
    help = "导入一个月度数据交换快照目录（YYYY-MM，含manifest.json）。" + POLICY_TEXT

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="快照目录，目录名为月份 YYYY-MM")
        parser.add_argument("--user", default=None, help="记为导入人的用户名（默认记为命令行操作系统用户）")

    def handle(self, *args: Any, **options: Any) -> None:
        actor: Any = system_actor(purpose=f"命令行导入快照（{getpass.getuser()}）")
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户{options['user']}不存在")
        try:
            result = snapshot_import(actor=actor, source_dir=Path(options["directory"]))
        except SnapshotBusyError as e:
            raise CommandError(str(e)) from e

        w = self.stdout.write
        w(POLICY_TEXT)
        if result.recovered:
            w(f"已清理上次中断的导入留下的临时目录{len(result.recovered)}个")
        w(f"快照 {result.month or '?'}，清单sha256 {result.manifest_sha256 or '（无）'}")
        for warning in result.warnings:
            w(f"提示：{warning}")
        if result.status == "rejected":
            for error in result.errors:
                self.stderr.write(f"拒收原因：{error}")
            raise CommandError(result.message, returncode=2)
        w(result.message)
        if result.status == "already":
            return
        w(f"{'数据源':<14}{'提供部门':<10}{'原文件':<22}{'接收行数':>12}{'拒收行数':>10}")
        for s in result.sources:
            w(f"{s.source:<14}{s.department:<10}{s.file:<22}{s.rows:>14,}{s.rejected:>12,}")
        if result.missing:
            w("本月未交付的数据源：" + "、".join(f"{m}（{SOURCES[m].department}）" for m in result.missing))
        else:
            w("全部17项数据源均已交付")
        if result.rejected_rows:
            w(f"拒收行（共{result.rejected_rows:,}行，以下最多显示{MAX_REJECT_LINES}行）：")
            for r in result.rejects_preview[:MAX_REJECT_LINES]:
                w(f"  {r['file']} 第{r['line']}行 {r['id_number']}：{r['reason']}")
            if result.rejected_rows > MAX_REJECT_LINES:
                w(f"  ……其余{result.rejected_rows - MAX_REJECT_LINES:,}行见拒收报告")
        w(f"拒收报告：{result.rejects_file}")
        w(f"用时 {result.seconds:.1f} 秒")
