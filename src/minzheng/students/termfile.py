"""Reading the education source's per-term file (CSV or Excel): the file checked by its content, its
columns found by their Chinese names, each data row as text. Pure reading, no database: the service
decides what a row means. A file that cannot be read raises a Chinese ValidationError."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from minzheng.core import uploads

from .models import TermFinding

MAX_BYTES = 5 * uploads.MB
MAX_ROWS = 5000
# The columns the file must have, by the names the education bureau uses (first name = the one we show).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "school": ("学校", "就读学校", "学校名称", "院校名称"),
    "term": ("学期",),
    "status": ("学籍状态", "在读状态", "在籍状态"),
}
# The enrolment statuses of the file, read as this term's finding.
STATUS_WORDS: dict[str, str] = {
    "在读": TermFinding.STUDYING,
    "在校": TermFinding.STUDYING,
    "在籍": TermFinding.STUDYING,
    "注册": TermFinding.STUDYING,
    "已注册": TermFinding.STUDYING,
    "休学": TermFinding.SUSPENDED,
    "保留学籍": TermFinding.SUSPENDED,
    "毕业": TermFinding.GRADUATED,
    "已毕业": TermFinding.GRADUATED,
    "结业": TermFinding.GRADUATED,
    "退学": TermFinding.LEFT,
    "已退学": TermFinding.LEFT,
    "离校": TermFinding.LEFT,
    "肄业": TermFinding.LEFT,
    "开除学籍": TermFinding.LEFT,
    "注销学籍": TermFinding.LEFT,
}
_TERM = re.compile(r"^(\d{4})\s*[-—–~至/]\s*(\d{4})\s*(?:学年)?\s*[-—–]?\s*(.*)$")
_AUTUMN = ("1", "第1学期", "第一学期", "秋季学期", "秋季", "上学期", "秋")
_SPRING = ("2", "第2学期", "第二学期", "春季学期", "春季", "下学期", "春")


@dataclass(frozen=True)
class FileRow:
    line: int  # the row's number as the officer sees it in the file (header = 1)
    id_number: str
    school: str
    term: str
    status: str
    problem: str = ""  # set when the row cannot be read at all (a formula, an ID typed as a number)


def parse_term(text: str) -> tuple[int, int] | None:
    """ "2026-2027-1", "2026—2027学年第一学期", "2026-2027学年秋季学期" → (2026, 1); None if unreadable."""
    m = _TERM.match(text.strip())
    if m is None:
        return None
    first, second, rest = int(m[1]), int(m[2]), m[3].strip()
    if second != first + 1:
        return None
    if rest in _AUTUMN:
        return first, 1
    if rest in _SPRING:
        return first, 2
    return None


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().replace(" ", "") for h in header]
    found: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[field] = i
                break
    missing = [COLUMNS[f][0] for f in COLUMNS if f not in found]
    if missing:
        raise ValidationError(
            "文件第1行应为表头，缺少列：{}（须有身份证号、学校、学期、学籍状态）".format("、".join(missing))
        )
    return found


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("无法识别CSV文件的编码，请另存为UTF-8或GBK编码的CSV")


def _csv_rows(data: bytes) -> list[tuple[int, list[tuple[str, bool]]]]:
    if b"\x00" in data:
        raise ValidationError("只能上传CSV或Excel（.xlsx）文件（按文件内容识别，改扩展名无效）")
    try:
        lines = list(csv.reader(io.StringIO(_decode(data), newline="")))
    except csv.Error as e:
        raise ValidationError("CSV文件格式有误，无法读取") from e
    return [(n, [(c, False) for c in row]) for n, row in enumerate(lines, start=1)]


def _xlsx_rows(data: bytes) -> list[tuple[int, list[tuple[str, bool]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        ws = wb.worksheets[0]
        rows: list[tuple[int, list[tuple[str, bool]]]] = []
        for n, row in enumerate(ws.iter_rows(), start=1):
            if n > MAX_ROWS + 1:
                raise ValidationError(f"一次最多导入{MAX_ROWS}行")
            # A formula is never evaluated nor stored: its row is refused. A number typed into the ID
            # column has lost its last digits in Excel: refused as well (marked by the flag).
            rows.append(
                (
                    n,
                    [
                        ("=公式" if c.data_type == "f" else _text(c.value), isinstance(c.value, int | float))
                        for c in row
                    ],
                )
            )
        wb.close()
    except ValidationError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError("无法读取文件，请上传CSV或Excel（.xlsx）文件") from e
    return rows


def read_term_file(upload: UploadedFile) -> tuple[str, list[FileRow]]:
    """("csv" | "xlsx", the data rows). Refused (nothing read): empty, over 5 MB, neither CSV nor Excel
    by content, unreadable, no header with the four columns, no data row, more than 5,000 rows."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError("文件为空")
    if size > MAX_BYTES:
        raise ValidationError(f"文件不能超过{MAX_BYTES // uploads.MB}MB")
    name = (upload.name or "").lower()
    upload.seek(0)
    data = upload.read()
    if uploads.real_kind(upload, (uploads.XLSX,)) is not None and name.endswith(".xlsx"):
        kind, raw = "xlsx", _xlsx_rows(data)
    elif name.endswith(".csv") and not data.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        kind, raw = "csv", _csv_rows(data)
    else:
        raise ValidationError("只能上传CSV或Excel（.xlsx）文件（按文件内容识别，改扩展名无效）")
    raw = [(n, cells) for n, cells in raw if any(v for v, _ in cells)]
    if not raw:
        raise ValidationError("文件中没有内容")
    header = raw[0][1]
    cols = _columns([v for v, _ in header])
    body = raw[1:]
    if not body:
        raise ValidationError("文件中没有数据行（第1行为表头：身份证号、学校、学期、学籍状态）")
    if len(body) > MAX_ROWS:
        raise ValidationError(f"一次最多导入{MAX_ROWS}行")
    rows: list[FileRow] = []
    for n, cells in body:
        padded = cells + [("", False)] * (max(cols.values()) + 1 - len(cells))
        got = {field: padded[i] for field, i in cols.items()}
        problem = ""
        formulas = [COLUMNS[f][0] for f, (v, _) in got.items() if v == "=公式"]
        if formulas:
            problem = "{}为公式，不予导入".format("、".join(formulas))
        elif got["id_number"][1]:
            problem = "身份证号为数字格式（Excel会丢失末位），请将该列设为文本后重新导出"
        rows.append(
            FileRow(
                line=n,
                id_number="" if problem else got["id_number"][0].upper(),
                school=got["school"][0] if not problem else "",
                term=got["term"][0],
                status=got["status"][0],
                problem=problem,
            )
        )
    return kind, rows
