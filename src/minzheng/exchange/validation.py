"""Row validation of data-exchange snapshot files (shared/docs/exchange.md), vectorised with pyarrow and
numpy: a file is read in batches, every batch is checked column by column, valid rows go on to the store
and every rejected row is reported with file, line and a Chinese reason.

Line numbers: for CSV the physical line in the file (the header is line 1, the first record line 2); for
Parquet the 1-based record number. No Django here: services.py orchestrates and writes the database.

The columns, their checks and each source's duplicate key come from contract.py; every row of a
duplicated key is rejected (none of them can be preferred over the others).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from minzheng.core.pii import redact

from .contract import SOURCES, Col, Source

Mask = npt.NDArray[np.bool_]
BATCH_ROWS = 262_144
CSV_BLOCK_BYTES = 16 << 20
MIN_DATE = dt.date(1880, 1, 1)  # as core.idnumber: earlier birth dates are not plausible
_EPOCH = dt.date(1970, 1, 1)

REJECT_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("id_number", pa.string()),  # masked: first 6 and last 4 characters only
        ("reason", pa.string()),
    ]
)


class StructuralError(Exception):
    """A file that cannot be used at all (unreadable, missing columns, wrong column type, wrong row
    count): the whole snapshot is rejected."""


# Validation reads each source's columns and key from the contract; it rejects a blank value, so every
# snapshot column must be a required one.
SPECS: dict[str, Source] = SOURCES
assert all(c.required for s in SOURCES.values() for c in s.columns)  # noqa: S101


def target_schema(source: str) -> pa.Schema:
    """The stored schema of a source (contract.py, the exchange.md table)."""
    return SOURCES[source].schema


# ----------------------------------------------------------------------------- context and errors
@dataclass(frozen=True)
class Context:
    month: str  # YYYY-MM of the snapshot

    @property
    def year(self) -> int:
        return int(self.month[:4])

    @property
    def month_end_days(self) -> int:
        """Days since 1970-01-01 of the month's last day."""
        m = np.datetime64(self.month, "M")
        return int((m + 1).astype("datetime64[D]").astype(np.int64)) - 1


@dataclass
class _Err:
    mask: Mask
    reason: str  # may contain "{v}", replaced by the (truncated) offending value
    values: pa.Array | None = None


@dataclass
class _Parsed:
    array: pa.Array  # target type; values of rejected rows are placeholders (filtered out later)
    errors: list[_Err] = field(default_factory=list)
    birth_days: npt.NDArray[np.int64] | None = None  # id columns: birth date encoded in the number
    male: Mask | None = None  # id columns: sequence digit is odd


def _np_bool(arr: pa.Array | pa.ChunkedArray, null: bool = False) -> Mask:
    return np.asarray(arr.fill_null(null).to_numpy(zero_copy_only=False), dtype=bool)


def _strings(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type):
        return arr
    try:
        return arr.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise StructuralError(f"列类型{arr.type}无法转换") from e


def _blank(arr: pa.Array) -> Mask:
    """Null or empty string."""
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return _np_bool(pc.equal(pc.binary_length(arr), 0), null=True)
    return _np_bool(arr.is_null())


def _fixed(arr: pa.Array, width: int) -> tuple[npt.NDArray[np.uint8], Mask]:
    """(n, width) byte matrix of the strings that are exactly `width` bytes (others zero-filled), and the
    mask of those rows; no per-row Python."""
    n = len(arr)
    ok = _np_bool(pc.equal(pc.binary_length(arr), width))
    if n == 0:
        return np.zeros((0, width), np.uint8), ok
    filled = pc.if_else(pa.array(ok), arr, pa.scalar("0" * width))
    offsets = np.frombuffer(filled.buffers()[1], np.int32)[filled.offset : filled.offset + n + 1]
    data = np.frombuffer(filled.buffers()[2], np.uint8)
    start = int(offsets[0])
    if int(offsets[-1]) - start != n * width:  # cannot happen: every value is width bytes now
        raise RuntimeError("unexpected string layout")
    return data[start : start + n * width].reshape(n, width), ok


