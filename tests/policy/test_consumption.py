"""/policy/consumption/: the dibao standard computed from last year's per-capita consumption beside the
standard in force, per county and hukou type (seed 002: 低保标准与居民人均消费支出挂钩)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.policy.selectors import consumption_page, consumption_standard, policy_resolve

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_standard_from_consumption_is_rounded_half_up_to_whole_yuan():
    assert consumption_standard(Decimal("27000"), Decimal("0.35")) == 788  # 787.5 → 788
    assert consumption_standard(Decimal("15200"), Decimal("0.35")) == 443  # 443.33 → 443


def test_the_page_shows_each_county_and_hukou_with_the_computed_standard_and_the_gap(
    maker, django_assert_max_num_queries
):
    today = timezone.localdate()
    lines = consumption_page(actor=maker, today=today)
    assert len(lines) == 22  # 11 counties × urban, rural
    urban = next(x for x in lines if x.county.endswith("任城区") and x.hukou == "城镇")
    last = policy_resolve(on=dt.date(today.year - 1, 7, 1), region_code="370811", hukou_type="urban")
    now = policy_resolve(on=today, region_code="370811", hukou_type="urban")
    expected = consumption_standard(
        last.get("dibao.consumption_per_capita"), now.get("dibao.consumption_ratio")
    )
    assert urban.computed == expected
    assert urban.gap == expected - int(now.get("dibao.standard"))
    c = client_for(maker)
    with django_assert_max_num_queries(60):
        body = c.get("/policy/consumption/").content.decode()
    assert "任城区" in body and str(expected) in body and "差额" in body


def test_a_year_without_consumption_figures_says_so_instead_of_guessing(maker):
    lines = consumption_page(actor=maker, today=dt.date(2022, 6, 1))  # no 2021 figure shipped
    assert lines and all(x.computed is None and x.gap is None for x in lines)
