from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.elderly.shares import home_free_hours
from minzheng.homecare import services
from minzheng.homecare.models import Order
from minzheng.policy.selectors import policy_resolve

from .conftest import serve

LAST_MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _into_last_month(*orders: Any) -> None:
    # Served last month: settlement is for a month that has ended.
    for i, o in enumerate(orders):
        Order.objects.filter(pk=o.pk).update(
            check_out_at=timezone.make_aware(dt.datetime.combine(LAST_MONTH, dt.time(9 + i)))
        )


def test_settlement_pays_the_free_hours_in_service_order_and_the_elder_pays_the_rest(
    take: Any, make_carer: Any, clerk: Any, officer: Any, provider: Any, elder: Any
) -> None:
    carer = make_carer()
    free = home_free_hours(
        policy_resolve(on=LAST_MONTH, region_code=elder.region_code, hukou_type=elder.hukou_type).get,
        identity="other",
        level=4,
    )
    assert free > 0
    assert 2 < free <= 25
    half = (free - 1) // 2
    zero = serve(take("JJ14", str(half)), clerk, carer)  # 居室清洁, hours
    first = serve(take("JJ14", str(free - 1 - half)), clerk, carer)
    second = serve(take("JJ14", "2"), clerk, carer)  # crosses the free hours by one
    third = serve(take("JJ01", "1"), clerk, carer)  # nothing free left
    _into_last_month(zero, first, second, third)
    s = services.settlement_make(actor=officer, provider=provider, month=LAST_MONTH)
    lines = {x.order_id: x for x in s.lines.all()}
    price = first.item.price
    assert lines[zero.pk].government == price * half and lines[zero.pk].personal == 0
    assert lines[first.pk].government == price * (free - 1 - half) and lines[first.pk].personal == 0
    assert lines[second.pk].free_used == 1 and lines[second.pk].government == price
    assert lines[second.pk].personal == price
    assert lines[third.pk].government == 0 and lines[third.pk].personal == third.item.price
    assert s.total == s.government + s.personal == sum(x.amount for x in lines.values())


def test_settlement_is_made_by_one_person_and_checked_by_another(
    take: Any, make_carer: Any, clerk: Any, officer: Any, provider: Any, make_user: Any
) -> None:
    _into_last_month(serve(take(), clerk, make_carer()))
    s = services.settlement_make(actor=officer, provider=provider, month=LAST_MONTH)
    with pytest.raises(ValidationError, match="不能是同一人"):
        services.settlement_check(actor=officer, settlement=s)
    finance = make_user("county_finance", "370811")
    s = services.settlement_check(actor=finance, settlement=s)
    assert s.state == "checked" and s.checked_by == finance
    with pytest.raises(ValidationError, match="已结算"):
        services.settlement_make(actor=officer, provider=provider, month=LAST_MONTH)


def test_the_current_month_cannot_be_settled_before_it_ends(officer: Any, provider: Any) -> None:
    with pytest.raises(ValidationError, match="尚未结束"):
        services.settlement_make(actor=officer, provider=provider, month=timezone.localdate())


def test_a_township_clerk_cannot_make_a_settlement(clerk: Any, provider: Any) -> None:
    with pytest.raises(ValidationError):
        services.settlement_make(actor=clerk, provider=provider, month=LAST_MONTH)


def test_the_settlement_export_is_an_excel_file_with_masked_ids_and_is_audited(
    client: Any, take: Any, make_carer: Any, clerk: Any, officer: Any, provider: Any, elder: Any
) -> None:
    from minzheng.audit.models import AuditLog

    _into_last_month(serve(take(), clerk, make_carer()))
    s = services.settlement_make(actor=officer, provider=provider, month=LAST_MONTH)
    client.force_login(officer)
    r = client.get(f"/homecare/settlements/{s.pk}/xlsx/")
    assert r.status_code == 200 and r.content[:2] == b"PK" and r["Cache-Control"] == "no-store"
    assert f'filename="homecare-settlement-{s.pk}-{LAST_MONTH:%Y%m}.xlsx"' in r["Content-Disposition"]
    assert elder.id_number.encode() not in r.content
    assert AuditLog.objects.filter(event_type="export", target_type="homecare_settlement").count() == 1
    page = client.get(f"/homecare/settlements/{s.pk}/")
    assert "复核通过" not in page.content.decode()  # the maker is not offered the check
    assert Decimal(str(s.total)) > 0