def _num(d: npt.NDArray[np.int16], a: int, b: int) -> npt.NDArray[np.int64]:
    """Decimal number from digit columns a..b-1 of a digit matrix."""
    w = 10 ** np.arange(b - a - 1, -1, -1, dtype=np.int64)
    return np.asarray(d[:, a:b].astype(np.int64) @ w)


def _ymd_to_days(
    y: npt.NDArray[np.int64], m: npt.NDArray[np.int64], d: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], Mask]:
    """Days since 1970-01-01 and whether (y, m, d) is a real calendar date."""
    valid = (m >= 1) & (m <= 12) & (d >= 1) & (y >= 1)
    mm = np.clip(m, 1, 12)
    months = ((y - 1970) * 12 + mm - 1).astype("datetime64[M]")
    first = months.astype("datetime64[D]").astype(np.int64)
    dim = (months + 1).astype("datetime64[D]").astype(np.int64) - first
    valid &= d <= dim
    return first + np.where(valid, d - 1, 0), valid


def _min_days() -> int:
    return (MIN_DATE - _EPOCH).days


# ----------------------------------------------------------------------------- column parsers
def _parse_id(arr: pa.Array, col: Col, ctx: Context) -> _Parsed:
    """GB 11643: 17 digits + check char (ISO 7064 MOD 11-2), birth date at 7–14; same order of checks as
    core.idnumber.parse_id_number, vectorised. Lower-case x is accepted and stored upper-case."""
    s = pc.ascii_upper(_strings(arr))
    mat, ok_len = _fixed(s, 18)
    d = mat.astype(np.int16) - 48
    is_digit = (d >= 0) & (d <= 9)
    chars_ok = ok_len & is_digit[:, :17].all(axis=1) & (is_digit[:, 17] | (mat[:, 17] == ord("X")))
    dz = np.where(is_digit, d, 0)
    birth, date_ok = _ymd_to_days(_num(dz, 6, 10), _num(dz, 10, 12), _num(dz, 12, 14))
    date_ok &= chars_ok
    plausible = date_ok & (birth >= _min_days()) & (birth <= ctx.month_end_days)
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
    expected = np.frombuffer(b"10X98765432", np.uint8)[(dz[:, :17].astype(np.int64) @ weights) % 11]
    check_ok = plausible & (expected == mat[:, 17])
    blank = _blank(s)
    errors = [
        _Err(blank, f"{col.label}为空"),
        _Err(~blank & ~ok_len, f"{col.label}应为18位"),
        _Err(ok_len & ~chars_ok, f"{col.label}只能由数字组成，最后一位可以是X"),
        _Err(chars_ok & ~date_ok, f"{col.label}中的出生日期不是有效日期"),
        _Err(date_ok & ~plausible, f"{col.label}中的出生日期不合理"),
        _Err(plausible & ~check_ok, f"{col.label}校验位错误"),
    ]
    return _Parsed(s, errors, birth_days=birth, male=(dz[:, 16] % 2 == 1))


