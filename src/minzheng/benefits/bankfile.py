"""Rendering of the bank payment file (银行代发文件): CSV with a BOM (opens in Excel as UTF-8) or xlsx,
both through core.spreadsheet (a name typed as a formula stays text). Pure formatting; the rows come from
selectors.payroll_bank_file_rows through the audited services.payroll_bank_file_export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from minzheng.core.spreadsheet import csv_text, xlsx_bytes

BANK_HEADER = [
    "序号",
    "乡镇代码",
    "村(社区)代码",
    "姓名",
    "身份证号",
    "项目",
    "金额（元）",
    "类型",
    "说明",
    "开户行",
    "户名",
    "银行账号",
    "备注",
]
NO_ACCOUNT_NOTE = "未登记收款账户"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

Row = Sequence[str | int]


@dataclass(frozen=True)
class BankFile:
    content: bytes
    content_type: str
    filename: str
    fmt: str
    lines: int
    missing_accounts: int


def render_csv(rows: Sequence[Row]) -> bytes:
    return ("\ufeff" + csv_text(BANK_HEADER, rows)).encode("utf-8")


def render_xlsx(rows: Sequence[Row]) -> bytes:
    return xlsx_bytes(BANK_HEADER, rows, title="代发明细")


def render(rows: Sequence[Row], *, fmt: str, name: str, missing_accounts: int) -> BankFile:
    """`fmt` "xlsx" gives Excel; anything else gives CSV (as the route always did)."""
    if fmt == "xlsx":
        return BankFile(render_xlsx(rows), XLSX_TYPE, f"{name}.xlsx", "xlsx", len(rows), missing_accounts)
    return BankFile(render_csv(rows), CSV_TYPE, f"{name}.csv", "csv", len(rows), missing_accounts)
