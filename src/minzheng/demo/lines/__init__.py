"""Each line's demo data (elder profiles, visits, orders, child files …), one module per line:
`seed(*, actor, seed: int) -> str` writes through the line's own services and returns one Chinese line
for the console. `setup_demo` runs every module here, in name order, once the demo city and the demo
accounts exist; a line adds its module here and edits nothing else."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from typing import Any


def seeders() -> list[tuple[str, Callable[..., str]]]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [(name, import_module(f"{__name__}.{name}").seed) for name in names]


def seed_lines(*, actor: Any, seed: int) -> list[str]:
    return [run(actor=actor, seed=seed) for _, run in seeders()]
