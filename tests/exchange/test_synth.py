"""The synthetic-city generator writes a data-exchange snapshot (shared/docs/exchange.md) that importers
and screening rules can rely on. Plain functions: no Django database needed."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from minzheng.demo import synth
from minzheng.demo.synth import generate_city

MONTH = "2025-06"
MONTH_END = dt.date(2025, 6, 30)
PERSONS = 5000

# Columns per source, copied from the exchange format table (not from the module under test).
EXCHANGE_COLUMNS = {
    "persons": [
        "id_number",
        "name",
        "sex",
        "birth_date",
        "hukou_type",
        "hukou_region",
        "household_no",
        "relation",
    ],
    "deaths": ["id_number", "death_date"],
    "marriages": ["id_number", "spouse_id_number", "event", "date"],
    "wages": ["id_number", "month", "employer_code", "amount"],
    "pensions": ["id_number", "scheme", "monthly_amount"],
    "unemployment": ["id_number", "start_date", "end_date", "monthly_amount"],
    "housing_fund": ["id_number", "monthly_contribution", "balance"],
    "vehicles": ["id_number", "vehicle_kind", "value", "registered_date"],
    "real_estate": ["id_number", "property_no", "use", "area_m2", "registered_date"],
    "businesses": ["id_number", "credit_code", "role", "registered_capital", "status"],
    "tax": ["id_number", "year", "declared_income"],
    "deposits": ["id_number", "bank_code", "balance", "as_of"],
    "securities": ["id_number", "market_value", "as_of"],
    "insurance": ["id_number", "policy_kind", "cash_value"],
    "disability": ["id_number", "grade", "kind", "issued_date"],
    "medical": ["id_number", "month", "out_of_pocket"],
    "education": ["id_number", "level", "enrolled"],
}
DEPARTMENTS = {
    "persons": "公安",
    "deaths": "公安/卫健",
    "marriages": "民政",
    "wages": "人社/税务",
    "pensions": "人社",
    "unemployment": "人社",
    "housing_fund": "住房公积金",
    "vehicles": "公安交管",
    "real_estate": "自然资源/住建",
    "businesses": "市场监管",
    "tax": "税务",
    "deposits": "银行",
    "securities": "证券",
    "insurance": "保险",
    "disability": "残联",
    "medical": "医保",
    "education": "教育",
}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("city")
    return out, generate_city(persons=PERSONS, seed=7, out_dir=out, month=MONTH)


def _table(out: Path, name: str) -> pa.Table:
    return pq.read_table(out / MONTH / f"{name}.parquet")


def _col(table: pa.Table, name: str) -> list:
    return table[name].to_pylist()


def _age(birth: dt.date) -> int:
    return MONTH_END.year - birth.year - ((MONTH_END.month, MONTH_END.day) < (birth.month, birth.day))


def _household_income(out: Path) -> tuple[dict[str, float], dict[str, int], dict[str, str]]:
    """Monthly income per household (wages of the month + pensions + active unemployment benefit) over
    members alive at month end, members alive, and hukou type — as exchange.md defines them."""
    persons = _table(out, "persons")
    dead = set(_col(_table(out, "deaths"), "id_number"))
    income: Counter[str] = Counter()
    for t, col in (("wages", "amount"), ("pensions", "monthly_amount")):
        tab = _table(out, t)
        for i, v in zip(_col(tab, "id_number"), _col(tab, col), strict=True):
            income[i] += v
    un = _table(out, "unemployment")
    for i, s, e, v in zip(
        *(_col(un, c) for c in ("id_number", "start_date", "end_date", "monthly_amount")), strict=True
    ):
        if s <= MONTH_END and e >= MONTH_END.replace(day=1):
            income[i] += v
    hh_income: Counter[str] = Counter()
    alive: Counter[str] = Counter()
    hukou: dict[str, str] = {}
    for i, h, k in zip(
        _col(persons, "id_number"), _col(persons, "household_no"), _col(persons, "hukou_type"), strict=True
    ):
        hukou[h] = k
        if i not in dead:
            alive[h] += 1
            hh_income[h] += income[i]
    return {h: hh_income[h] / alive[h] for h in alive}, dict(alive), hukou


def test_generated_id_numbers_are_valid_unique_and_match_birth_date_and_sex(city: tuple[Path, dict]) -> None:
    out, _ = city
    persons = _table(out, "persons")
    ids = _col(persons, "id_number")
    assert len(ids) == PERSONS
    assert len(set(ids)) == PERSONS
    for id_number, birth, sex in zip(ids, _col(persons, "birth_date"), _col(persons, "sex"), strict=True):
        assert len(id_number) == 18 and id_number[:17].isdigit()
        assert (
            id_number[17]
            == "10X98765432"[sum(int(c) * w for c, w in zip(id_number[:17], WEIGHTS, strict=True)) % 11]
        )
        assert id_number[6:14] == f"{birth:%Y%m%d}"
        assert sex == ("M" if int(id_number[16]) % 2 else "F")
        assert birth <= MONTH_END


def test_id_prefix_is_the_county_of_a_village_level_hukou_region_shared_by_the_household(
    city: tuple[Path, dict],
) -> None:
    out, _ = city
    persons = _table(out, "persons")
    villages: dict[str, bool] = {}
    with synth.REGIONS_CSV.open(encoding="utf-8") as f:
        for line in f.read().splitlines()[1:]:
            code, _name, level, _parent, urban = line.split(",")
            if level == "village":
                villages[code] = urban == "1"
    regions_by_household: dict[str, set[str]] = {}
    urban_share: Counter[tuple[bool, str]] = Counter()
    for id_number, region, hno, hukou in zip(
        *(_col(persons, c) for c in ("id_number", "hukou_region", "household_no", "hukou_type")), strict=True
    ):
        assert region in villages
        assert id_number[:6] == region[:6] == hno[:6]
        assert len(hno) == 16 and hno.isdigit()
        regions_by_household.setdefault(hno, set()).add(region)
        urban_share[(villages[region], hukou)] += 1
    assert all(len(r) == 1 for r in regions_by_household.values())
    in_town = urban_share[(True, "urban")] / (urban_share[(True, "urban")] + urban_share[(True, "rural")])
    in_country = urban_share[(False, "rural")] / (
        urban_share[(False, "rural")] + urban_share[(False, "urban")]
    )
    assert 0.75 < in_town < 0.95 and 0.82 < in_country < 0.97
    assert len({r for rs in regions_by_household.values() for r in rs}) > 500  # spread over many villages


def test_manifest_lists_every_source_with_its_department_rows_and_the_sha256_of_the_file_bytes(
    city: tuple[Path, dict],
) -> None:
    out, summary = city
    manifest = json.loads((out / MONTH / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month"] == MONTH
    assert set(manifest["sources"]) == set(EXCHANGE_COLUMNS)
    for name, entry in manifest["sources"].items():
        path = out / MONTH / entry["file"]
        assert entry["file"] == f"{name}.parquet"
        assert entry["department"] == DEPARTMENTS[name]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["rows"] == pq.ParquetFile(path).metadata.num_rows == summary["rows"][name]
    assert sorted(p.name for p in (out / MONTH).iterdir()) == sorted(
        [f"{n}.parquet" for n in EXCHANGE_COLUMNS] + ["manifest.json"]
    )


def test_every_source_has_exactly_the_exchange_columns_with_dates_money_and_codes_typed(
    city: tuple[Path, dict],
) -> None:
    out, summary = city
    known = set(_col(_table(out, "persons"), "id_number"))
    for name, columns in EXCHANGE_COLUMNS.items():
        table = _table(out, name)
        assert table.column_names == columns, name
        assert table.num_rows > 0, name
        assert set(_col(table, "id_number")) <= known, name
        for field in table.schema:
            if field.name.endswith(("_date", "as_of")) or field.name == "date":
                assert field.type == pa.date32(), (name, field.name)
            if field.name in ("id_number", "spouse_id_number", "employer_code", "credit_code", "bank_code"):
                assert field.type == pa.string(), (name, field.name)
            if field.name in (
                "amount",
                "monthly_amount",
                "balance",
                "value",
                "registered_capital",
                "market_value",
                "cash_value",
                "declared_income",
                "monthly_contribution",
            ):
                assert field.type == pa.int64(), (name, field.name)
                assert min(_col(table, field.name)) >= 0, (name, field.name)
    assert set(_col(_table(out, "wages"), "month")) == {MONTH}
    assert set(_col(_table(out, "medical"), "month")) == {MONTH}
    assert max(_col(_table(out, "deaths"), "death_date")) <= MONTH_END
    assert len(set(_col(_table(out, "real_estate"), "property_no"))) == summary["rows"]["real_estate"]
    assert len(set(_col(_table(out, "businesses"), "credit_code"))) == summary["rows"]["businesses"]
    assert set(_col(_table(out, "disability"), "grade")) <= {1, 2, 3, 4}


def test_households_have_one_adult_head_first_and_a_realistic_size_and_age_structure(
    city: tuple[Path, dict],
) -> None:
    out, summary = city
    persons = _table(out, "persons")
    members: dict[str, list[tuple[str, int]]] = {}
    ages = []
    for hno, rel, birth in zip(
        *(_col(persons, c) for c in ("household_no", "relation", "birth_date")), strict=True
    ):
        assert rel in {"head", "spouse", "child", "parent", "grandchild", "other"}
        members.setdefault(hno, []).append((rel, _age(birth)))
        ages.append(_age(birth))
    assert len(members) == summary["households"]
    for rows in members.values():
        assert [r for r, _ in rows].count("head") == 1
        assert rows[0][0] == "head" and rows[0][1] >= 18
        assert all(a >= 18 for r, a in rows if r == "spouse")
        assert all(a >= 60 for r, a in rows if r == "parent")
    assert 2.6 < PERSONS / len(members) < 3.0  # 1 + Poisson(1.8)
    ages_np = np.array(ages)
    assert 0.16 < (ages_np >= 60).mean() < 0.23  # seed 004: 19.5 % aged 60+
    assert 0.012 < (ages_np >= 80).mean() < 0.04
    assert 0.14 < (ages_np < 18).mean() < 0.24


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    def hashes(out: Path, seed: int) -> dict[str, str]:
        generate_city(persons=1500, seed=seed, out_dir=out, month=MONTH)
        manifest = json.loads((out / MONTH / "manifest.json").read_text(encoding="utf-8"))
        digests = {k: v["sha256"] for k, v in manifest["sources"].items()}
        digests["enrolments"] = hashlib.sha256((out / "enrolments.parquet").read_bytes()).hexdigest()
        return digests

    first = hashes(tmp_path / "a", 11)
    assert hashes(tmp_path / "b", 11) == first
    assert hashes(tmp_path / "a", 11) == first  # regenerating into the same folder replaces the snapshot
    assert hashes(tmp_path / "c", 12)["persons"] != first["persons"]


def test_a_city_written_in_several_chunks_keeps_ids_household_numbers_and_enrolments_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(synth, "CHUNK_PERSONS", 700)
    summary = generate_city(persons=2500, seed=5, out_dir=tmp_path / "a", month=MONTH)
    persons = pq.read_table(tmp_path / "a" / MONTH / "persons.parquet")
    assert persons.num_rows == 2500
    assert len(set(_col(persons, "id_number"))) == 2500
    households = _col(persons, "household_no")
    assert len(set(households)) == summary["households"]
    # members of a household are contiguous, so no household was split across chunks
    changes = sum(1 for a, b in itertools.pairwise(households) if a != b)
    assert changes + 1 == summary["households"]
    enrol = pq.read_table(tmp_path / "a" / "enrolments.parquet")
    assert set(_col(enrol, "id_number")) <= set(_col(persons, "id_number"))
    again = generate_city(persons=2500, seed=5, out_dir=tmp_path / "b", month=MONTH)
    assert again["rows"] == summary["rows"]
    assert (tmp_path / "b" / MONTH / "manifest.json").read_bytes() == (
        tmp_path / "a" / MONTH / "manifest.json"
    ).read_bytes()


def test_csv_format_writes_utf8_files_with_a_header_row_that_read_back_like_parquet(tmp_path: Path) -> None:
    summary = generate_city(persons=1200, seed=3, out_dir=tmp_path / "csv", month=MONTH, fmt="csv")
    generate_city(persons=1200, seed=3, out_dir=tmp_path / "pq", month=MONTH)
    snap = tmp_path / "csv" / MONTH
    manifest = json.loads((snap / "manifest.json").read_text(encoding="utf-8"))
    for name, columns in EXCHANGE_COLUMNS.items():
        entry = manifest["sources"][name]
        assert entry["file"] == f"{name}.csv"
        raw = (snap / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(raw).hexdigest()
        header = raw.decode("utf-8").splitlines()[0]
        assert header.replace('"', "").split(",") == columns
        table = pacsv.read_csv(
            snap / entry["file"],
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns if c.endswith("_number") or c.endswith("_no")}
            ),
        )
        assert table.num_rows == entry["rows"] == summary["rows"][name]
    csv_persons = pacsv.read_csv(
        snap / "persons.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={"id_number": pa.string(), "hukou_region": pa.string(), "household_no": pa.string()}
        ),
    )
    assert csv_persons.equals(pq.read_table(tmp_path / "pq" / MONTH / "persons.parquet"))
    assert (tmp_path / "csv" / "enrolments.parquet").exists()


def test_some_households_fall_below_the_dibao_standard_and_have_few_assets(city: tuple[Path, dict]) -> None:
    out, summary = city
    per_capita, _alive, hukou = _household_income(out)
    low = {h for h, v in per_capita.items() if v < (719 if hukou[h] == "urban" else 537)}
    assert 0.015 < len(low) / len(per_capita) < 0.05  # brief: roughly 2–4 % of households
    assert abs(len(low) - summary["low_income_households"]) <= 0.1 * len(low)
    persons = _table(out, "persons")
    household_of = dict(zip(_col(persons, "id_number"), _col(persons, "household_no"), strict=True))
    vehicles = _table(out, "vehicles")
    with_car = {
        household_of[i]
        for i, k in zip(_col(vehicles, "id_number"), _col(vehicles, "vehicle_kind"), strict=True)
        if k != "disability"
    }
    businesses = _table(out, "businesses")
    with_business = {household_of[i] for i in _col(businesses, "id_number")}
    assert len(low & (with_car | with_business)) <= 0.1 * len(low)


def test_enrolments_cover_dibao_households_tekun_high_age_and_child_at_plausible_rates(
    city: tuple[Path, dict],
) -> None:
    out, summary = city
    enrol = pq.read_table(out / "enrolments.parquet")
    assert enrol.column_names == ["id_number", "household_no", "programme", "start_month", "monthly_amount"]
    assert enrol.schema.field("monthly_amount").type == pa.int64()
    persons = _table(out, "persons")
    birth = dict(zip(_col(persons, "id_number"), _col(persons, "birth_date"), strict=True))
    household_of = dict(zip(_col(persons, "id_number"), _col(persons, "household_no"), strict=True))
    rows = list(zip(*(_col(enrol, c) for c in enrol.column_names), strict=True))
    by_programme = Counter(r[2] for r in rows)
    assert set(by_programme) <= {"dibao", "tekun", "high_age", "child"}
    assert dict(by_programme) == {k: v for k, v in summary["enrolments"].items() if v}
    # seed 002: 16.3万 dibao persons and 3.6万 tekun in a city of ~8.3 M
    assert 0.012 < by_programme["dibao"] / PERSONS < 0.03
    assert 0.002 < by_programme["tekun"] / PERSONS < 0.007
    aged80 = sum(1 for b in birth.values() if _age(b) >= 80)
    assert 0.85 < by_programme["high_age"] / aged80 <= 1.0
    minors = sum(1 for b in birth.values() if _age(b) < 18)
    assert by_programme["child"] <= 0.02 * minors
    for id_number, hno, programme, start, amount in rows:
        assert household_of[id_number] == hno
        assert len(start) == 7 and start <= MONTH
        assert amount >= 0
        age = _age(birth[id_number])
        if programme == "high_age":
            assert age >= 80 and amount == (300 if age >= 100 else 100 if age >= 90 else 50)
        if programme == "tekun":
            assert amount >= round(1.3 * 537) + 120
        if programme == "child":
            assert age < 18
    # dibao covers whole households, mostly ones below the standard
    dibao_households = {r[1] for r in rows if r[2] == "dibao"}
    assert len(dibao_households) == summary["dibao_households"]
    per_capita, _alive, hukou = _household_income(out)
    below = [h for h in dibao_households if per_capita.get(h, 0) < (719 if hukou[h] == "urban" else 537)]
    assert len(below) >= 0.75 * len(dibao_households)
    assert (
        len({r[0] for r in rows if r[2] in ("dibao", "tekun")})
        == by_programme["dibao"] + by_programme["tekun"]
    )


def test_a_full_birth_date_group_moves_its_overflow_to_the_previous_day() -> None:
    city = synth._make_city(MONTH, np.random.default_rng(0))
    day = int(np.datetime64("1980-05-17", "D").astype(np.int64))
    n = 1300
    county = np.zeros(n, np.int64)
    male = (np.arange(n) % 2).astype(np.int64)
    birth, seq = synth.allocate_id_sequences(city, county, np.full(n, day, np.int64), male)
    ids = synth.id_numbers(city.county6[county], birth, seq).to_pylist()
    assert len(set(ids)) == n
    assert (seq % 2 == male).all() and seq.max() <= 999
    assert Counter(birth.tolist()) == {day: 1000, day - 1: 300}
    # later chunks continue the counters instead of reusing numbers
    birth2, seq2 = synth.allocate_id_sequences(city, county[:10], np.full(10, day - 1, np.int64), male[:10])
    assert not set(synth.id_numbers(city.county6[county[:10]], birth2, seq2).to_pylist()) & set(ids)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"persons": 0}, "人数"), ({"month": "2025-13"}, "月份"), ({"fmt": "xlsx"}, "格式")],
)
def test_invalid_arguments_are_rejected_with_chinese_messages(
    tmp_path: Path, kwargs: dict, message: str
) -> None:
    args = {"persons": 10, "seed": 1, "out_dir": tmp_path, "month": MONTH} | kwargs
    with pytest.raises(ValueError, match=message):
        generate_city(**args)
