"""Fixtures of the visits line: special elders (profiles written through the line's own service)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from minzheng.people.models import Person
from minzheng.visits.services import living_situation_set
from tests.conftest import TOWN_A, VILLAGE_A


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user("township_clerk", TOWN_A)


@pytest.fixture
def make_elder(make_person: Callable[..., Person], clerk: Any) -> Callable[..., Person]:
    def make(
        village: str = VILLAGE_A, situation: str = "alone", birth: dt.date = dt.date(1945, 3, 1), **kw: Any
    ) -> Person:
        actor = kw.pop("actor", clerk)
        person = make_person(village=village, birth=birth, name=kw.pop("name", "王老汉"), **kw)
        if situation:
            living_situation_set(actor=actor, person=person, situation=situation, on=dt.date(2025, 1, 1))
        return person

    return make
