"""The same rules on Spark (pyspark local[2], SQL transpiled from DuckDB by sqlglot) give exactly the
alerts DuckDB gives on the same small city, statuses included."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark")
pytest.importorskip("sqlglot")

from minzheng.demo.planted import plant_cases
from minzheng.demo.synth import generate_city
from minzheng.monitoring.engine import policy_from_fixture, prepare, screen

pytestmark = pytest.mark.spark
MONTH = "2025-07"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("minzheng-screening-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("city")
    generate_city(persons=2000, seed=7, out_dir=root, month=MONTH)
    snap, enrol = root / MONTH, root / "enrolments.parquet"
    expected = plant_cases(snapshot=snap, enrolments=enrol, month=MONTH)
    regions = pq.read_table(snap / "persons.parquet", columns=["hukou_region"]).column(0)
    policy = policy_from_fixture(MONTH, {str(r)[:6] for r in regions.unique().to_pylist()})
    return {"root": root, "snapshot": snap, "enrolments": enrol, "policy": policy, "expected": expected}


def rows(path: Path) -> list[dict[str, Any]]:
    out = pq.read_table(path).to_pylist()
    for r in out:
        r["evidence"] = json.loads(r["evidence"])
    return out


def test_spark_and_duckdb_publish_identical_alerts(spark: Any, city: dict[str, Any]) -> None:
    runs = {}
    for engine in ("duckdb", "spark"):
        out = city["root"] / engine
        summary = screen(
            snapshot=city["snapshot"],
            enrolments=city["enrolments"],
            policy=city["policy"],
            out_dir=out,
            engine=engine,
        )
        assert summary["engine"] == engine and summary["skipped"] == {}
        runs[engine] = (summary, rows(out / f"alerts-{MONTH}.parquet"))
    (duck_summary, duck), (spark_summary, sprk) = runs["duckdb"], runs["spark"]
    assert duck_summary["by_rule"] == spark_summary["by_rule"]
    assert len(duck) > 50
    assert duck == sprk
    found = {(r["rule"], r["id_number"]) for r in sprk}
    for rule, ids in city["expected"].items():
        if not rule.startswith("not:"):
            assert {(rule, i) for i in ids} <= found, rule


def test_spark_marks_status_against_the_previous_month_like_duckdb(spark: Any, city: dict[str, Any]) -> None:
    """July's DuckDB alerts with one rule dropped serve as the previous month of both engines."""
    prev_dir = city["root"] / "prev"
    prev_dir.mkdir()
    previous = prev_dir / f"alerts-{MONTH}.parquet"
    shutil.copy(city["root"] / "duckdb" / f"alerts-{MONTH}.parquet", previous)
    table = pq.read_table(previous)
    keep = [r for r in table.to_pylist() if r["rule"] != "margin_household"]
    gone = {**keep[0], "rule": "dibao_business", "id_number": "110101190001010011"}
    pq.write_table(table.from_pylist([*keep, gone], table.schema), previous)
    results = {}
    for engine in ("duckdb", "spark"):
        out = city["root"] / f"{engine}-2"
        screen(
            snapshot=city["snapshot"],
            enrolments=city["enrolments"],
            policy=city["policy"],
            out_dir=out,
            engine=engine,
            previous=previous,
        )
        results[engine] = rows(out / f"alerts-{MONTH}.parquet")
    assert results["duckdb"] == results["spark"]
    status = {(r["rule"], r["status"]) for r in results["spark"]}
    assert ("margin_household", "new") in status and ("margin_household", "persisting") not in status
    assert ("dibao_business", "resolved") in status and ("duplicate_person", "persisting") in status


def test_spark_screens_on_the_facts_duckdb_prepared_with_the_same_alerts(
    spark: Any, city: dict[str, Any], tmp_path: Path
) -> None:
    snap = tmp_path / MONTH
    shutil.copytree(city["snapshot"], snap)
    prepare(snapshot=snap, month=MONTH, threads=2)
    results = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / engine
        summary = screen(
            snapshot=snap, enrolments=city["enrolments"], policy=city["policy"], out_dir=out, engine=engine
        )
        assert summary["facts"] == "prepared"
        results[engine] = rows(out / f"alerts-{MONTH}.parquet")
    assert len(results["duckdb"]) > 50
    assert results["spark"] == results["duckdb"]
