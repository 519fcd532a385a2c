"""Test settings: fast hashing; the database follows MINZHENG_DB (sqlite default, postgres in CI)."""

import os
import sys
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATA_DIR = Path(tempfile.mkdtemp(prefix="minzheng-test-"))
SNAPSHOT_DIR = DATA_DIR / "snapshots"
MEDIA_ROOT = DATA_DIR / "media"
AUDIT_ANCHOR_FILE = DATA_DIR / "audit-anchors.log"  # tests/conftest.py gives each test its own
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    if os.environ.get("MINZHENG_E2E") or any("tests/e2e" in arg for arg in sys.argv):
        # The browser suite's live server answers requests on several threads. An in-memory database
        # is one connection shared by all of them, so two concurrent requests (a page and the service
        # worker's fetch) collided mid-transaction. A file, with base.py's options (WAL, IMMEDIATE,
        # busy timeout), gives each thread its own connection.
        DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "e2e.sqlite3")}
    else:
        DATABASES["default"]["NAME"] = ":memory:"
        DATABASES["default"]["OPTIONS"] = {}
AXES_ENABLED = True
MIDDLEWARE = ["minzheng.core.testing.RecordUrlsMiddleware", *MIDDLEWARE]  # noqa: F405
OTP_REQUIRED_ROLES = []  # tests that exercise the second factor set it themselves
