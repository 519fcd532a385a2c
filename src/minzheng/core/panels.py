"""一人一档: programme apps plug panels into the person page without the people app knowing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonPanel:
    title: str
    template: str
    # (actor=..., person=...) -> template context, or None when the panel does not concern the person
    context: Callable[..., dict[str, Any] | None]
    order: int = 100


_PANELS: list[PersonPanel] = []


def register_person_panel(panel: PersonPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: p.order)


def person_panels() -> list[PersonPanel]:
    return list(_PANELS)


def person_panel_contexts(*, actor: Any, person: Any) -> list[tuple[PersonPanel, dict[str, Any]]]:
    """The panels of the person page with their contexts, leaving out those that do not concern the
    person (a child's page has no high-age panel)."""
    shown = []
    for panel in person_panels():
        ctx = panel.context(actor=actor, person=person)
        if ctx is not None:
            shown.append((panel, ctx))
    return shown
