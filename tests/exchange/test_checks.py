"""The startup checks of the snapshot store at rest (exchange/checks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minzheng.exchange.checks import snapshot_store_at_rest


def test_a_server_without_a_declared_encrypted_volume_or_with_an_open_store_dir_warns_at_startup(
    settings: Any, tmp_path: Path
) -> None:
    settings.DEBUG = False
    settings.SNAPSHOT_VOLUME_ENCRYPTED = False
    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    settings.SNAPSHOT_DIR.mkdir(mode=0o755)
    settings.SNAPSHOT_DIR.chmod(0o755)

    assert [w.id for w in snapshot_store_at_rest()] == ["exchange.W001", "exchange.W002"]

    settings.SNAPSHOT_VOLUME_ENCRYPTED = True
    settings.SNAPSHOT_DIR.chmod(0o700)
    assert snapshot_store_at_rest() == []
