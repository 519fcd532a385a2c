import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.facilities.models import Facility, Inspection, Inspector
from minzheng.facilities.selectors import rectifications_overdue
from minzheng.facilities.services import (
    draw_make,
    draw_pairs,
    facility_create,
    inspection_record,
    inspection_rectified,
)
from tests.conftest import TOWN_A


@pytest.fixture
def pool(officer: Any, home: Facility) -> list[Inspector]:
    for i in range(3):
        facility_create(
            actor=officer,
            name=f"养老院{i}",
            kind="nursing_home",
            operator="甲",
            address="乙",
            region_code=TOWN_A,
            beds_total=50,
            beds_nursing=30,
        )
    return [
        Inspector.objects.create(name=f"检查员{i}", unit="任城区民政局", region_code="370811")
        for i in range(5)
    ]


def test_a_draw_is_reproducible_from_its_published_seed_and_pools(
    officer: Any, pool: list[Inspector]
) -> None:
    d = draw_make(actor=officer, region_code="370811", count=2, seed=20250301)
    drawn = sorted((i.facility_id, sorted(p.pk for p in i.inspectors.all())) for i in d.inspections.all())
    assert drawn == sorted(draw_pairs(d.seed, d.facility_ids, d.inspector_ids, 2))
    assert len(drawn) == 2 and all(len(p) == 2 for _f, p in drawn)


def test_a_finding_needs_a_deadline_and_an_overdue_one_is_listed_until_rectified(
    officer: Any, pool: list[Inspector]
) -> None:
    d = draw_make(actor=officer, region_code="370811", count=1, seed=7)
    i = d.inspections.get()
    with pytest.raises(ValidationError, match="整改期限"):
        inspection_record(actor=officer, inspection=i, finding="灭火器过期", fire_safe=False)
    today = timezone.localdate()
    inspection_record(
        actor=officer,
        inspection=i,
        finding="灭火器过期",
        fire_safe=False,
        rectify_by=today,
        credit_mark="限期整改",
    )
    assert list(rectifications_overdue(actor=officer, on=today + dt.timedelta(days=1))) == [
        Inspection.objects.get(pk=i.pk)
    ]
    inspection_rectified(actor=officer, inspection=i, on=today)
    assert not rectifications_overdue(actor=officer, on=today + dt.timedelta(days=1)).exists()


def test_a_draw_with_fewer_than_two_inspectors_is_refused(officer: Any, home: Facility) -> None:
    with pytest.raises(ValidationError, match="不足2人"):
        draw_make(actor=officer, region_code="370811", count=1)
