from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from minzheng.assistance.assess import assess
from minzheng.policy.models import PolicyParameter
from minzheng.policy.services import policy_load_fixture
from minzheng.regions.models import Region
from minzheng.regions.services import regions_load


def ensure_reference_data() -> None:
    """The region tree and policy tables, created on first use so that `minzheng assess` works on a fresh
    checkout without a separate set-up step."""
    if PolicyParameter._meta.db_table not in connection.introspection.table_names():
        # only the tables a trial reads (and what they depend on): the whole house's migrations take ~40 s
        for app in ("regions", "policy"):
            call_command("migrate", app, verbosity=0, interactive=False, stdout=io.StringIO())
    if not Region.objects.exists():
        regions_load()
    if not PolicyParameter.objects.exists():
        policy_load_fixture()


class Command(BaseCommand):
    help = "救助试算：minzheng assess CASE.json（- 表示标准输入），输出一个JSON对象"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case", help="案例JSON文件路径，- 表示标准输入")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["case"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self._fail(f"无法读取案例文件{path}：{e.__class__.__name__}")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            self._fail(f"案例文件不是有效的JSON（第{e.lineno}行第{e.colno}列）")
        ensure_reference_data()
        try:
            result = assess(data)
        except ValidationError as e:
            self._fail("；".join(e.messages))
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")

    def _fail(self, message: str) -> None:
        sys.stderr.write(f"错误：{message}\n")
        raise SystemExit(2)
