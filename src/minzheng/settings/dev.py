"""`make run`: local SQLite, DEBUG on for readable errors on the developer's machine."""

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = True
DATA_DIR.mkdir(parents=True, exist_ok=True)
