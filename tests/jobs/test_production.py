"""The production settings as deploy/ runs them: gunicorn's app loads, static files are collected with
hashed, compressed names and served by whitenoise, and database connections come from psycopg's pool."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from minzheng.wsgi import application
from django.contrib.staticfiles.storage import staticfiles_storage
url = staticfiles_storage.url("css/app.css")
response = Client(SERVER_NAME="minzheng.example.gov.cn").get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
print("URL", url)
print("STATUS", response.status_code, response.get("Content-Encoding", ""), response.get("Cache-Control", ""))
print("POOL", settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"])
print("MW", settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware"))
"""


def _env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "minzheng.settings.production",
        "MINZHENG_DB": "postgres",
        "MINZHENG_DATA_DIR": str(data),
        "MINZHENG_SECRET_KEY": "test-secret-key-" + "x" * 50,
        "MINZHENG_FIELD_KEYS": "q8rJ3cN6uYz0m2v5b8X1w4E7t0R3y6U9i2O5p8A1s4D=",
        "MINZHENG_HASH_KEY": "test-hash-key",
        "MINZHENG_AUDIT_KEY": "test-audit-key",
        "MINZHENG_ALLOWED_HOSTS": "minzheng.example.gov.cn",
        "MINZHENG_DB_POOL_MAX": "6",
    }


def test_production_collects_hashed_compressed_static_files_that_whitenoise_serves(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    cli = [sys.executable, "-m", "minzheng.cli"]
    collect = subprocess.run(
        [*cli, "collectstatic", "--noinput", "-v", "0"], env=env, capture_output=True, text=True, timeout=300
    )
    assert collect.returncode == 0, collect.stderr
    static = tmp_path / "data" / "static"
    manifest = json.loads((static / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    hashed = manifest["css/app.css"]
    assert hashed != "css/app.css" and (static / hashed).is_file() and (static / f"{hashed}.gz").is_file()

    probe = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert probe.returncode == 0, probe.stderr
    out = dict(line.split(" ", 1) for line in probe.stdout.splitlines() if " " in line)
    assert out["URL"] == f"/static/{hashed}"
    status, encoding, cache = [*out["STATUS"].split(" ", 2), "", ""][:3]
    assert status == "200" and encoding == "gzip" and "max-age=315360000" in cache and "immutable" in cache
    assert out["POOL"] == "6" and out["MW"] == "1"


def test_gunicorn_loads_the_application_under_the_production_settings(tmp_path: Path) -> None:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    check = subprocess.run(
        [str(gunicorn), "--check-config", "minzheng.wsgi:application"],
        env=_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0, check.stderr
