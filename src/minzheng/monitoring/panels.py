"""The person page (一人一档) panel of monitoring: this person's alerts, newest month first."""

from __future__ import annotations

from typing import Any

from minzheng.accounts.scoping import scope
from minzheng.people.models import Person

from .models import Alert, RunStatus


def alerts_panel(*, actor: Any, person: Person) -> dict[str, Any]:
    qs = scope(Alert.objects.filter(person=person, run__status=RunStatus.PUBLISHED), actor)
    return {"alerts": list(qs.order_by("-month", "severity_rank")[:20])}
