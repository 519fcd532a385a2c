"""One data contract (exchange/contract.py): the importer, the screening engine, the 核对 report and the
demo generator all take their sources and columns from it, and it matches the exchange format table."""

from __future__ import annotations

import ast
from pathlib import Path

import pyarrow.parquet as pq

from minzheng.demo import synth
from minzheng.exchange import contract, validation
from minzheng.monitoring.engine import rules
from minzheng.verification import services as verification

from .test_synth import DEPARTMENTS, EXCHANGE_COLUMNS

SRC = Path(__file__).resolve().parents[2] / "src" / "minzheng"


def test_the_contract_declares_the_sources_and_columns_of_the_exchange_format():
    assert {n: [c.name for c in s.columns] for n, s in contract.SOURCES.items()} == EXCHANGE_COLUMNS
    assert {n: s.department for n, s in contract.SOURCES.items()} == DEPARTMENTS
    for source in contract.SOURCES.values():
        assert all(c.label and not c.label.isascii() for c in source.columns), source.name
        assert set(source.key) <= {c.name for c in source.columns}, source.name


def test_the_engine_reads_its_source_columns_and_types_from_the_contract():
    assert set(rules.SOURCE_COLUMNS) <= set(contract.SOURCES)
    for name, columns in rules.SOURCE_COLUMNS.items():
        assert columns == {c: contract.SOURCES[name].col(c).sql_type for c in columns}, name
    assert {
        c: contract.ENROLMENTS.col(c).sql_type for c in rules.ENROLMENT_COLUMNS
    } == rules.ENROLMENT_COLUMNS
    # money with cents is exact in SQL, never a float
    assert rules.SOURCE_COLUMNS["medical"]["out_of_pocket"].startswith("DECIMAL")


def test_verification_checks_every_contract_source_but_the_population_base_under_its_label():
    assert set(verification.SOURCES) == set(contract.SOURCES) - {contract.POPULATION}
    assert {n: contract.SOURCES[n].display for n in verification.SOURCES} == verification.SOURCE_LABELS
    assert verification.SOURCE_LABELS["wages"] == "工资（人社/税务）"
    assert verification.SOURCE_LABELS["housing_fund"] == "公积金"  # the department already says it
    for needs in (*verification.TEST_SOURCES.values(), *verification.TEKUN_TEST_SOURCES.values()):
        assert set(needs) <= set(contract.SOURCES)
    assert verification.TEST_SOURCES["income"] == contract.INCOME_SOURCES


def test_the_importer_validates_and_stores_each_source_as_the_contract_declares():
    assert validation.SPECS is contract.SOURCES
    for name, source in contract.SOURCES.items():
        assert validation.target_schema(name).equals(source.schema)


def test_the_generator_writes_files_of_the_contract(tmp_path: Path):
    synth.generate_city(persons=300, seed=3, out_dir=tmp_path, month="2025-06")
    for name, source in contract.SOURCES.items():
        assert pq.read_schema(tmp_path / "2025-06" / f"{name}.parquet").equals(source.schema), name
    enrolments = pq.read_schema(tmp_path / "enrolments.parquet")
    assert all(enrolments.field(f.name).type == contract.ENROLMENTS.col(f.name).type for f in enrolments)
    assert {c.name for c in contract.ENROLMENTS.columns if c.required} <= set(enrolments.names)


def _declares_death_date(node: ast.AST) -> bool:
    """("death_date", pa.date32()) in an arrow schema or "death_date": "DATE" in an SQL column map."""
    if isinstance(node, ast.Tuple) and len(node.elts) == 2:
        name, kind = node.elts
        return isinstance(name, ast.Constant) and name.value == "death_date" and isinstance(kind, ast.Call)
    if isinstance(node, ast.Dict):
        return any(
            isinstance(k, ast.Constant) and k.value == "death_date" and isinstance(v, ast.Constant)
            for k, v in zip(node.keys, node.values, strict=True)
        )
    return False


def test_no_module_but_the_contract_declares_a_source_column_type():
    """A second declaration is how the three copies came about (generator, engine, verification)."""
    offenders = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "contract.py"
        and "migrations" not in path.parts
        and any(_declares_death_date(n) for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    )
    assert offenders == []
