from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minzheng.funds import services
from minzheng.funds.models import Fund


@pytest.fixture
def finance(make_user):
    return make_user("county_finance", "370811")


@pytest.fixture
def officer(make_user):
    return make_user("county_officer", "370811")


def funded(recorder: Any, checker: Any, amount: str, *, name: str = "任城区财政救助资金", **kw: Any) -> Fund:
    """A budget fund of 任城区 with `amount` of confirmed income (made by one, checked by another)."""
    fund = services.fund_create(
        actor=recorder, name=name, source=kw.pop("source", "budget"), county_code="370811", **kw
    )
    if Decimal(amount):
        day = min(timezone.localdate(), dt.date(2026, 1, 15))
        entry = services.income_record(
            actor=recorder,
            fund=fund,
            amount=amount,
            income_kind="allocation",
            booked_on=day,
            note="任财社〔2026〕1号",
        )
        services.income_confirm(actor=checker, entry=entry)
    return fund
