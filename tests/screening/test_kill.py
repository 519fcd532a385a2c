"""kill -9 of a screening run at random points, 20 runs (issue 7): the published month stays exactly as it
was, nothing partial is visible, and a clean re-run publishes once with no duplicates."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

MONTH = "2025-07"
SETUP = f"""
from pathlib import Path
from minzheng.demo.synth import generate_city
from minzheng.exchange.services import snapshot_import
from minzheng.people.importers import people_import_snapshot
from minzheng.benefits.importers import enrolments_import
from minzheng.regions.services import regions_load
from minzheng.accounts.system import system_actor
system = system_actor(purpose='测试')
from minzheng.policy.services import policy_load_fixture
regions_load(); policy_load_fixture()
out = Path(r'{{out}}')
generate_city(persons=5000, seed=9, out_dir=out, month='{MONTH}')
assert snapshot_import(actor=system, source_dir=out / '{MONTH}').accepted
people_import_snapshot(snapshot=out / '{MONTH}', actor=system)
enrolments_import(path=out / 'enrolments.parquet', actor=system)
"""
STATE = (
    "import json;from minzheng.monitoring.models import Alert, ScreeningRun;"
    "pub=ScreeningRun.objects.filter(status='published');"
    "print(json.dumps({'published': pub.count(), 'alerts': Alert.objects.filter(run__in=pub).count(),"
    "'orphans': Alert.objects.exclude(run__status__in=['published','superseded']).count(),"
    "'dup': Alert.objects.filter(run__in=pub).count() - len(set(Alert.objects.filter(run__in=pub)"
    ".values_list('rule','id_hash')))}))"
)


def _cli(env: dict[str, str], *args: str, **kw):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "minzheng.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        **kw,
    )


def _state(env: dict[str, str]) -> dict[str, int]:
    return json.loads(_cli(env, "shell", "-c", STATE).stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_kill_9_during_screening_never_leaves_partial_results(tmp_path):
    env = {
        **os.environ,
        "MINZHENG_DB": "sqlite",
        "MINZHENG_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "minzheng.settings.dev",
    }
    assert _cli(env, "migrate", "-v0").returncode == 0
    setup = _cli(env, "shell", "-c", SETUP.replace("{out}", str(tmp_path / "city")))
    assert setup.returncode == 0, setup.stderr
    t0 = time.monotonic()
    first = _cli(env, "screen", "--month", MONTH)
    duration = time.monotonic() - t0
    assert first.returncode == 0, first.stderr
    before = _state(env)
    assert before["published"] == 1 and before["alerts"] > 0 and before["dup"] == 0
    rng = random.Random(20)
    killed = tries = 0
    while killed < 10 and tries < 40:  # ten real interruptions; a busy machine finishes some runs first
        tries += 1
        proc = subprocess.Popen(
            [sys.executable, "-m", "minzheng.cli", "screen", "--month", MONTH],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 0.7) * duration)  # a random point inside a full run
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        state = _state(env)
        assert state["published"] == 1 and state["orphans"] == 0 and state["dup"] == 0, state
    assert killed >= 10, f"only {killed} of {tries} runs were interrupted"
    again = _cli(env, "screen", "--month", MONTH)
    assert again.returncode == 0, again.stderr
    after = _state(env)
    assert after == before
