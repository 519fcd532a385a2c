"""The row rules of a registry snapshot, array-wise (Arrow and numpy) over a batch as it streams in: for
each row the reason of the first rule it breaks, or None. The same rules and messages as the desk's
(core.idnumber.parse_id_number for GB 11643 IDs). Only a rejected row's message is built one by one; the
rules themselves never loop over rows. What needs the registry (a death of a person it lacks, repeats
across the whole file) stays in SQL (people/bulk.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), np.int64)
CHECK = np.frombuffer(b"10X98765432", np.uint8)
MONTH_DAYS = np.array((0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), np.int64)
ID_PATTERN = r"^[0-9]{17}[0-9X]$"

Message = Callable[[int], str]  # row index → the Chinese reason


def _valid_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = MONTH_DAYS[np.clip(m, 0, 12)] + ((m == 2) & leap)
    return (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= days)  # year 0 is no date (datetime.MINYEAR)


def _digits(values: pa.Array, rows: np.ndarray, width: int) -> np.ndarray:
    """The ASCII bytes of `rows` of a string array whose values there are all `width` characters long,
    as an (n, width) uint8 matrix (no Python string per row)."""
    picked = pc.cast(values.take(pa.array(rows, pa.int64())), pa.string())
    if len(picked) == 0:
        return np.empty((0, width), np.uint8)
    _, offsets, data = picked.buffers()
    start = int(np.frombuffer(offsets, np.int32)[picked.offset])
    return np.frombuffer(data, np.uint8)[start : start + width * len(picked)].reshape(len(picked), width)


class Reasons:
    """First-broken-rule bookkeeping for one batch: `add` a rule's mask (rows already rejected keep
    their first reason), then `array()` gives the reason column."""

    def __init__(self, n: int) -> None:
        self.rule = np.zeros(n, np.int16)  # 0: valid so far; k: the k-th rule added
        self.messages: list[Message] = []

    def add(self, broken: np.ndarray, message: Message) -> None:
        self.messages.append(message)
        self.rule[(self.rule == 0) & broken] = len(self.messages)

    @property
    def valid(self) -> np.ndarray:
        return self.rule == 0

    def array(self) -> pa.Array:
        out: list[str | None] = [None] * len(self.rule)
        for i in np.flatnonzero(self.rule):
            out[i] = self.messages[self.rule[i] - 1](int(i))[:200]
        return pa.array(out, pa.string())


def id_reasons(ids: pa.Array) -> Reasons:
    """GB 11643: length, characters, the birth date's calendar and its lower bound, the check digit."""
    n = len(ids)
    reasons = Reasons(n)
    text = _LazyText(ids)
    lengths = pc.utf8_length(ids).to_numpy(zero_copy_only=False)
    reasons.add(lengths != 18, lambda i: f"身份证号应为18位，当前为{lengths[i]}位")
    formed = pc.match_substring_regex(ids, ID_PATTERN).to_numpy(zero_copy_only=False)
    reasons.add(~formed, lambda i: "身份证号只能由数字组成，最后一位可以是X")
    rows = np.flatnonzero(formed)
    mat = _digits(ids, rows, 18)
    digits = mat[:, :17].astype(np.int64) - 48
    y = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    m = digits[:, 10] * 10 + digits[:, 11]
    d = digits[:, 12] * 10 + digits[:, 13]

    def at(values: np.ndarray) -> np.ndarray:  # a rule over the well-formed rows, as a mask of all rows
        mask = np.zeros(n, bool)
        mask[rows[values]] = True
        return mask

    reasons.add(at(~_valid_dates(y, m, d)), lambda i: f"身份证号中的出生日期{text[i][6:14]}不是有效日期")
    reasons.add(at(y < 1880), lambda i: f"身份证号中的出生日期{text[i][6:14]}不合理")
    reasons.add(
        at(CHECK[(digits @ WEIGHTS) % 11] != mat[:, 17]), lambda i: "身份证号校验位错误，请核对后重新输入"
    )
    return reasons


class _LazyText:
    """A string column read as Python strings only when a message needs one."""

    def __init__(self, values: pa.Array) -> None:
        self.values = values
        self._list: list[str | None] | None = None

    def __getitem__(self, i: int) -> str:
        if self._list is None:
            self._list = self.values.to_pylist()
        return self._list[i] or ""


