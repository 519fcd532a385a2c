"""The capability level a decision may rest on: the latest RECORDED assessment (CapabilityAssessment),
never a level typed on a profile or an admission form. The profile's copy is for lists only.

An assessment is current until its next due date (a year: GB/T 42195-2022); an older one is still the
latest fact but is flagged, and a new subsidy decision refuses it. Public helpers for facilities and
homecare, which read levels through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery

from .models import CapabilityAssessment


def _latest(person_ref: str, on: dt.date) -> Any:
    return CapabilityAssessment.objects.filter(person_id=OuterRef(person_ref), assessed_on__lte=on).order_by(
        "-assessed_on", "-pk"
    )


def level_subquery(on: dt.date, person_ref: str = "pk") -> Subquery:
    """The latest recorded level on `on` of the row's person (NULL when never assessed), for annotate."""
    return Subquery(_latest(person_ref, on).values("level")[:1])


def next_due_subquery(on: dt.date, person_ref: str = "pk") -> Subquery:
    """The next due date of that latest assessment (NULL when never assessed)."""
    return Subquery(_latest(person_ref, on).values("next_due")[:1])


def latest_assessment(person: Any, on: dt.date) -> CapabilityAssessment | None:
    """The person's latest recorded assessment on `on`, current or not."""
    return (
        CapabilityAssessment.objects.filter(person=person, assessed_on__lte=on)
        .order_by("-assessed_on", "-pk")
        .first()
    )


def is_current(assessment: CapabilityAssessment | None, on: dt.date) -> bool:
    """Recorded and not yet due again (older than a year = due)."""
    return assessment is not None and assessment.next_due > on


def assessed_levels(person_ids: Iterable[int], on: dt.date) -> dict[int, tuple[int, dt.date]]:
    """person id → (level, next due) of each person's latest recorded assessment: one query."""
    rows = (
        CapabilityAssessment.objects.filter(person_id__in=list(person_ids), assessed_on__lte=on)
        .order_by("person_id", "-assessed_on", "-pk")
        .values_list("person_id", "level", "next_due")
    )
    found: dict[int, tuple[int, dt.date]] = {}
    for pid, level, due in rows:
        found.setdefault(pid, (level, due))
    return found


def no_assessment_message(name: str, assessment: CapabilityAssessment | None) -> str:
    """What the desk reads when a decision needs a current assessment and there is none."""
    if assessment is None:
        return f"{name}尚无已记录的老年人能力评估，请先完成能力评估（由两名评估员评定并记录）"
    return (
        f"{name}最近一次能力评估为{assessment.assessed_on:%Y年%m月%d日}，已超过一年"
        f"（应于{assessment.next_due:%Y年%m月%d日}前复评），请先重新评估"
    )
