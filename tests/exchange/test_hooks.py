"""Monitoring follows an accepted snapshot through exchange/hooks.py (registered in its AppConfig.ready());
exchange itself imports nothing from monitoring."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from minzheng.accounts.system import system_actor
from minzheng.demo.synth import generate_city
from minzheng.exchange import hooks
from minzheng.exchange.selectors import snapshot_path
from minzheng.exchange.services import snapshot_import
from minzheng.monitoring import hooks as monitoring_hooks
from minzheng.monitoring.engine import runner

EXCHANGE = Path(__file__).resolve().parents[2] / "src" / "minzheng" / "exchange"
MONTH = "2025-06"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate_city(persons=400, seed=11, out_dir=out, month=MONTH)
    return out / MONTH


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_exchange_imports_nothing_from_monitoring_or_the_demo():
    offenders = {
        f"{path.relative_to(EXCHANGE)}: {module}"
        for path in EXCHANGE.rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith(("minzheng.monitoring", "minzheng.demo"))
    }
    assert offenders == set()


def test_monitoring_registers_its_followers_when_the_apps_are_ready():
    assert monitoring_hooks.facts_prepare in hooks._snapshot_followers
    assert monitoring_hooks.month_screen in hooks._upload_followers


def test_an_accepted_snapshot_triggers_monitorings_preparation_of_the_months_facts(
    db: Any, snapshots: Path, city: Path, monkeypatch: pytest.MonkeyPatch
):
    seen: list[hooks.AcceptedSnapshot] = []
    prepare = monitoring_hooks.facts_prepare

    def spy(event: hooks.AcceptedSnapshot) -> None:
        seen.append(event)
        prepare(event)

    monkeypatch.setattr(hooks, "_snapshot_followers", [spy])
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=city)
    assert result.accepted, result.errors
    where = snapshot_path(snapshot=result.snapshot)
    assert [(e.month, e.path) for e in seen] == [(MONTH, where)]
    assert runner.facts_ready(where, MONTH) == where / f"facts-{MONTH}"

    # already imported: nothing follows
    again = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=city)
    assert again.status == "already" and len(seen) == 1


def test_without_a_follower_the_import_stands_and_no_facts_are_prepared(
    db: Any, snapshots: Path, city: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(hooks, "_snapshot_followers", [])
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=city)
    assert result.accepted, result.errors
    assert runner.facts_ready(snapshot_path(snapshot=result.snapshot), MONTH) is None


def test_a_follower_that_fails_leaves_the_snapshot_accepted_with_a_warning(
    db: Any, snapshots: Path, city: Path, monkeypatch: pytest.MonkeyPatch
):
    def broken(event: hooks.AcceptedSnapshot) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(hooks, "_snapshot_followers", [broken])
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=city)
    assert result.accepted and result.snapshot is not None
    assert any("导入后续处理未完成（RuntimeError）" in w for w in result.warnings)
