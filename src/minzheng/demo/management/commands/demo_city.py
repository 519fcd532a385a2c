import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from minzheng.demo.synth import generate_city
from minzheng.exchange.contract import SOURCES

MAX_PERSONS = 20_000_000


def _previous_month() -> str:
    today = timezone.localdate()
    y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{y:04d}-{m:02d}"


class Command(BaseCommand):
    help = (
        "生成济宁市合成人口的月度数据交换快照（17项数据源 + manifest.json）"
        "及在保名单 enrolments.parquet，供演示和性能测试"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Values are parsed here rather than by argparse so that every error message is in Chinese.
        parser.add_argument("--persons", default="10000", help="人口数（默认10000；全市约8300000）")
        parser.add_argument("--seed", default="1", help="随机种子（默认1；同一种子生成完全相同的文件）")
        parser.add_argument("--out", default=None, help="输出目录（必填），快照写入 <目录>/<月份>/")
        parser.add_argument("--month", default=None, help="快照月份 YYYY-MM（默认上一个自然月）")
        parser.add_argument("--format", default="parquet", help="文件格式 parquet 或 csv（默认parquet）")

    def handle(self, *args: Any, **options: Any) -> None:
        raw_persons = str(options["persons"]).replace(",", "").replace("_", "").strip()
        if not raw_persons.isdigit() or not 1 <= int(raw_persons) <= MAX_PERSONS:
            raise CommandError(f"人口数应为1到{MAX_PERSONS}之间的整数，当前为：{options['persons']}")
        raw_seed = str(options["seed"]).strip()
        if not raw_seed.isdigit():
            raise CommandError(f"随机种子应为非负整数，当前为：{options['seed']}")
        if not options["out"]:
            raise CommandError("请用 --out 指定输出目录")
        month = options["month"] or _previous_month()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise CommandError(f"月份格式应为YYYY-MM（如2025-06），当前为：{month}")
        if not 1950 <= int(month[:4]) <= 2100:
            raise CommandError(f"月份超出可生成的范围（1950–2100年）：{month}")
        fmt = str(options["format"]).strip().lower()
        if fmt not in ("parquet", "csv"):
            raise CommandError(f"文件格式只能是 parquet 或 csv，当前为：{options['format']}")
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"输出路径{out}已存在且不是目录")

        try:
            summary = generate_city(
                persons=int(raw_persons), seed=int(raw_seed), out_dir=out, month=month, fmt=fmt
            )
        except (OSError, ValueError) as exc:
            raise CommandError(f"生成失败：{exc}") from exc

        w = self.stdout.write
        w(f"已生成 {month} 数据交换快照：{summary['snapshot_dir']}（{fmt}）")
        w(
            f"人口 {summary['persons']:,} 人，家庭 {summary['households']:,} 户，"
            f"低于低保标准的家庭 {summary['low_income_households']:,} 户"
        )
        w("各数据源行数：")
        for name, rows in summary["rows"].items():
            w(f"  {name:<13} {SOURCES[name].department:<8} {rows:>12,}")
        e = summary["enrolments"]
        w(f"在保名单：{summary['enrolments_file']}")
        w(
            f"  低保 {e['dibao']:,} 人（{summary['dibao_households']:,} 户），特困 {e['tekun']:,} 人，"
            f"高龄津贴 {e['high_age']:,} 人，儿童福利 {e['child']:,} 人"
        )
        w(f"用时 {summary['seconds']:.1f} 秒，内存峰值 {summary['peak_rss_mb']:,.0f} MB")
