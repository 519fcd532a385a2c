"""物质+服务 (seed 003): services bought from the 12349 providers for dispersed tekun and severely disabled
dibao members, ordered on the same machinery (basis 社会救助服务类), settled per provider and month at the
policy hour price, checked by a second person and paid from the county's fund for the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.benefits.services import enrolment_create
from minzheng.funds import services as funds
from minzheng.funds.models import FundEntry
from minzheng.homecare import selectors, services
from minzheng.homecare.models import Order, Settlement
from minzheng.policy.selectors import policy_resolve
from tests.conftest import VILLAGE_A
from tests.funds.conftest import funded

from .conftest import serve

LAST_MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
SINCE = dt.date(2025, 1, 1)
CENT = Decimal("0.01")


def _tekun(person: Any, tier: str = "") -> None:
    enrolment_create(
        actor=None, programme="tekun", person=person, household=None, amount=900, first_month=SINCE, tier=tier
    )


def _take(clerk: Any, person: Any, item: str = "JJ26", quantity: str = "2") -> Any:
    return services.order_take(
        actor=clerk,
        person=person,
        item_code=item,
        quantity=Decimal(quantity),
        scheduled_at=timezone.now() + dt.timedelta(hours=2),
        basis="assistance",
    )


def _care_home_stay(make_user: Any, person: Any, discharged: bool = False) -> None:
    from minzheng.facilities.services import facility_create, residency_admit
    from tests.conftest import TOWN_A
    from tests.elderly.conftest import record_level

    officer = make_user("elderly_officer", TOWN_A[:6])
    home = facility_create(
        actor=officer,
        name=f"敬老院{person.pk}",
        kind="tekun_home",
        operator="任城区民政局",
        address="幸福路1号",
        region_code=TOWN_A,
        beds_total=10,
        beds_nursing=8,
        status="filed",
        filed_on=dt.date(2021, 3, 1),
    )
    record_level(make_user, person, 3)
    stay = residency_admit(
        actor=officer, facility=home, person=person, identity="tekun", monthly_fee=2000, admitted_on=SINCE
    )
    if discharged:
        type(stay).objects.filter(pk=stay.pk).update(discharged_on=SINCE + dt.timedelta(days=40))


def test_dispersed_tekun_and_severely_disabled_dibao_members_are_eligible_set_based(
    make_household: Any, make_person: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    # the tier is not recorded (as in the demo's 51 tekun): dispersed vs centralised is read from the stays
    dispersed, central, left, plain = (
        make_person(village=VILLAGE_A, name=n, birth=dt.date(1940, 5, 1))
        for n in ("分散", "集中", "出院", "普通")
    )
    for t in (dispersed, central, left):
        _tekun(t)
    _care_home_stay(make_user, central)
    _care_home_stay(make_user, left, discharged=True)
    hh = make_household(village=VILLAGE_A, size=3)
    head, severe, mild = (m.person for m in hh.memberships.order_by("pk"))
    enrolment_create(
        actor=None,
        programme="dibao",
        person=head,
        household=hh,
        amount=800,
        members_covered=3,
        first_month=SINCE,
    )
    for person, grade in ((severe, "一级"), (mild, "四级"), (plain, "一级")):
        enrolment_create(
            actor=None,
            programme="dis_living",
            person=person,
            household=None,
            amount=100,
            first_month=SINCE,
            tier=grade,
        )
    with django_assert_max_num_queries(2):
        eligible = set(selectors.service_eligible(on=timezone.localdate()).values_list("pk", flat=True))
    assert eligible == {dispersed.pk, left.pk, severe.pk}


def test_an_assistance_order_is_refused_for_a_person_not_eligible(clerk: Any, elder: Any) -> None:
    with pytest.raises(ValidationError, match="不是社会救助服务类对象"):
        _take(clerk, elder)
    assert not Order.objects.exists()


def test_the_services_are_settled_at_the_policy_hour_price_checked_by_another_and_paid_from_the_fund(
    clerk: Any, elder: Any, make_carer: Any, provider: Any, make_user: Any
) -> None:
    _tekun(elder)
    carer = make_carer()
    orders = [
        serve(_take(clerk, elder, "JJ26", "2"), clerk, carer),
        serve(_take(clerk, elder, "JJ14", "1"), clerk, carer),
    ]
    elderly_order = serve(
        services.order_take(
            actor=clerk,
            person=elder,
            item_code="JJ14",
            quantity=Decimal(1),
            scheduled_at=timezone.now() + dt.timedelta(hours=2),
        ),
        clerk,
        carer,
    )
    for o in [*orders, elderly_order]:
        Order.objects.filter(pk=o.pk).update(
            check_out_at=timezone.make_aware(dt.datetime.combine(LAST_MONTH, dt.time(10)))
        )
    maker, checker = make_user("county_officer", "370811"), make_user("county_finance", "370811")
    price = Decimal(
        str(
            policy_resolve(on=LAST_MONTH, region_code=provider.region_code, hukou_type="").get(
                "assistance.service.hour_price"
            )
        )
    )
    s = services.service_settlement_make(actor=maker, provider=provider, month=LAST_MONTH)
    assert (
        s.orders == 2 and s.hours == Decimal(3) and s.total == s.government == price * 3 and s.personal == 0
    )
    assert {x.identity for x in s.lines.all()} == {"tekun"}
    with pytest.raises(ValidationError, match="同一人"):
        services.service_settlement_check(actor=maker, settlement=s)
    with pytest.raises(ValidationError, match="默认资金来源"):
        services.service_settlement_check(actor=checker, settlement=s)
    fund = funded(checker, maker, str(price * 2), name="任城区福彩公益金", source="lottery")
    funds.fund_default_set(actor=checker, programme_code="service", county_code="370811", fund=fund)
    need, have = (price * 3).quantize(CENT), (price * 2).quantize(CENT)
    with pytest.raises(ValidationError, match=rf"{need}元.*余额{have}元"):
        services.service_settlement_check(actor=checker, settlement=s)
    assert (
        Settlement.objects.get(pk=s.pk).state == "made"
        and not FundEntry.objects.filter(kind="spending").exists()
    )
    funds.income_confirm(
        actor=maker,
        entry=funds.income_record(
            actor=checker,
            fund=fund,
            amount=str(price),
            income_kind="allocation",
            booked_on=timezone.localdate(),
        ),
    )
    checked = services.service_settlement_check(actor=checker, settlement=s)
    assert checked.state == "checked" and checked.fund_entry.amount == price * 3
    assert checked.fund_entry.spending_line == "service"
    # the home-care settlement of the same provider and month is its own, untouched by these orders
    elderly = services.settlement_make(
        actor=make_user("elderly_officer", "370811"), provider=provider, month=LAST_MONTH
    )
    assert elderly.orders == 1 and elderly.basis == "elderly"


def test_the_service_page_lists_eligible_people_without_an_order_and_the_figures(
    clerk: Any, elder: Any, make_person: Any, make_carer: Any
) -> None:
    _tekun(elder)
    waiting = make_person(village=VILLAGE_A, name="待派单")
    _tekun(waiting)
    serve(_take(clerk, elder), clerk, make_carer())
    c = Client()
    c.force_login(clerk)
    page = c.get("/homecare/assistance/").content.decode()
    assert "待派单" in page and "户主" not in page.split('id="unserved"')[1].split("</table>")[0]
    assert "2.0" in page or "2.00" in page


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_service_settlement_pages_cost_the_same_queries_however_many_rows(
    clerk: Any, make_household: Any, make_carer: Any, provider: Any, make_user: Any
) -> None:
    from minzheng.people.models import Household

    from .conftest import HOME

    carer = make_carer()
    earlier = (LAST_MONTH - dt.timedelta(days=1)).replace(day=1)
    hh = make_household(village=VILLAGE_A, size=4)
    Household.objects.filter(pk=hh.pk).update(latitude=HOME[0], longitude=HOME[1])
    people = [m.person for m in hh.memberships.order_by("pk")]
    for p in people:
        _tekun(p)
    for month, who in ((earlier, people[:1]), (LAST_MONTH, people)):
        for p in who:
            o = serve(_take(clerk, p, "JJ14", "1"), clerk, carer)
            Order.objects.filter(pk=o.pk).update(
                check_out_at=timezone.make_aware(dt.datetime.combine(month, dt.time(10)))
            )
    maker = make_user("county_officer", "370811")
    c = Client()
    c.force_login(maker)
    small = services.service_settlement_make(actor=maker, provider=provider, month=earlier)
    one_row = _queries(c, "/homecare/assistance/")
    big = services.service_settlement_make(actor=maker, provider=provider, month=LAST_MONTH)
    assert (small.orders, big.orders) == (1, 4)
    assert _queries(c, "/homecare/assistance/") == one_row
    assert _queries(c, f"/homecare/assistance/settlements/{small.pk}/") == _queries(
        c, f"/homecare/assistance/settlements/{big.pk}/"
    )
