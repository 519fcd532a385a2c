"""The demo city and its tooling live in minzheng.demo, the top layer: no app imports it, core names no
app above it, and `setup_demo` (what `make run` calls) still builds the demo city on a fresh database."""

from __future__ import annotations

import ast
import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from minzheng.accounts.models import User
from minzheng.core import crypto, labels
from minzheng.exchange.models import Snapshot
from minzheng.monitoring.models import ScreeningRun
from minzheng.people.models import Person

SRC = Path(__file__).resolve().parents[2] / "src" / "minzheng"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_app_imports_the_demo_package():
    offenders = sorted(
        f"{path.relative_to(SRC)}: {module}"
        for path in SRC.rglob("*.py")
        if "demo" not in path.relative_to(SRC).parts[:1]
        for module in _imports(path)
        if module == "minzheng.demo" or module.startswith("minzheng.demo.")
    )
    assert offenders == []


def test_core_imports_no_app_above_it():
    """core is the ground floor: labels of states, regions and policy keys come from lookups the apps
    register, not from core importing them."""
    offenders = sorted(
        f"{path.relative_to(SRC)}: {module}"
        for path in (SRC / "core").rglob("*.py")
        for module in _imports(path)
        if module.startswith("minzheng.") and not module.startswith("minzheng.core")
    )
    assert offenders == []


def test_the_apps_register_the_labels_core_shows(db: Any):
    assert labels.STATES["draft"] == "草稿"  # assistance's states
    assert labels.region_name("370811") == "任城区"  # regions
    assert labels.policy_labels(["dibao.standard"])["dibao.standard"][0] == "低保标准"  # policy


def test_setup_demo_builds_the_demo_city_users_and_first_screening(db: Any, settings: Any, tmp_path: Path):
    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    out = io.StringIO()
    call_command("setup_demo", persons=400, seed=2, stdout=out)
    text = out.getvalue()
    # the registry's 400 residents; the vagrants demo adds a found person known only by a temporary number
    assert Person.objects.filter(temp_number__isnull=True).count() == 400
    assert Snapshot.objects.filter(status="accepted").count() == 1
    assert ScreeningRun.objects.exists()
    assert User.objects.filter(username="shiji", role="city_officer").exists()
    assert "演示账号" in text and "动态监测" in text
    # 指尖办: an existing household head got the demo phone (no new person); the output says how to sign in
    resident = Person.objects.get(phone_hash=crypto.blind_index("13800001234"))
    assert f"身份证号 {resident.id_number} 登录" in text and "本地短信通道" in text

    again = io.StringIO()
    call_command("setup_demo", persons=400, seed=2, stdout=again)  # a second run keeps what is there
    assert "跳过" in again.getvalue() and Person.objects.filter(temp_number__isnull=True).count() == 400
