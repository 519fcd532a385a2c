"""#19 walk findings on the home-care desk: the settlement month is asked in words that say which month may
be settled, a month with no orders is named, and a new order proposes a visit in working hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.homecare.models import Settlement
from minzheng.homecare.views import default_visit_time

LAST_MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _post(user: Any, data: dict[str, Any]) -> str:
    c = Client()
    c.force_login(user)
    return c.post("/homecare/assistance/", data, follow=True).content.decode()


def test_a_future_settlement_month_is_refused_naming_the_latest_month_not_1900(
    make_user: Any, provider: Any
) -> None:
    maker = make_user("county_officer", "370811")
    page = _post(maker, {"provider": provider.pk, "month": "2099-01"})
    assert f"结算月不能晚于{LAST_MONTH:%Y年%m月}" in page and "1900" not in page
    page = _post(maker, {"provider": provider.pk, "month": "abc"})
    assert "请选择结算月" in page
    assert not Settlement.objects.exists()


def test_a_month_without_orders_is_named_in_the_message(make_user: Any, provider: Any) -> None:
    maker = make_user("county_officer", "370811")
    asked = (LAST_MONTH - dt.timedelta(days=1)).replace(day=1)
    page = _post(maker, {"provider": provider.pk, "month": f"{asked:%Y-%m}"})
    assert f"该服务商{asked:%Y年%m月}没有已完成的" in page and "本月没有" not in page
    assert not Settlement.objects.exists()


def test_a_new_order_proposes_a_visit_in_working_hours() -> None:
    tz = timezone.get_current_timezone()
    at = lambda h, m=0: dt.datetime(2026, 11, 3, h, m, tzinfo=tz)  # noqa: E731
    assert default_visit_time(at(0, 10)) == "2026-11-03T09:00"  # not 02:00
    assert default_visit_time(at(10, 30)) == "2026-11-03T12:00"
    assert default_visit_time(at(16, 5)) == "2026-11-04T09:00"
    assert default_visit_time(at(23, 0)) == "2026-11-04T09:00"
