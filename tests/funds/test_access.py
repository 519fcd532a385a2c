"""Every funds page with an object id answers another county's fund or entry exactly like a missing one,
with every verb; roles without funds.read are refused on every page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.funds import services

from .conftest import funded

MISSING = 987654321
VERBS = ("get", "post")


@pytest.fixture
def other_county(make_user):
    fin_b, off_b = make_user("county_finance", "370812"), make_user("county_officer", "370812")
    fund = services.fund_create(actor=fin_b, name="兖州区救助资金", source="budget", county_code="370812")
    entry = services.income_record(
        actor=fin_b, fund=fund, amount="100", income_kind="allocation", booked_on=timezone.localdate()
    )
    assert off_b
    return fund, entry


def test_another_countys_fund_and_entry_look_missing_on_every_route(other_county, finance, officer):
    fund, entry = other_county
    mine = funded(finance, officer, "10")
    c = Client()
    c.force_login(finance)
    routes = [
        ("/funds/{}/", fund.pk),
        ("/funds/{}/xlsx/", fund.pk),
        ("/funds/entries/{}/confirm/", entry.pk),
        ("/funds/entries/{}/reject/", entry.pk),
    ]
    for route, pk in routes:
        for verb in VERBS:
            got, ref = getattr(c, verb)(route.format(pk)), getattr(c, verb)(route.format(MISSING))
            assert got.status_code == ref.status_code != 200
            assert got.status_code != 404 or got.content == ref.content
    assert c.get(f"/funds/{mine.pk}/").status_code == 200
    assert entry.__class__.objects.get(pk=entry.pk).status == "pending"


@pytest.mark.parametrize(
    "role,region", [("township_clerk", "370811001"), ("elderly_officer", "370811"), ("carer", "370811001")]
)
def test_roles_without_the_funds_permission_are_refused_everywhere(make_user, finance, officer, role, region):
    fund = funded(finance, officer, "10")
    c = Client()
    c.force_login(make_user(role, region))
    for url in ("/funds/", f"/funds/{fund.pk}/", f"/funds/{fund.pk}/xlsx/"):
        assert c.get(url).status_code == 403
    assert c.post("/funds/defaults/", {"programme": "dibao", "fund": fund.pk}).status_code == 403


def test_the_auditor_reads_but_cannot_record_income(make_user, finance, officer):
    fund = funded(finance, officer, "10")
    c = Client()
    c.force_login(make_user("auditor", "370800"))
    assert c.get(f"/funds/{fund.pk}/").status_code == 200
    r = c.post(f"/funds/{fund.pk}/", {"income_kind": "allocation", "amount": "5", "booked_on": "2026-01-02"})
    assert r.status_code == 403
