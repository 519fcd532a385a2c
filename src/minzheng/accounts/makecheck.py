"""Make-and-check (经办与复核分离): whoever made a record (registered an income, proposed a recovery,
recorded points, prepared a list) never checks it; another person does. One rule for every line, so the
buttons a page offers and the refusal of the service cannot drift apart."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

SAME_PERSON = "经办与复核须由不同人员办理：登记人不能复核自己登记的事项"


def is_other_person(actor: Any, made_by_id: int | None) -> bool:
    """True when `actor` is not the person who made the record (a record nobody made counts as other)."""
    return made_by_id is None or made_by_id != getattr(actor, "pk", None)


def require_other_person(actor: Any, made_by_id: int | None, *, message: str = SAME_PERSON) -> None:
    """Refuse in Chinese (a ValidationError, nothing changes) when `actor` made the record themself."""
    if not is_other_person(actor, made_by_id):
        raise ValidationError(message)
