"""minzheng 民政 — civil-affairs platform."""

__version__ = "0.1.0"
