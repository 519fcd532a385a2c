"""What a death stops beyond the benefits: every registered line's services (a 12349 order in service,
a visitor's schedule, a care-home stay, the 244 ledger …), in one place and one transaction.

The funeral one-thing (身后一件事) stops the benefits over the one enrolment table and then calls
`death_effects_apply` once; each line's hook (`Line(on_death=…)` / `Programme(on_death=…)`) stops what is
still open and says what it stopped. The list is kept in the audit trail (one row per call that stopped
something), which is where the case page and the family's receipt read it back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.audit.services import audit_record

from .registry import DeathEffect, activity_hooks, death_hooks

TARGET = "person.death_effects"


@transaction.atomic
def death_effects_apply(*, actor: Any, person: Any, died_on: dt.date) -> list[DeathEffect]:
    """Call every registered death hook for `person`, who died on `died_on`; all or nothing. Idempotent:
    a hook stops only what is still open, so a second call stops nothing and records nothing."""
    if person.is_alive or person.death_date is None:
        raise ValidationError("请先登记死亡，再终止各项服务")
    effects: list[DeathEffect] = []
    for _name, hook in death_hooks():
        effects.extend(hook(actor=actor, person=person, died_on=died_on))
    if effects:
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type=TARGET,
            target_id=person.pk,
            region_code=person.region_code,
            detail=f"死亡后终止{len(effects)}项服务",
            new={"effects": [[e.line, e.what, e.text] for e in effects], "died_on": died_on},
        )
    return effects


def death_effects_recorded(*, person: Any) -> list[DeathEffect]:
    """Everything the death hooks stopped for `person`, in the order they stopped it (one query)."""
    rows = AuditLog.objects.filter(target_type=TARGET, target_id=str(person.pk)).order_by("seq")
    return [
        DeathEffect(*e) for new in rows.values_list("new", flat=True) for e in (new or {}).get("effects", [])
    ]


def activity_after(*, person: Any, after: dt.date) -> list[str]:
    """What any line recorded of `person` after `after`, asking every line that registered a hook (a
    read; one query or so per line): a death date before it cannot be right."""
    found: list[str] = []
    for name, hook in activity_hooks():
        found.extend(f"{name}：{text}" for text in hook(person=person, after=after))
    return found