def person_reasons(batch: pa.Table, villages: pa.Array, relations: Iterable[str]) -> pa.Array:
    """A persons batch (id_number normalised, other columns as text): the reason per row."""
    ids = batch.column("id_number").combine_chunks()
    reasons = id_reasons(ids)

    def col(name: str) -> pa.Array:
        return batch.column(name).combine_chunks()

    def mask(expr: pa.Array) -> np.ndarray:
        return pc.fill_null(expr, True).to_numpy(zero_copy_only=False)

    name, birth, sex = col("name"), col("birth_date"), col("sex")
    hukou_type, relation, region, household = (
        col("hukou_type"),
        col("relation"),
        col("hukou_region"),
        col("household_no"),
    )
    reasons.add(mask(pc.equal(name, "")), lambda i: "姓名为空")
    derived_birth = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(ids, 6, 10),
        pc.utf8_slice_codeunits(ids, 10, 12),
        pc.utf8_slice_codeunits(ids, 12, 14),
        "-",
    )
    odd = pc.is_in(pc.utf8_slice_codeunits(ids, 16, 17), pa.array(["1", "3", "5", "7", "9"]))
    derived_sex = pc.if_else(odd, "M", "F")
    reasons.add(
        mask(pc.or_(pc.not_equal(birth, derived_birth), pc.not_equal(sex, derived_sex))),
        lambda i: "出生日期或性别与身份证号不一致",
    )
    types = _LazyText(hukou_type)
    reasons.add(
        ~mask(pc.is_in(hukou_type, pa.array(["urban", "rural"]))) | mask(pc.is_null(hukou_type)),
        lambda i: f"户口性质{types[i]}无效（应为urban或rural）",
    )
    rels = _LazyText(relation)
    reasons.add(
        ~mask(pc.is_in(relation, pa.array(list(relations)))),
        lambda i: f"与户主关系{rels[i]}无效",
    )
    regions = _LazyText(region)
    reasons.add(~mask(pc.is_in(region, villages)), lambda i: f"户籍区划{regions[i]}不存在")
    reasons.add(mask(pc.equal(household, "")), lambda i: "户号为空")
    return reasons.array()


def death_reasons(batch: pa.Table) -> pa.Array:
    """A deaths batch: the ID's rules, then a real calendar date (YYYY-MM-DD)."""
    reasons = id_reasons(batch.column("id_number").combine_chunks())
    dates = batch.column("death_date").combine_chunks()
    formed = pc.fill_null(pc.match_substring_regex(dates, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), False).to_numpy(
        zero_copy_only=False
    )
    rows = np.flatnonzero(formed)
    mat = _digits(dates, rows, 10).astype(np.int64) - 48
    ok = np.zeros(len(dates), bool)
    ok[rows] = _valid_dates(
        mat[:, 0] * 1000 + mat[:, 1] * 100 + mat[:, 2] * 10 + mat[:, 3],
        mat[:, 5] * 10 + mat[:, 6],
        mat[:, 8] * 10 + mat[:, 9],
    )
    text = _LazyText(dates)
    reasons.add(~ok, lambda i: f"死亡日期{text[i]}不是有效日期")
    return reasons.array()


def _first_of(keys: pa.Array, lines: pa.Array) -> pa.Table:
    """Rows whose key an earlier row already has: (line, key, first)."""
    rows = pa.table({"key": keys, "line": lines})
    groups = rows.group_by("key").aggregate([("line", "min"), ("line", "count")])
    groups = groups.filter(pc.greater(groups.column("line_count"), 1))
    if groups.num_rows == 0:
        return pa.table(
            {
                "line": pa.array([], pa.int64()),
                "key": pa.array([], pa.string()),
                "first": pa.array([], pa.int64()),
            }
        )
    joined = rows.join(groups.select(["key", "line_min"]), keys="key", join_type="inner")
    later = joined.filter(pc.greater(joined.column("line"), joined.column("line_min")))
    return pa.table(
        {"line": later.column("line"), "key": later.column("key"), "first": later.column("line_min")}
    )


class Repeats:
    """Repeats across a whole file — an ID a second time, a household's second head — found once the file
    has streamed in: the valid rows' IDs, lines and (for heads) household numbers are kept as Arrow
    columns (≈ 40 bytes a row) and grouped once, not looked up row by row."""

    def __init__(self, *, heads: bool) -> None:
        self.heads = heads
        self.ids: list[pa.Table] = []
        self.head_rows: list[pa.Table] = []

    def add(self, batch: pa.Table) -> None:
        valid = batch.filter(pc.is_null(batch.column("reason")))
        self.ids.append(valid.select(["line", "id_number"]))
        if self.heads:
            heads = valid.filter(pc.equal(valid.column("relation"), "head"))
            self.head_rows.append(heads.select(["line", "household_no"]))

    def reasons(self) -> pa.Table:
        """(line, reason) of every repeating row, in the order the rules apply: IDs first, then heads
        among the rows still valid."""
        if not self.ids:
            return pa.table({"line": pa.array([], pa.int64()), "reason": pa.array([], pa.string())})
        rows = pa.concat_tables(self.ids)
        self.ids = []
        dup = _first_of(rows.column("id_number"), rows.column("line"))
        del rows
        lines = dup.column("line").to_pylist()
        reasons = [f"身份证号与第{first}行重复" for first in dup.column("first").to_pylist()]
        if self.heads:
            heads = pa.concat_tables(self.head_rows)
            self.head_rows = []
            heads = heads.filter(pc.invert(pc.is_in(heads.column("line"), dup.column("line"))))
            again = _first_of(heads.column("household_no"), heads.column("line"))
            lines += again.column("line").to_pylist()
            reasons += [
                f"户{no}已有户主（第{first}行）"[:200]
                for no, first in zip(
                    again.column("key").to_pylist(), again.column("first").to_pylist(), strict=True
                )
            ]
        return pa.table({"line": pa.array(lines, pa.int64()), "reason": pa.array(reasons, pa.string())})
