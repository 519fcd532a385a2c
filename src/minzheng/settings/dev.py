"""`make run`: local SQLite, DEBUG on for readable errors on the developer's machine."""

from .base import *  # noqa: F403

DEBUG = True
