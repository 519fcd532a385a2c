"""Restore drill: a restored system answers the same queries identically; a damaged backup is refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.screening.test_at_rest import scan

QUERY = (
    "import json;from minzheng.people.models import Person;from minzheng.benefits.models import Enrolment;"
    "from minzheng.audit.services import audit_verify;from django.conf import settings;"
    "print(json.dumps({'persons': Person.objects.filter(temp_number__isnull=True).count(),"
    "'alive': Person.objects.filter(is_alive=True).count(),"
    "'names': sorted(Person.objects.values_list('name', flat=True))[:50],"
    "'enrolments': sorted(Enrolment.objects.values_list('programme', 'monthly_amount')),"
    "'audit_ok': audit_verify() == [],"
    "'snapshots': sorted(str(p.relative_to(settings.SNAPSHOT_DIR))"
    " for p in settings.SNAPSHOT_DIR.rglob('*'))}))"
)


def _run(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "minzheng.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def test_a_backup_restores_to_a_system_that_answers_identically(tmp_path):
    env = {
        **os.environ,
        "MINZHENG_DB": "sqlite",
        "MINZHENG_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "minzheng.settings.dev",
    }
    assert _run(env, "migrate", "-v0").returncode == 0
    setup = _run(env, "setup-demo", "--persons", "400")
    assert setup.returncode == 0, setup.stderr
    before = json.loads(_run(env, "shell", "-c", QUERY).stdout.strip().splitlines()[-1])
    assert before["persons"] == 400 and before["audit_ok"] and before["snapshots"]
    # The demo's generated departmental files (IDs in clear) never stay in the data directory.
    assert not any("demo" in p for p in before["snapshots"])
    assert scan(tmp_path / "data" / "snapshots")[0] == {}
    out = tmp_path / "backup"
    assert _run(env, "backup", "--out", str(out)).returncode == 0
    (tmp_path / "data" / "minzheng.sqlite3").unlink()
    shutil.rmtree(tmp_path / "data" / "snapshots")
    restored = _run(env, "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    after = json.loads(_run(env, "shell", "-c", QUERY).stdout.strip().splitlines()[-1])
    assert after == before
    # a damaged backup is refused and changes nothing
    (out / "files.tar.gz").write_bytes(b"broken")
    refused = _run(env, "restore", str(out))
    assert refused.returncode != 0 and "校验失败" in refused.stderr
    assert json.loads(_run(env, "shell", "-c", QUERY).stdout.strip().splitlines()[-1]) == before