def _parse_date(arr: pa.Array, col: Col, ctx: Context) -> _Parsed:
    """ISO YYYY-MM-DD (exchange.md), a real calendar date, not before 1880 and (except end dates) not after
    the snapshot month."""
    errors: list[_Err] = []
    if pa.types.is_date32(arr.type) or pa.types.is_date64(arr.type) or pa.types.is_timestamp(arr.type):
        days = np.asarray(
            pc.cast(arr, pa.date32(), safe=False)
            .cast(pa.int32())
            .fill_null(0)
            .to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
        missing = _np_bool(arr.is_null())
        valid = ~missing
        errors.append(_Err(missing, f"{col.label}为空"))
    else:
        s = _strings(arr)
        mat, ok_len = _fixed(s, 10)
        d = mat.astype(np.int16) - 48
        digit_pos = [0, 1, 2, 3, 5, 6, 8, 9]
        shape_ok = (
            ok_len
            & ((d[:, digit_pos] >= 0) & (d[:, digit_pos] <= 9)).all(axis=1)
            & (mat[:, 4] == ord("-"))
            & (mat[:, 7] == ord("-"))
        )
        dz = np.where((d >= 0) & (d <= 9), d, 0)
        days, real = _ymd_to_days(_num(dz, 0, 4), _num(dz, 5, 7), _num(dz, 8, 10))
        blank = _blank(s)
        valid = shape_ok & real
        errors.append(_Err(blank, f"{col.label}为空"))
        errors.append(
            _Err(
                ~blank & ~valid,
                f"{col.label}不是有效日期（应为YYYY-MM-DD）：{{v}}",
                pc.utf8_slice_codeunits(s, 0, 20),
            )
        )
    early = valid & (days < _min_days())
    errors.append(_Err(early, f"{col.label}早于1880年"))
    if col.not_after_month:
        errors.append(_Err(valid & (days > ctx.month_end_days), f"{col.label}晚于快照月份{ctx.month}"))
    out = pa.array(np.where(valid, days, 0).astype(np.int32), pa.int32()).cast(pa.date32())
    return _Parsed(out, errors)


_INT_RE = r"^[+-]?[0-9]{1,15}(\.0{1,2})?$"  # integer yuan; "12.00" is accepted as 12
_DEC_RE = r"^[+-]?[0-9]{1,13}(\.[0-9]{1,2})?$"  # yuan with at most 2 decimals
_NUM_RE = r"^[+-]?[0-9]{1,12}(\.[0-9]{1,6})?$"


def _parse_amount(arr: pa.Array, col: Col, target: pa.DataType) -> _Parsed:
    """Money is yuan, integer or 2-decimal (exchange.md); a column the store keeps as int64 takes whole
    yuan only. Negative money is rejected. `number` columns (area) take up to 6 decimals."""
    errors: list[_Err] = []
    integral = pa.types.is_integer(target)
    if pa.types.is_integer(arr.type) or (pa.types.is_floating(arr.type) and not integral):
        values = arr.cast(target)
        missing = _np_bool(arr.is_null())
        valid = ~missing
        errors.append(_Err(missing, f"{col.label}为空"))
        if pa.types.is_floating(target):
            x = np.asarray(values.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.float64)
            finite = np.isfinite(x)
            errors.append(_Err(valid & ~finite, f"{col.label}不是有效数值"))
            valid &= finite
            if col.kind == "money":
                cents = np.abs(x * 100 - np.round(x * 100)) > 1e-6 * np.maximum(1.0, np.abs(x))
                errors.append(_Err(valid & cents, f"{col.label}最多保留两位小数"))
                valid &= ~cents
    else:
        s = pc.utf8_trim_whitespace(_strings(arr))
        blank = _blank(s)
        errors.append(_Err(blank, f"{col.label}为空"))
        shown = pc.utf8_slice_codeunits(s, 0, 20)
        if integral:
            number = _np_bool(pc.match_substring_regex(s, _DEC_RE))
            whole = _np_bool(pc.match_substring_regex(s, _INT_RE))
            errors.append(_Err(~blank & ~number, f"{col.label}不是有效金额：{{v}}", shown))
            errors.append(_Err(number & ~whole, f"{col.label}应为整数元：{{v}}", shown))
            valid = whole
            cleaned = pc.replace_substring_regex(pc.if_else(pa.array(valid), s, "0"), r"\.0+$", "")
        else:
            pattern = _DEC_RE if col.kind == "money" else _NUM_RE
            valid = _np_bool(pc.match_substring_regex(s, pattern))
            what = "有效金额（最多两位小数）" if col.kind == "money" else "有效数值"
            errors.append(_Err(~blank & ~valid, f"{col.label}不是{what}：{{v}}", shown))
            cleaned = pc.if_else(pa.array(valid), s, "0")
        values = pc.cast(cleaned, target)
    negative = valid & _np_bool(pc.less(values, 0))
    errors.append(_Err(negative, f"{col.label}为负数"))
    return _Parsed(values, errors)


def _parse_int(arr: pa.Array, col: Col, target: pa.DataType, ctx: Context) -> _Parsed:
    hi = ctx.year if col.hi is None else col.hi
    if pa.types.is_integer(arr.type):
        values = arr.cast(pa.int64())
        blank = _np_bool(arr.is_null())
        number = ~blank
        errors = [_Err(blank, f"{col.label}为空")]
    else:
        s = pc.utf8_trim_whitespace(_strings(arr))
        blank = _blank(s)
        number = _np_bool(pc.match_substring_regex(s, r"^[+-]?[0-9]{1,9}$"))
        errors = [
            _Err(blank, f"{col.label}为空"),
            _Err(~blank & ~number, f"{col.label}应为整数：{{v}}", pc.utf8_slice_codeunits(s, 0, 20)),
        ]
        values = pc.cast(pc.if_else(pa.array(number), s, "0"), pa.int64())
    x = np.asarray(values.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    in_range = number & (x >= col.lo) & (x <= hi)
    errors.append(
        _Err(number & ~in_range, f"{col.label}应在{col.lo}–{hi}之间：{{v}}", values.cast(pa.string()))
    )
    return _Parsed(pa.array(np.where(in_range, x, 0)).cast(target), errors)


def _parse_text(arr: pa.Array, col: Col, ctx: Context) -> _Parsed:
    s = _strings(arr)
    blank = _blank(s)
    errors = [_Err(blank, f"{col.label}为空")]
    if col.kind == "enum":
        known = _np_bool(pc.is_in(s, value_set=pa.array(list(col.values), pa.string())))
        allowed = "/".join(col.values)
        shown = pc.utf8_slice_codeunits(s, 0, 20)
        errors.append(_Err(~blank & ~known, f"{col.label}取值“{{v}}”无效（应为{allowed}）", shown))
    elif col.kind == "digits":
        mat, ok_len = _fixed(s, col.width)
        ok = ok_len & ((mat >= ord("0")) & (mat <= ord("9"))).all(axis=1)
        errors.append(_Err(~blank & ~ok, f"{col.label}应为{col.width}位数字"))
    elif col.kind == "month":
        mat, ok_len = _fixed(s, 7)
        d = mat.astype(np.int16) - 48
        pos = [0, 1, 2, 3, 5, 6]
        shape = ok_len & ((d[:, pos] >= 0) & (d[:, pos] <= 9)).all(axis=1) & (mat[:, 4] == ord("-"))
        mm = np.where(shape, d[:, 5] * 10 + d[:, 6], 0)
        ok = shape & (mm >= 1) & (mm <= 12)
        shown = pc.utf8_slice_codeunits(s, 0, 20)
        errors.append(_Err(~blank & ~ok, f"{col.label}应为YYYY-MM：{{v}}", shown))
        late = ok & _np_bool(pc.greater(s, ctx.month))
        errors.append(_Err(late, f"{col.label}晚于快照月份{ctx.month}"))
    return _Parsed(s, errors)


def _parse_bool(arr: pa.Array, col: Col) -> _Parsed:
    if pa.types.is_boolean(arr.type):
        blank = _np_bool(arr.is_null())
        return _Parsed(arr, [_Err(blank, f"{col.label}为空")])
    s = pc.utf8_lower(pc.utf8_trim_whitespace(_strings(arr)))
    blank = _blank(s)
    true = _np_bool(pc.is_in(s, value_set=pa.array(["true", "1"])))
    false = _np_bool(pc.is_in(s, value_set=pa.array(["false", "0"])))
    shown = pc.utf8_slice_codeunits(s, 0, 20)
    errors = [
        _Err(blank, f"{col.label}为空"),
        _Err(~blank & ~true & ~false, f"{col.label}应为true或false：{{v}}", shown),
    ]
    return _Parsed(pa.array(true), errors)


def _parse(arr: pa.Array, col: Col, target: pa.DataType, ctx: Context) -> _Parsed:
    if col.kind == "id":
        return _parse_id(arr, col, ctx)
    if col.kind == "date":
        return _parse_date(arr, col, ctx)
    if col.kind in ("money", "number"):
        return _parse_amount(arr, col, target)
    if col.kind == "int":
        return _parse_int(arr, col, target, ctx)
    if col.kind == "bool":
        return _parse_bool(arr, col)
    return _parse_text(arr, col, ctx)


# ----------------------------------------------------------------------------- batches
def _days(arr: pa.Array) -> npt.NDArray[np.int64]:
    return np.asarray(arr.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _row_checks(source: str, parsed: dict[str, _Parsed], ok: dict[str, Mask]) -> list[_Err]:
    """Consistency within one row (the parsed values are only trusted where `ok`)."""
    pid = parsed["id_number"]
    assert pid.birth_days is not None and pid.male is not None  # noqa: S101
    errors: list[_Err] = []
    if source == "persons":
        both = ok["id_number"] & ok["birth_date"]
        errors.append(
            _Err(both & (_days(parsed["birth_date"].array) != pid.birth_days), "出生日期与身份证号不一致")
        )
        sex_m = _np_bool(pc.equal(parsed["sex"].array, "M"))
        errors.append(_Err(ok["id_number"] & ok["sex"] & (sex_m != pid.male), "性别与身份证号不一致"))
    elif source == "deaths":
        both = ok["id_number"] & ok["death_date"]
        errors.append(
            _Err(both & (_days(parsed["death_date"].array) < pid.birth_days), "死亡日期早于出生日期")
        )
    elif source == "unemployment":
        both = ok["start_date"] & ok["end_date"]
        start, end = _days(parsed["start_date"].array), _days(parsed["end_date"].array)
        errors.append(_Err(both & (end < start), "结束日期早于开始日期"))
    elif source == "marriages":
        both = ok["id_number"] & ok["spouse_id_number"]
        same = _np_bool(pc.equal(pid.array, parsed["spouse_id_number"].array))
        errors.append(_Err(both & same, "配偶身份证号与本人相同"))
    return errors


def mask_ids(ids: pa.Array) -> pa.Array:
    """First 6 and last 4 characters (core.masking.mask_id_number), vectorised; short values all stars."""
    s = _strings(ids).fill_null("")
    n = pc.utf8_length(s)
    masked = pc.utf8_replace_slice(s, start=6, stop=-4, replacement="********")
    return pc.if_else(pc.less(n, 10), pc.binary_repeat("*", n), masked)


def _redacted(values: pa.Array) -> pa.Array:
    """Echoed values with ID and bank-card numbers masked (core.pii.redact); only values holding a run of
    13+ digits can hold one, so the Python call is made for those alone."""
    values = _strings(values)
    suspect = np.asarray(
        pc.match_substring_regex(values, r"[0-9]{13}").fill_null(False).to_numpy(zero_copy_only=False), bool
    )
    if not suspect.any():
        return values
    texts = values.to_pylist()
    for i in np.flatnonzero(suspect):
        texts[i] = redact(texts[i])
    return pa.array(texts, pa.string())


def _reasons(errors: list[_Err], idx: npt.NDArray[np.int64]) -> pa.Array:
    """Every reason of each rejected row (rows `idx`), joined by "；" — vectorised over rows."""
    parts: list[pa.Array] = []
    take = pa.array(idx)
    for e in errors:
        m = e.mask[idx]
        if not m.any():
            continue
        if e.values is not None and "{v}" in e.reason:
            before, after = e.reason.split("{v}", 1)
            vals = _redacted(e.values.take(take).fill_null(""))
            text = pc.binary_join_element_wise(before, vals, after + "；", "")
        else:
            text = pa.scalar(e.reason + "；", pa.string())
        parts.append(pc.if_else(pa.array(m), text, ""))
    joined = pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]
    return pc.utf8_rtrim(joined, characters="；")


@dataclass
class BatchResult:
    valid: pa.Table  # target schema + _line
    rejects: pa.Table  # REJECT_SCHEMA


def validate_batch(
    batch: pa.RecordBatch, source: str, file: str, lines: npt.NDArray[np.int64], ctx: Context
) -> BatchResult:
    spec = SPECS[source]
    schema = target_schema(source)
    parsed: dict[str, _Parsed] = {}
    ok: dict[str, Mask] = {}
    errors: list[_Err] = []
    for col in spec.columns:
        p = _parse(batch.column(col.name), col, schema.field(col.name).type, ctx)
        parsed[col.name] = p
        bad = np.zeros(batch.num_rows, bool)
        for e in p.errors:
            bad |= e.mask
        ok[col.name] = ~bad
        errors.extend(p.errors)
    errors.extend(_row_checks(source, parsed, ok))
    bad = np.zeros(batch.num_rows, bool)
    for e in errors:
        bad |= e.mask
    good = pa.array(~bad)
    arrays = [parsed[c.name].array.cast(schema.field(c.name).type) for c in spec.columns]
    valid = pa.Table.from_arrays(
        [*arrays, pa.array(lines, pa.int64())], schema=schema.append(pa.field("_line", pa.int64()))
    )
    valid = valid.filter(good) if bad.any() else valid
    idx = np.flatnonzero(bad)
    if len(idx):
        take = pa.array(idx)
        rejects = pa.table(
            {
                "source": pa.array([source] * len(idx), pa.string()),
                "file": pa.array([file] * len(idx), pa.string()),
                "line": pa.array(lines[idx], pa.int64()),
                "id_number": mask_ids(batch.column("id_number").take(take)),
                "reason": _reasons(errors, idx),
            },
            schema=REJECT_SCHEMA,
        )
    else:
        rejects = REJECT_SCHEMA.empty_table()
    return BatchResult(valid, rejects)


# ----------------------------------------------------------------------------- readers
@dataclass
class FileCounts:
    rows: int = 0  # data rows in the file (what manifest "rows" counts)
    blank_lines: int = 0  # CSV lines with every field empty: neither counted nor rejected


def csv_header(path: Path) -> list[str]:
    """Column names of a CSV file (UTF-8, optional BOM)."""
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as f:
            row = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise StructuralError(f"无法读取表头（{e.__class__.__name__}）") from e
    return row


def parquet_columns(path: Path) -> tuple[list[str], int]:
    try:
        meta = pq.ParquetFile(str(path)).metadata
    except (OSError, pa.ArrowException) as e:
        raise StructuralError(f"不是有效的Parquet文件（{e}）") from e
    return list(meta.schema.to_arrow_schema().names), int(meta.num_rows)


def read_batches(
    path: Path, source: str, counts: FileCounts, on_invalid_row: Callable[[int, str, str], None]
) -> Iterator[tuple[pa.RecordBatch, npt.NDArray[np.int64]]]:
    """Yields (batch of the source's columns, line number of each row). CSV columns are read as text
    and typed by the validators, so a wrong value rejects one row, not the file. CSV lines with the
    wrong number of fields go to `on_invalid_row(line, id_field, reason)` and count as rows."""
    names = target_schema(source).names
    if path.suffix == ".parquet":
        try:
            pf = pq.ParquetFile(str(path))
            start = 0
            for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=names):
                n = batch.num_rows
                counts.rows += n
                yield batch, np.arange(start + 1, start + n + 1, dtype=np.int64)
                start += n
        except (OSError, pa.ArrowException) as e:
            raise StructuralError(f"读取失败（{e}）") from e
        return

    header = csv_header(path)
    id_pos = header.index("id_number") if "id_number" in header else -1
    skipped: list[int] = []  # physical lines handed to on_invalid_row (always increasing)

    def handler(row: Any) -> str:
        line = int(row.number) if row.number is not None else -1
        fields = next(csv.reader([row.text]), []) if row.text else []
        id_field = fields[id_pos] if 0 <= id_pos < len(fields) else ""
        on_invalid_row(line, id_field, f"列数不符：应为{row.expected_columns}列，实际{row.actual_columns}列")
        skipped.append(line)
        counts.rows += 1
        return "skip"

    try:
        reader = pacsv.open_csv(
            str(path),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=CSV_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(invalid_row_handler=handler, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                include_columns=names,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        record = 0
        for batch in reader:
            n = batch.num_rows
            k = np.arange(record, record + n, dtype=np.int64)
            record += n
            # record k sits on line k + 2 + (invalid lines before it); see the handler above
            s = np.asarray(skipped, dtype=np.int64)
            adj = s - 2 - np.arange(len(s), dtype=np.int64)
            lines = k + 2 + np.searchsorted(adj, k, side="right")
            empty = np.ones(n, bool)
            for name in names:
                empty &= _np_bool(pc.equal(pc.binary_length(batch.column(name)), 0), null=True)
            if empty.any():
                counts.blank_lines += int(empty.sum())
                keep = pa.array(~empty)
                batch = batch.filter(keep)
                lines = lines[~empty]
            counts.rows += batch.num_rows
            yield batch, lines
    except (OSError, pa.ArrowException) as e:
        raise StructuralError(f"读取失败（{e}）") from e
