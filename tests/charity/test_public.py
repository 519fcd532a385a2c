"""阳光慈善: the public page of a project adds up from its rows, prints, and shows no personal data."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.test import Client

from minzheng.charity.models import Donation, Spending

from .conftest import give, spend


def _cell(html: str, dom_id: str) -> Decimal:
    m = re.search(rf'id="{dom_id}">([^<]*)<', html)
    assert m, dom_id
    return Decimal(m.group(1))


def test_the_public_page_adds_up_from_the_rows_and_needs_no_sign_in(officer, project, make_person):
    child = make_person(name="李小红", birth=dt.date(2014, 5, 1))
    donor = make_person(name="王建国")
    give(officer, project, "1200.50")
    give(officer, project, "300", donor_kind="person", donor_name="王建国", donor_person_id=donor.pk)
    restricted = give(officer, project, "800", donor_kind="anonymous", restricted_purpose="购买书包")
    spend(officer, project, "700.25", beneficiary_count=4, beneficiary_ids=[child.pk])
    spend(officer, project, "500", donation_id=restricted.pk, purpose="购买书包", beneficiary_count=10)
    html = Client().get(f"/charity/public/{project.pk}/").content.decode()
    money_in = sum(Donation.objects.filter(project=project).values_list("amount", flat=True), Decimal(0))
    money_out = sum(Spending.objects.filter(project=project).values_list("amount", flat=True), Decimal(0))
    people = sum(Spending.objects.filter(project=project).values_list("beneficiary_count", flat=True))
    assert _cell(html, "public-in") == money_in
    assert _cell(html, "public-out") == money_out
    assert (
        _cell(html, "public-balance")
        == money_in - money_out
        == _cell(html, "public-in") - _cell(html, "public-out")
    )
    assert _cell(html, "public-beneficiaries") == people
    # the rows listed add up to the totals shown
    rows_in = re.findall(r'<tr><td>[\d-]+</td><td>[^<]*</td><td class="num">([\d.]+)</td><td>', html)
    assert sum(map(Decimal, rows_in)) == money_in
    assert "王建国" not in html and "王**" in html and "匿名" in html
    assert "李小红" not in html and child.id_number not in html and donor.id_number[-8:] not in html
    assert "charity/public.css" in html and "data-print" in html


def test_a_missing_project_is_404_on_the_public_page(db):
    assert Client().get("/charity/public/987654/").status_code == 404


def test_the_public_list_shows_every_project_with_its_totals(
    officer, make_project, django_assert_max_num_queries
):
    for i in range(5):
        p = make_project(name=f"项目{i}")
        give(officer, p, "10")
    with django_assert_max_num_queries(6):
        html = Client().get("/charity/public/").content.decode()
    assert html.count("/charity/public/") >= 5 and "项目4" in html
