"""The cockpit's figures are written by the house formatter (core/formats.py), shared with the funds pages."""

from __future__ import annotations

from minzheng.core.formats import MONEY, RATE, figure

__all__ = ["MONEY", "RATE", "figure"]
