"""`make run`: local SQLite, DEBUG on for readable errors on the developer's machine."""

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = True
# Demo machines: only the admin needs the authenticator app (production requires it for all staff).
OTP_REQUIRED_ROLES = ["sysadmin"]
DATA_DIR.mkdir(parents=True, exist_ok=True)
