"""The person page (一人一档) panel of the assistance line: this person's household applications."""

from __future__ import annotations

from typing import Any

from minzheng.accounts.scoping import scope
from minzheng.people.models import Person

from .models import Application


def applications_panel(*, actor: Any, person: Person) -> dict[str, Any]:
    qs = scope(Application.objects.filter(household__memberships__person=person), actor).distinct()
    return {"applications": list(qs.order_by("-created_at")[:20])}
