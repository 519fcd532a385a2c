"""Bulk registry load and monthly sync (people/bulk.py, issue 21): on SQLite for the demo and on
PostgreSQL (COPY) when the suite runs there."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db import connection

from minzheng.accounts.permissions import Denied
from minzheng.accounts.system import system_actor
from minzheng.core import crypto
from minzheng.core.idnumber import make_id_number
from minzheng.demo.synth import generate_city
from minzheng.people import bulk
from minzheng.people.bulk import registry_load
from minzheng.people.importers import people_import_snapshot
from minzheng.people.models import (
    Household,
    Membership,
    Person,
    PersonChange,
    RegistryLoad,
    RegistryReject,
)

pytestmark = pytest.mark.django_db
HEADER = ["id_number", "name", "sex", "birth_date", "hukou_type", "hukou_region", "household_no", "relation"]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bulk-city")
    generate_city(persons=400, seed=21, out_dir=out, month="2025-06", fmt="csv")
    return out / "2025-06"


def system() -> Any:
    return system_actor(purpose="测试数据")


def rows_of(snapshot: Path) -> list[dict[str, str]]:
    with (snapshot / "persons.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write(folder: Path, persons: list[dict[str, str]], deaths: list[tuple[str, str]] = ()) -> Path:  # type: ignore[assignment]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "persons.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER)
        w.writeheader()
        w.writerows(persons)
    with (folder / "deaths.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("id_number", "death_date"), *deaths])
    return folder


def registry() -> set[tuple[Any, ...]]:
    """What the registry says of every identified person: enough to compare two loads."""
    return {
        (
            m.person.id_hash,
            m.person.name,
            m.person.sex,
            m.person.birth_date,
            m.person.hukou_code,
            m.person.region_code,
            m.person.is_alive,
            m.person.death_date,
            m.household.number,
            m.household.region_code,
            m.relation,
        )
        for m in Membership.objects.filter(end_date__isnull=True).select_related("person", "household")
    }


def test_a_first_load_gives_the_same_registry_as_the_row_by_row_importer(city: Path) -> None:
    people_import_snapshot(snapshot=city, actor=system())
    expected = registry()
    assert len(expected) == 400
    Membership.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()

    summary = registry_load(snapshot=city, actor=system())

    assert registry() == expected
    assert summary["mode"] == "load" and summary["rows"] == 400 and summary["rejected"] == 0
    assert summary["persons_added"] == 400
    assert (
        summary["households_added"]
        == Household.objects.count()
        == len({r["household_no"] for r in rows_of(city)})
    )
    assert summary["deaths"] == Person.objects.filter(is_alive=False).count() > 0
    first = rows_of(city)[0]
    person = Person.objects.get(id_hash=crypto.blind_index(first["id_number"]))
    assert person.id_number == first["id_number"] and person.id_tail == first["id_number"][-4:]
    assert PersonChange.objects.count() == 0  # a first load is not history


def test_a_parquet_snapshot_loads_like_a_csv_one(tmp_path: Path) -> None:
    generate_city(persons=150, seed=5, out_dir=tmp_path, month="2025-06", fmt="parquet")
    summary = registry_load(snapshot=tmp_path / "2025-06", actor=system(), batch_size=64)
    table = pq.read_table(tmp_path / "2025-06" / "persons.parquet")
    assert summary["persons_added"] == Person.objects.count() == table.num_rows
    assert Membership.objects.filter(end_date__isnull=True).count() == table.num_rows
    assert set(Person.objects.values_list("birth_date", flat=True)) == set(
        table.column("birth_date").to_pylist()
    )


def test_loading_the_same_snapshot_again_changes_nothing(city: Path) -> None:
    registry_load(snapshot=city, actor=system(), batch_size=100)
    before = registry()
    memberships = Membership.objects.count()

    again = registry_load(snapshot=city, actor=system(), batch_size=100)

    assert registry() == before and Membership.objects.count() == memberships
    assert again["mode"] == "sync" and again["changes"] == 0 and again["persons_added"] == 0
    assert again["households_added"] == 0 and again["deaths"] == 0
    assert PersonChange.objects.count() == 0
    assert RegistryLoad.objects.count() == 2


@pytest.mark.parametrize("full", [False, True], ids=["against-last-month's-file", "against-the-registry"])
def test_the_next_month_applies_only_what_changed_and_keeps_the_history(
    city: Path, tmp_path: Path, full: bool
) -> None:
    registry_load(snapshot=city, actor=system())
    rows = rows_of(city)
    alive = {crypto.blind_index(r["id_number"]) for r in rows} - set(
        Person.objects.filter(is_alive=False).values_list("id_hash", flat=True)
    )
    households: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        households.setdefault(r["household_no"], []).append(r)
    big = next(
        members
        for members in households.values()
        if len(members) >= 4 and all(crypto.blind_index(m["id_number"]) in alive for m in members)
    )
    head = next(m for m in big if m["relation"] == "head")
    renamed, mover, leaver = [m for m in big if m["relation"] != "head"][:3]
    other_village = next(r["hukou_region"] for r in rows if r["hukou_region"] != head["hukou_region"])
    baby = {
        **head,
        "id_number": make_id_number(head["id_number"][:6], dt.date(2025, 7, 3), 317, "F"),
        "name": "新生儿",
        "sex": "F",
        "birth_date": "2025-07-03",
        "relation": "grandchild",
    }
    july = []
    for r in rows:
        if r is leaver:
            continue  # moved out of the city's register
        if r is renamed:
            r = {**r, "name": r["name"] + "改"}
        if r is mover:
            r = {**r, "hukou_region": other_village, "household_no": "H-NEW-1", "relation": "head"}
        july.append(r)
    july.append(baby)
    dying = next(r for r in rows if crypto.blind_index(r["id_number"]) in alive and r not in big)
    snapshot = write(tmp_path / "2025-07", july, [(dying["id_number"], "2025-07-10")])
    untouched = Person.objects.get(id_hash=crypto.blind_index(head["id_number"]))
    untouched_updated = untouched.updated_at
    households_before = Household.objects.count()

    summary = registry_load(snapshot=snapshot, actor=system(), full=full)

    assert summary["compared_with"] == ("registry" if full else "file")
    assert summary["mode"] == "sync" and summary["rejected"] == 0
    assert summary["persons_added"] == summary["births"] == 1 and summary["arrivals"] == 0
    assert summary["households_added"] == 1 and Household.objects.count() == households_before + 1
    assert summary["moves"] == 1 and summary["field_changes"] == 1
    assert summary["household_changes"] == 1 and summary["left"] == 1 and summary["deaths"] == 1
    changes = {
        (c.person.name, c.kind, c.field, c.old_value, c.new_value)
        for c in PersonChange.objects.filter(month="2025-07").select_related("person")
    }
    assert changes == {
        ("新生儿", "birth", "", "", ""),
        (renamed["name"] + "改", "field", "name", renamed["name"], renamed["name"] + "改"),
        (mover["name"], "move", "hukou_region", mover["hukou_region"], other_village),
        (mover["name"], "household", "household_no", mover["household_no"], "H-NEW-1"),
        (leaver["name"], "left", "household_no", leaver["household_no"], ""),
        (dying["name"], "death", "death_date", "", "2025-07-10"),
    }
    moved = Person.objects.get(id_hash=crypto.blind_index(mover["id_number"]))
    assert moved.hukou_code == moved.region_code == other_village
    old = Membership.objects.get(person=moved, household__number=mover["household_no"])
    assert old.end_date == dt.date(2025, 6, 30)
    new = Membership.objects.get(person=moved, end_date__isnull=True)
    assert (new.household.number, new.relation, new.start_date) == ("H-NEW-1", "head", dt.date(2025, 7, 1))
    gone = Person.objects.get(id_hash=crypto.blind_index(leaver["id_number"]))
    assert not gone.memberships.filter(end_date__isnull=True).exists()
    born = Person.objects.get(name="新生儿")
    assert born.memberships.get().household.number == head["household_no"]
    assert Person.objects.get(id_hash=crypto.blind_index(dying["id_number"])).death_date == dt.date(
        2025, 7, 10
    )
    untouched.refresh_from_db()
    assert untouched.updated_at == untouched_updated  # persons with no change are not written


def test_rows_that_break_the_rules_are_rejected_with_a_chinese_reason_and_the_rest_loaded(
    city: Path, tmp_path: Path
) -> None:
    rows = rows_of(city)[:6]
    good = rows[0]
    bad = [
        {**good, "id_number": good["id_number"][:17]},
        {**good, "id_number": good["id_number"][:16] + "AB"},
        {**good, "id_number": good["id_number"][:17] + ("0" if good["id_number"][17] != "0" else "1")},
        {**good, "id_number": make_id_number("370811", dt.date(1990, 1, 1), 11, "M"), "sex": "F"},
        {
            **good,
            "id_number": make_id_number("370811", dt.date(1990, 1, 2), 11, "M"),
            "sex": "M",
            "birth_date": "1990-01-02",
            "hukou_region": "370899999999",
        },
        good,  # the same person twice
        {
            **good,
            "id_number": make_id_number("370811", dt.date(1990, 1, 3), 11, "M"),
            "sex": "M",
            "birth_date": "1990-01-03",
            "relation": "cousin",
        },
    ]
    snapshot = write(tmp_path / "2025-06", [*rows, *bad], [("370811199001010000", "2025-06-01")])

    summary = registry_load(snapshot=snapshot, actor=system())

    reasons = {(r.source, r.line): r.reason for r in RegistryReject.objects.all()}
    assert reasons == {
        ("persons", 8): "身份证号应为18位，当前为17位",
        ("persons", 9): "身份证号只能由数字组成，最后一位可以是X",
        ("persons", 10): "身份证号校验位错误，请核对后重新输入",
        ("persons", 11): "出生日期或性别与身份证号不一致",
        ("persons", 12): "户籍区划370899999999不存在",
        ("persons", 13): "身份证号与第2行重复",
        ("persons", 14): "与户主关系cousin无效",
        ("deaths", 2): "身份证号校验位错误，请核对后重新输入",
    }
    assert summary["rejected"] == 8 and summary["persons_added"] == Person.objects.count() == 6


def test_rows_rejected_last_month_and_unchanged_are_rejected_again(city: Path, tmp_path: Path) -> None:
    rows = rows_of(city)[:6]
    bad = [{**rows[1], "id_number": rows[1]["id_number"][:17]}, rows[2]]  # a short ID; an ID twice
    june = write(tmp_path / "2025-06", [*rows, *bad])
    registry_load(snapshot=june, actor=system())
    july = write(tmp_path / "2025-07", [*rows, *bad])

    summary = registry_load(snapshot=july, actor=system())

    assert summary["compared_with"] == "file" and summary["changes"] == 0
    load = RegistryLoad.objects.get(month="2025-07")
    assert {(r.line, r.reason) for r in load.rejects.all()} == {
        (8, "身份证号应为18位，当前为17位"),
        (9, "身份证号与第4行重复"),
    }


def test_a_last_month_file_changed_or_gone_since_its_load_makes_the_sync_compare_with_the_registry(
    city: Path, tmp_path: Path
) -> None:
    rows = rows_of(city)
    june = write(tmp_path / "2025-06", rows)
    registry_load(snapshot=june, actor=system())
    before = registry()
    # Someone rewrote June's file after it was loaded: it no longer says what the registry holds.
    write(june, [{**r, "name": r["name"] + "甲"} for r in rows])

    summary = registry_load(snapshot=write(tmp_path / "2025-07", rows), actor=system())

    assert summary["compared_with"] == "registry" and summary["changes"] == 0
    assert registry() == before
    (tmp_path / "2025-07" / "persons.csv").unlink()
    renamed = [{**r, "name": r["name"] + "乙"} if i == 0 else r for i, r in enumerate(rows)]
    summary = registry_load(snapshot=write(tmp_path / "2025-08", renamed), actor=system())
    assert summary["compared_with"] == "registry" and summary["field_changes"] == 1


def test_a_load_that_fails_midway_leaves_the_previous_registry_intact(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry_load(snapshot=city, actor=system())
    before = registry()
    rows = rows_of(city)
    newcomer = {
        **rows[0],
        "id_number": make_id_number("370811", dt.date(1970, 5, 5), 33, "M"),
        "birth_date": "1970-05-05",
        "sex": "M",
        "relation": "other",
        "name": "迁入者",
    }
    july = [{**r, "name": r["name"] + "改"} for r in rows] + [newcomer]
    snapshot = write(tmp_path / "2025-07", july)

    def broken(values: list[str]) -> list[str]:
        raise RuntimeError("加密服务中断")

    monkeypatch.setattr(bulk.crypto, "encrypt_many", broken)
    with pytest.raises(RuntimeError):
        registry_load(snapshot=snapshot, actor=system())

    assert registry() == before
    assert RegistryLoad.objects.count() == 1 and PersonChange.objects.count() == 0
    assert not Person.objects.filter(name="迁入者").exists()


def test_only_the_system_may_bulk_load_the_registry(city: Path, make_user: Any) -> None:
    with pytest.raises(Denied):
        registry_load(snapshot=city, actor=make_user("city_officer", "370800"))
    assert Person.objects.count() == 0


def test_the_command_loads_a_snapshot_and_reports_the_counts(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("registry_load", str(city), "--batch-size", "128")
    out = capsys.readouterr().out
    assert "首次装载完成：文件400行，拒收0行" in out
    assert Person.objects.count() == 400


def test_a_snapshot_without_a_persons_file_is_refused_with_a_chinese_message(tmp_path: Path) -> None:
    (tmp_path / "2025-06").mkdir()
    with pytest.raises(Exception, match="没有persons文件"):
        registry_load(snapshot=tmp_path / "2025-06", actor=system())


def test_the_csv_reader_streams_in_batches(city: Path) -> None:
    batches = list(bulk._stage_rows(city / "persons.csv", bulk.PERSON_COLUMNS, 64))
    assert sum(b.num_rows for b in batches) == 400
    assert batches[0].column("line").to_pylist()[0] == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_load_whose_database_session_is_killed_midway_leaves_the_committed_registry_intact(
    city_db: None, city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    registry_load(snapshot=city, actor=system())
    before = registry()
    rows = rows_of(city)
    snapshot = write(
        tmp_path / "2025-07",
        [{**r, "name": r["name"] + "改"} for r in rows]
        + [
            {
                **rows[0],
                "id_number": make_id_number("370811", dt.date(1970, 5, 5), 33, "M"),
                "birth_date": "1970-05-05",
                "sex": "M",
                "relation": "other",
                "name": "迁入者",
            }
        ],
    )
    real = crypto.encrypt_many
    s = connection.settings_dict

    def killed(values: list[str]) -> list[str]:
        pid = connection.connection.info.backend_pid
        with psycopg.connect(
            host=s["HOST"],
            port=s["PORT"],
            user=s["USER"],
            password=s["PASSWORD"],
            dbname=s["NAME"],
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return real(values)

    monkeypatch.setattr(bulk.crypto, "encrypt_many", killed)
    with pytest.raises(Exception):  # noqa: B017  (the server ended the session: any database error)
        registry_load(snapshot=snapshot, actor=system())
    connection.close()

    assert registry() == before
    assert RegistryLoad.objects.count() == 1 and not Person.objects.filter(name="迁入者").exists()


def test_a_large_file_is_hashed_and_encrypted_in_worker_processes_with_the_same_result(
    city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry_load(snapshot=city, actor=system(), batch_size=64)
    in_process = registry()
    Membership.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()
    RegistryLoad.objects.all().delete()
    monkeypatch.setattr(bulk, "POOL_MIN_BYTES", 0)

    summary = registry_load(snapshot=city, actor=system(), batch_size=64)

    assert summary["mode"] == "load" and summary["persons_added"] == 400
    assert registry() == in_process
    first = rows_of(city)[0]
    assert Person.objects.get(id_hash=crypto.blind_index(first["id_number"])).id_number == first["id_number"]


def _schema(tables: tuple[str, ...]) -> set[tuple[str, ...]]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)]
        )
        indexes = {tuple(r) for r in cur.fetchall()}
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable::text, "
            "condeferred::text FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [list(tables)],
        )
        return indexes | {tuple(r) for r in cur.fetchall()}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_first_load_on_postgresql_rebuilds_every_index_and_constraint_it_set_aside(city: Path) -> None:
    tables = ("people_person", "people_household", "people_membership")
    before = _schema(tables)
    assert len(before) > 20

    registry_load(snapshot=city, actor=system())

    assert _schema(tables) == before
    with connection.cursor() as cur:  # the blind index is an index seek again, not a scan
        cur.execute(
            "EXPLAIN SELECT id FROM people_person WHERE id_hash = %s",
            [crypto.blind_index(rows_of(city)[0]["id_number"])],
        )
        assert "Index" in " ".join(r[0] for r in cur.fetchall())
