"""The synthetic city of the screening tests (6,000 persons, July 2025), imported and ready to screen;
and a child with the two parents' situations, for the category case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.screening.test_publish import MONTH, city, city_files  # noqa: F401

EVIDENCE = {
    "evidence_kind": "死亡证明",
    "evidence_number": "SW2024-0001",
    "evidence_date": dt.date(2024, 3, 1),
    "evidence_issuer": "任城区人民医院",
}


def parent(situation: str, **kw: Any) -> dict[str, Any]:
    return {"situation": situation, **({} if situation == "none" else EVIDENCE), **kw}


@pytest.fixture
def child(make_person):
    return make_person(birth=dt.date(2015, 5, 5), name="李小明", hukou_type="rural")
