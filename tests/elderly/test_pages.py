"""What an officer reads on the elderly line's pages: names and formatted figures with their legal source,
never raw values (80.0000, a policy dict, a username, an internal number)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.benefits.services import enrolment_create, first_of_month
from minzheng.elderly.services import subsidy_apply, subsidy_decide
from tests.conftest import TOWN_A

pytestmark = pytest.mark.django_db
CENTRAL = {"kind": "central", "year": "2026", "annual_cost": "7500", "dibao_paid": "7200"}


def _dibao(person):  # type: ignore[no-untyped-def]
    return enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="dibao",
        person=person,
        household=None,
        amount=500,
        first_month=first_of_month(timezone.localdate()).replace(year=2024),
    )


def test_the_subsidy_decision_shows_labelled_formatted_inputs_with_their_source(
    client, make_user, make_elder, assessed
):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(86)
    _dibao(elder)
    assessed(elder, 3)
    app = subsidy_decide(actor=officer, application=subsidy_apply(actor=clerk, person=elder))
    client.force_login(officer)
    html = client.get(f"/elderly/subsidies/{app.pk}/").content.decode()
    assert not re.search(r"\d\.0000", html)
    assert "elder_subsidy." not in html and "high_age." not in html
    assert "86岁" in html and "重度失能（3级）" in html and "低保对象" in html
    assert f"{app.amount}元" in html
    assert "《" in html.split('id="subsidy-figures"')[1]
    assert app.rule_version in html


def test_care_costs_take_the_elders_id_number_and_list_it_masked(client, make_user, make_elder):
    from minzheng.elderly.models import CentralCareCost

    officer = make_user("elderly_officer", "370811")
    elder = make_elder(80)
    _dibao(elder)
    client.force_login(officer)
    r = client.post(
        "/elderly/care-costs/",
        {
            "kind": "central",
            "id_number": elder.id_number,
            "year": "2026",
            "annual_cost": "7500",
            "dibao_paid": "7200",
        },
        follow=True,
    )
    assert r.status_code == 200
    rec = CentralCareCost.objects.get()
    assert rec.person == elder
    html = client.get("/elderly/care-costs/").content.decode()
    assert elder.id_masked in html and elder.id_number not in html
    assert "7500元" in html and 'name="person"' not in html


def test_care_costs_refuse_an_unknown_id_number_or_a_bad_year_in_chinese_and_save_nothing(
    client, make_user, make_elder
):
    from minzheng.elderly.models import CentralCareCost

    officer = make_user("elderly_officer", "370811")
    elder = make_elder(80)
    _dibao(elder)
    client.force_login(officer)
    for id_number, year in (("370811194501010000", "2026"), (elder.id_number, "9" * 30), (elder.pk, "2026")):
        page = client.post(
            "/elderly/care-costs/",
            {
                "kind": "central",
                "id_number": id_number,
                "year": year,
                "annual_cost": "7500",
                "dibao_paid": "7200",
            },
            follow=True,
        )
        assert page.status_code == 200 and (
            "未找到" in page.content.decode() or "年度" in page.content.decode()
        )
    assert not CentralCareCost.objects.exists()
