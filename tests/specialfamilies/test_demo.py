"""The demo city shows the special-difficulty families line with data written through its services."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import Client


def test_the_demo_shows_special_families_a_condolence_list_to_decide_and_tekun_files(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    from minzheng.accounts.models import User
    from minzheng.specialfamilies.models import CondolenceRun, HardshipHousehold, TekunWillingness

    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    out = io.StringIO()
    call_command("setup_demo", persons=600, seed=3, stdout=out)
    assert "特殊困难家庭：认定" in out.getvalue(), out.getvalue()
    assert HardshipHousehold.objects.exists() and TekunWillingness.objects.exists()
    run = CondolenceRun.objects.get()
    c = Client()
    c.force_login(User.objects.get(username="caiwu"))
    home = c.get("/").content.decode()
    assert "待审定的节日慰问金名单" in home
    c.force_login(User.objects.get(username="xianji"))
    page = c.get("/specialfamilies/").content.decode()
    assert "特殊困难家庭人员" in page and run.lines.count() >= 0
