"""The synthetic city of the screening tests (6,000 persons, July 2025), imported and ready to screen;
and the elderly line's own fixtures: a full-score capability object and an elder of a given age."""

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.screening.test_publish import MONTH, city, city_files  # noqa: F401

FULL: dict[str, Any] = {
    "self_care": {
        "eating": 4,
        "grooming": 4,
        "bathing": 4,
        "dressing_upper": 4,
        "dressing_lower": 4,
        "urination": 4,
        "defecation": 4,
        "toileting": 4,
    },
    "mobility": {"bed_transfer": 4, "chair_transfer": 4, "walking": 4, "stairs": 3},
    "mental": {
        "time_orientation": 4,
        "space_orientation": 4,
        "person_orientation": 4,
        "memory": 4,
        "comprehension": 4,
        "expression": 4,
        "aggression": 1,
        "depression": 1,
        "consciousness": 2,
    },
    "perception": {"vision": 2, "hearing": 2, "daily_affairs": 4, "transport": 3, "social": 4},
    "coma": False,
    "diagnosis": False,
    "risk_events_30d": {},
}


@pytest.fixture
def capability() -> Callable[..., dict[str, Any]]:
    """A capability object scoring `total` (points taken off from the first items on)."""

    def make(total: int = 90, **flags: Any) -> dict[str, Any]:
        c = copy.deepcopy(FULL)
        drop = 90 - total
        for part in ("self_care", "mobility", "mental", "perception"):
            for k in c[part]:
                d = min(drop, c[part][k])
                c[part][k] -= d
                drop -= d
        c.update(flags)
        return c

    return make


@pytest.fixture
def make_elder(make_person: Callable[..., Any]) -> Callable[..., Any]:
    def make(age: int = 75, **kw: Any) -> Any:
        today = timezone.localdate()
        return make_person(birth=dt.date(today.year - age, 1, 1), **kw)

    return make


LEVEL_TOTALS = {0: 90, 1: 74, 2: 55, 3: 38, 4: 16}  # totals that grade to each level (≥90, 66, 46, 30)


def record_level(make_user: Callable[..., Any], person: Any, level: int, days_ago: int = 10) -> Any:
    """A recorded assessment of `person` grading to `level`, through the service, by two clerks of the
    person's township: the only way a level comes to exist."""
    from minzheng.elderly.services import assessment_record

    town = person.region_code[:9]
    c = copy.deepcopy(FULL)
    drop = 90 - LEVEL_TOTALS[level]
    for part in ("self_care", "mobility", "mental", "perception"):
        for k in c[part]:
            d = min(drop, c[part][k])
            c[part][k] -= d
            drop -= d
    a = assessment_record(
        actor=make_user("township_clerk", town),
        person=person,
        second_assessor=make_user("township_clerk", town),
        capability=c,
        assessed_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )
    assert a.level == level
    return a


@pytest.fixture
def assessed(make_user: Callable[..., Any]) -> Callable[..., Any]:
    def make(person: Any, level: int, days_ago: int = 10) -> Any:
        return record_level(make_user, person, level, days_ago)

    return make


def record_level_e2e(person: Any, level: int, days_ago: int = 10) -> Any:
    """record_level for the browser tests (no make_user there): the two assessors are desk users made
    through tests.e2e.conftest.staff, named apart so a test may assess more than one elder."""
    from minzheng.elderly.models import CapabilityAssessment
    from tests.e2e.conftest import staff

    n = CapabilityAssessment.objects.count()

    def make(role: str, region_code: str) -> Any:
        nonlocal n
        n += 1
        return staff(f"pinggu{n}", role, region_code)

    return record_level(make, person, level, days_ago)
