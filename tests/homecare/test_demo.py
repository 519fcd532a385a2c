from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from minzheng.homecare.models import Alarm, Carer, Order, Settlement


def test_setup_demo_shows_the_12349_line_with_orders_in_several_states_a_settlement_and_alarms(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    settings.SNAPSHOT_DIR = str(tmp_path / "snapshots")
    out = io.StringIO()
    call_command("setup_demo", persons=400, seed=3, stdout=out)
    assert "12349居家服务：服务商2家" in out.getvalue(), out.getvalue()[-800:]
    assert Carer.objects.count() == 3
    states = set(Order.objects.values_list("state", flat=True))
    assert {"taken", "dispatched", "serving", "served", "confirmed"} <= states
    assert Settlement.objects.filter(state="checked").exists()
    assert (
        Alarm.objects.filter(state="open", repeats=1).exists()
        and Alarm.objects.filter(state="closed").exists()
    )
