"""Each line's demo data (elder profiles, visits, orders, child files …), one module per line:
`seed(*, actor, seed: int) -> str` writes through the line's own services and returns one Chinese line
for the console. `setup_demo` runs every module here, in name order, once the demo city and the demo
accounts exist; a line adds its module here and edits nothing else. A module that sums what the others
wrote (the cockpit freezes past months) says `LAST = True` and runs after them."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from typing import Any


def seeders() -> list[tuple[str, Callable[..., str]]]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    modules = [(name, import_module(f"{__name__}.{name}")) for name in names]
    modules.sort(key=lambda nm: bool(getattr(nm[1], "LAST", False)))  # stable: name order otherwise
    return [(name, module.seed) for name, module in modules]


def seed_lines(*, actor: Any, seed: int) -> list[str]:
    return [run(actor=actor, seed=seed) for _, run in seeders()]
