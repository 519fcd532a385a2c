"""One rule, two paths: the screening's verdict over the engine's `person`/`disability` tables (the SQL
of disability/screening.py, rendered by the engine's own `render`) and the desk on each beneficiary's
`Case` agree on every living and care amount of 10,000 generated beneficiaries — and move together when
a figure changes."""

# the SQL here builds the engine's input tables for the test
# ruff: noqa: S608
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import duckdb

from minzheng.core.idnumber import parse_id_number
from minzheng.disability import desk, screening
from minzheng.disability import eligibility as E
from minzheng.monitoring.engine.runner import FIXTURE, policy_from_fixture, render
from minzheng.programmes.household import Case, Member

MONTH = "2025-07"
N = 10_000
ID = parse_id_number("370811198001010036")


def _people(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows, pid, hid = [], 0, 0
    while len(rows) < N:
        hid += 1
        dibao_hh = rng.random() < 0.4
        for _ in range(rng.randint(1, 3)):
            pid += 1
            living, care = rng.random() < 0.6, rng.random() < 0.6
            rows.append(
                {
                    "pid": pid,
                    "hid": hid,
                    "region": "370811001001",
                    "alive": rng.random() < 0.97,
                    "in_dis_living": living,
                    "in_dis_care": care or not living,
                    "in_tekun": rng.random() < 0.1,
                    "in_dibao": dibao_hh and rng.random() < 0.8,
                    "grade": rng.choice([None, 1, 2, 3, 4, 5]),  # 5: no certificate row
                }
            )
    return rows


def _engine(rows: list[dict[str, Any]], policy: Any) -> dict[int, tuple[int, int]]:
    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE person (pid BIGINT, hid BIGINT, region VARCHAR, alive BOOLEAN, in_dis_living BOOLEAN,"
        " in_dis_care BOOLEAN, in_tekun BOOLEAN, in_dibao BOOLEAN)"
    )
    con.executemany(
        "INSERT INTO person VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                r[k]
                for k in (
                    "pid",
                    "hid",
                    "region",
                    "alive",
                    "in_dis_living",
                    "in_dis_care",
                    "in_tekun",
                    "in_dibao",
                )
            ]
            for r in rows
        ],
    )
    con.execute("CREATE TABLE disability (pid BIGINT, grade SMALLINT, severe_new BOOLEAN)")
    con.executemany(
        "INSERT INTO disability VALUES (?, ?, false)",
        [[r["pid"], r["grade"]] for r in rows if r["grade"] in (1, 2, 3, 4)],
    )
    out = con.execute(
        f"SELECT pid, living, care FROM ({render(screening.verdicts_sql(), policy)}) v WHERE alive"
    )
    return {pid: (int(living), int(care)) for pid, living, care in out.fetchall()}


def _desk(rows: list[dict[str, Any]], figures: dict[str, Any]) -> dict[int, tuple[int, int]]:
    dibao = {r["hid"] for r in rows if r["in_dibao"]}
    alive = [r for r in rows if r["alive"]]
    cases = [
        Case(
            programme="disability_subsidy",
            date=dt.date(2025, 7, 31),
            region="370811",
            hukou_type="rural",
            members=(
                Member(id=ID, relation="head", disability_grade=r["grade"] if r["grade"] != 5 else None),
            ),
        )
        for r in alive
    ]
    statuses = [desk.Status(household_dibao=r["hid"] in dibao, tekun=r["in_tekun"]) for r in alive]
    results = desk.subsidies(cases, statuses, [figures] * len(cases))
    return {
        r["pid"]: ((int(x["living"]), int(x["care"])) if x else (0, 0))
        for r, x in zip(alive, results, strict=True)
    }


def test_the_screening_and_the_desk_agree_on_every_beneficiary_and_move_together(tmp_path: Path):
    rows = _people(20250713)
    for fixture in (FIXTURE, _changed_fixture(tmp_path)):
        policy = policy_from_fixture(MONTH, ["370811"], fixture)
        figures = {k: policy.figure(k) for k in E.FIGURE_KEYS}
        engine, at_desk = _engine(rows, policy), _desk(rows, figures)
        assert engine == at_desk
        assert sum(1 for v in engine.values() if v[0] and v[1]) > 500  # both subsidies together are seen
    assert {v[1] for v in engine.values()} >= {0, 80, 135}  # the changed grade-1 care figure moved both


def _changed_fixture(tmp_path: Path) -> Path:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for row in data["parameters"]:
        if row["key"] == "disability.care.grade1":
            row["value"] = 135
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
