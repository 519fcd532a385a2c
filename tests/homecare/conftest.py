from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.homecare import services
from minzheng.people.models import Household
from minzheng.people.services import household_create
from tests.conftest import TOWN_A, VILLAGE_A
from tests.elderly.conftest import assessed, record_level  # noqa: F401 — the fixture, for this folder

# A street of 任城区 near Jining's centre.
HOME = (Decimal("35.414000"), Decimal("116.587000"))


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("elderly_officer", "370811")


@pytest.fixture
def clerk(make_user: Any) -> Any:
    return make_user("township_clerk", TOWN_A)


@pytest.fixture
def elder(make_person: Any, make_user: Any) -> Any:
    person = make_person(village=VILLAGE_A, name="户主", birth=dt.date(1945, 3, 1))  # an elder
    hh = household_create(
        actor=system(),
        number="H-HOMECARE-1",
        region_code=VILLAGE_A,
        hukou_type="urban",
        head=person,
        start_date=dt.date(2010, 1, 1),
    )
    Household.objects.filter(pk=hh.pk).update(latitude=HOME[0], longitude=HOME[1])
    record_level(make_user, person, 4, days_ago=60)  # 完全失能, recorded before last month's end
    return person


@pytest.fixture
def provider(officer: Any) -> Any:
    return services.provider_create(
        actor=officer,
        name="康乐居家养老服务公司",
        region_code=TOWN_A,
        latitude="35.410000",
        longitude="116.580000",
    )


@pytest.fixture
def make_carer(make_user: Any, officer: Any, provider: Any) -> Any:
    def make(km_north: float = 1.0, name: str = "王护理") -> Any:
        user = make_user("carer", TOWN_A)
        return services.carer_create(
            actor=officer,
            provider=provider,
            user=user,
            name=name,
            certificate="养老护理员（四级）",
            certificate_no="HL2021001",
            latitude=str(HOME[0] + Decimal(km_north / 111.195).quantize(Decimal("0.000001"))),
            longitude=str(HOME[1]),
        )

    return make


@pytest.fixture
def take(clerk: Any, elder: Any) -> Any:
    def make(item: str = "JJ14", quantity: str = "2") -> Any:
        return services.order_take(
            actor=clerk,
            person=elder,
            item_code=item,
            quantity=Decimal(quantity),
            scheduled_at=timezone.now() + dt.timedelta(hours=2),
        )

    return make


def serve(order: Any, clerk: Any, carer: Any) -> Any:
    order = services.order_dispatch(actor=clerk, order=order, carer=carer)
    order = services.order_check_in(
        actor=carer.user, order=order, latitude="35.414100", longitude="116.587000"
    )
    order = services.order_check_out(actor=carer.user, order=order, note="定位被拒绝")
    return services.order_confirm(actor=carer.user, order=order, code=order.confirm_code)


def system() -> Any:
    return system_actor(purpose="测试")
