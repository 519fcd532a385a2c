"""The snapshot's row rules array-wise (people/rowchecks.py) give the desk's own reasons."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
from django.core.exceptions import ValidationError

from minzheng.core.idnumber import make_id_number, parse_id_number
from minzheng.people import rowchecks


def desk_reason(value: str) -> str | None:
    try:
        parse_id_number(value)
    except ValidationError as e:
        return e.messages[0]
    return None


def test_id_rules_give_the_same_reason_as_the_desk_for_every_kind_of_bad_id() -> None:
    good = make_id_number("370811", dt.date(1990, 1, 3), 11, "M")
    rnd = random.Random(21)
    ids = [
        good,
        good[:17],
        good + "1",
        "",
        good[:10] + "A" + good[11:],
        good[:17] + "x".upper(),
        "37081119900230001" + "X",  # 30 February
        "37081120000229001" + "1",  # a leap day
        "37081119000229001" + "1",  # 1900 was no leap year
        "37081100000101001" + "1",  # year 0
        "37081118700101001" + "1",  # before 1880
        "37081119901301001" + "1",  # month 13
        good[:17] + ("0" if good[17] != "0" else "1"),
        make_id_number("370811", dt.date(2000, 2, 29), 3, "F"),
    ]
    for _ in range(400):  # one character of a valid ID changed: dates, check digits, letters
        born = dt.date(rnd.randint(1900, 2024), 1, 1) + dt.timedelta(rnd.randint(0, 364))
        chars = list(make_id_number("370811", born, rnd.randint(0, 499), "M"))
        chars[rnd.randrange(18)] = rnd.choice("0123456789X")
        ids.append("".join(chars))

    got = rowchecks.id_reasons(pa.array(ids, pa.string())).array().to_pylist()

    assert got == [desk_reason(v) for v in ids]
    assert got[0] is None and sum(r is None for r in got) > 20 and len(set(got)) >= 6


def persons(**changes: list[str]) -> pa.Table:
    base = {
        "id_number": [make_id_number("370811", dt.date(1990, 1, 3), 11, "M")] * 2,
        "name": ["张三", "李四"],
        "sex": ["M", "M"],
        "birth_date": ["1990-01-03", "1990-01-03"],
        "hukou_type": ["rural", "urban"],
        "hukou_region": ["370811001001", "370811001001"],
        "household_no": ["H1", "H2"],
        "relation": ["head", "spouse"],
    }
    return pa.table({k: pa.array(changes.get(k, v), pa.string()) for k, v in base.items()})


def reasons(table: pa.Table) -> list[str | None]:
    villages = pa.array(["370811001001"], pa.string())
    return rowchecks.person_reasons(table, villages, ("head", "spouse", "child")).to_pylist()


def test_person_rules_name_the_column_and_value_at_fault_and_keep_the_first_broken_rule() -> None:
    assert reasons(persons()) == [None, None]
    assert reasons(persons(name=["", "李四"])) == ["姓名为空", None]
    assert reasons(persons(sex=["M", "F"])) == [None, "出生日期或性别与身份证号不一致"]
    assert reasons(persons(birth_date=["1990-1-3", "1990-01-03"]))[0] == "出生日期或性别与身份证号不一致"
    assert reasons(persons(hukou_type=["城镇", "urban"]))[0] == "户口性质城镇无效（应为urban或rural）"
    assert reasons(persons(relation=["head", "cousin"]))[1] == "与户主关系cousin无效"
    assert reasons(persons(hukou_region=["370899999999", "370811001001"]))[0] == "户籍区划370899999999不存在"
    assert reasons(persons(household_no=["H1", ""]))[1] == "户号为空"
    # an ID rule comes first: a row with a bad ID and an empty name is rejected for its ID
    assert reasons(persons(id_number=["123", "456"], name=["", ""])) == ["身份证号应为18位，当前为3位"] * 2


def test_death_rules_check_the_id_then_the_calendar() -> None:
    good = make_id_number("370811", dt.date(1950, 5, 5), 7, "F")
    table = pa.table(
        {
            "id_number": pa.array([good, good, good, good, good[:17]], pa.string()),
            "death_date": pa.array(["2025-06-01", "2025-02-30", "2025/06/01", "", "2025-06-01"], pa.string()),
        }
    )

    assert rowchecks.death_reasons(table).to_pylist() == [
        None,
        "死亡日期2025-02-30不是有效日期",
        "死亡日期2025/06/01不是有效日期",
        "死亡日期不是有效日期",
        "身份证号应为18位，当前为17位",
    ]


def test_repeats_across_batches_name_the_first_line_ids_before_heads() -> None:
    a = make_id_number("370811", dt.date(1990, 1, 3), 11, "M")
    b = make_id_number("370811", dt.date(1991, 1, 3), 12, "F")
    c = make_id_number("370811", dt.date(1992, 1, 3), 13, "M")

    def batch(lines: list[int], ids: list[str], households: list[str], relations: list[str]) -> pa.Table:
        return pa.table(
            {
                "line": pa.array(lines, pa.int64()),
                "id_number": pa.array(ids, pa.string()),
                "household_no": pa.array(households, pa.string()),
                "relation": pa.array(relations, pa.string()),
                "reason": pa.array([None] * len(lines), pa.string()),
            }
        )

    repeats = rowchecks.Repeats(heads=True)
    repeats.add(batch([2, 3], [a, b], ["H1", "H1"], ["head", "spouse"]))
    # line 4 repeats line 2's ID (and is a head of H1: the ID rule names it first); line 5 is H1's second
    # head; a rejected row (line 6) counts for nothing
    repeats.add(batch([4, 5], [a, c], ["H1", "H1"], ["head", "head"]))
    rejected = batch([6], [b], ["H1"], ["head"]).set_column(4, "reason", pa.array(["姓名为空"], pa.string()))
    repeats.add(rejected)

    found = repeats.reasons()
    got = dict(zip(found.column("line").to_pylist(), found.column("reason").to_pylist(), strict=True))

    assert got == {4: "身份证号与第2行重复", 5: "户H1已有户主（第2行）"}
