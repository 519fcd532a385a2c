"""Test settings: fast hashing; the database follows MINZHENG_DB (sqlite default, postgres in CI)."""

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
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"] = {}
AXES_ENABLED = True
MIDDLEWARE = ["minzheng.core.testing.RecordUrlsMiddleware", *MIDDLEWARE]  # noqa: F405
OTP_REQUIRED_ROLES = []  # tests that exercise the second factor set it themselves
