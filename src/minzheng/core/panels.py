"""一人一档: programme apps plug panels into the person page without the people app knowing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonPanel:
    title: str
    template: str
    context: Callable[..., dict[str, Any]]  # (actor=..., person=...) -> template context
    order: int = 100


_PANELS: list[PersonPanel] = []


def register_person_panel(panel: PersonPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: p.order)


def person_panels() -> list[PersonPanel]:
    return list(_PANELS)
