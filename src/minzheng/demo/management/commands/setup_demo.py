from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from minzheng.accounts.system import system_actor
from minzheng.benefits.importers import enrolments_import
from minzheng.demo.lines import seed_lines
from minzheng.demo.payees import demo_payee_accounts_create
from minzheng.demo.synth import generate_city
from minzheng.demo.users import demo_users_create
from minzheng.exchange.services import snapshot_import
from minzheng.monitoring.services import screening_run
from minzheng.people.importers import people_import_snapshot
from minzheng.people.models import Person
from minzheng.people.services import population_refresh
from minzheng.policy.services import policy_load_fixture
from minzheng.regions.services import regions_load


def _previous_month(today: dt.date) -> str:
    first = today.replace(day=1)
    return f"{first - dt.timedelta(days=1):%Y-%m}"


class Command(BaseCommand):
    help = "初始化演示环境：区划、政策参数、演示账号、演示城市（已有的数据保留不动）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"行政区划：新增 {regions_load()} 条")
        self.stdout.write(f"政策参数：新增 {policy_load_fixture()} 条")
        fresh = not Person.objects.exists()
        if fresh:
            self._load_city(options)
        else:
            self.stdout.write(f"演示城市已载入（{Person.objects.count()} 人），跳过")
        created = demo_users_create()
        if created:
            self.stdout.write("演示账号（密码只显示这一次，请妥善保存）：")
            for username, password, label, region in created:
                self.stdout.write(f"  {label:<10} 用户名 {username:<12} 密码 {password}   {region}")
        else:
            self.stdout.write("演示账号已存在（密码见首次运行时的输出；可用 minzheng changepassword 重置）")
        if fresh:  # the lines' demo data, once, on the city just loaded and with its accounts
            for line in seed_lines(actor=system_actor(purpose="初始化演示环境"), seed=options["seed"]):
                self.stdout.write(line)
        # The figures the home page and the person list read (人口月度汇总), after every load.
        rows = population_refresh(actor=system_actor(purpose="人口月度汇总"))
        self.stdout.write(f"人口月度汇总：{rows} 个区划")

    def _load_city(self, options: dict[str, Any]) -> None:
        # The generated departmental files hold ID numbers in clear, as a department delivers them: they
        # live in a private temporary folder only while imported, never in the data directory.
        with tempfile.TemporaryDirectory(prefix="minzheng-demo-") as tmp:
            self._generate_and_import(options, Path(tmp))

    def _generate_and_import(self, options: dict[str, Any], out: Path) -> None:
        month = _previous_month(dt.date.today())  # noqa: DTZ011 - calendar month of the local office
        summary = generate_city(persons=options["persons"], seed=options["seed"], out_dir=out, month=month)
        self.stdout.write(f"已生成演示城市快照：{summary.get('persons', options['persons'])} 人")
        system = system_actor(purpose="初始化演示环境")
        imported = snapshot_import(actor=system, source_dir=out / month)
        self.stdout.write(imported.message)
        result = people_import_snapshot(snapshot=out / month, actor=system)
        self.stdout.write(f"已载入人员 {result['persons']} 人、家庭 {result['households']} 户")
        self.stdout.write(
            f"已载入存量保障对象 {enrolments_import(path=out / 'enrolments.parquet', actor=system)} 条"
        )
        if imported.accepted:
            run = screening_run(actor=system, month=month)
            auto = run.summary.get("automatic", {})
            self.stdout.write(
                f"已完成{month}动态监测：预警 {run.summary.get('alerts', 0)} 条，"
                f"到龄即享 {auto.get('high_age_grant', 0)} 人"
            )
        accounts = demo_payee_accounts_create(seed=options["seed"], actor=system)
        self.stdout.write(f"已为演示领取人登记收款账户 {accounts} 个")
