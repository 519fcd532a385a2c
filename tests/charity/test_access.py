"""Every desk page of the line is behind charity.manage and region-scoped: another county's project,
organisation, lottery plan and lottery project answer exactly like a missing one (pages and API), a role
without the permission is refused, and bad input gets a Chinese message, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from minzheng.accounts.models import Role
from minzheng.charity import services
from minzheng.charity.models import Donation

from .conftest import give

MISSING = 987654321
VERBS = ("get", "post")


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def theirs(outsider, make_project):
    """Records of another county (兖州区) and their ids by URL."""
    project = make_project(actor=outsider)
    donation = give(outsider, project, "100")
    services.receipt_issue(actor=outsider, donation=donation)
    plan = services.lottery_plan_create(
        actor=outsider, year=2025, region_code="370812", allocations={"elderly": Decimal(100)}
    )
    lp = services.lottery_project_fund(
        actor=outsider, plan=plan, use="elderly", name="幸福院", grantee="甲", amount=Decimal(10)
    )
    return {
        "/charity/{}/": project.pk,
        "/charity/{}/donate/": project.pk,
        "/charity/{}/spend/": project.pk,
        "/charity/orgs/{}/": project.org_id,
        "/charity/donations/{}/receipt/": donation.pk,
        "/charity/donations/{}/receipt/issue/": donation.pk,
        "/charity/lottery/{}/": plan.pk,
        "/charity/lottery/{}/fund/": plan.pk,
        "/charity/lottery/projects/{}/accept/": lp.pk,
        "/api/v1/charity/projects/{}": project.pk,
    }


def test_another_countys_records_answer_exactly_like_missing_ones(officer, theirs):
    c = _client(officer)
    for route, pk in theirs.items():
        for verb in VERBS:
            got = getattr(c, verb)(route.format(pk))
            ref = getattr(c, verb)(route.format(MISSING))
            assert got.status_code == ref.status_code, (verb, route)
            assert got.status_code in (404, 405), (verb, route, got.status_code)
            if got.status_code == 404:
                assert got.content == ref.content, route
    assert Donation.objects.count() == 1


def test_a_role_without_charity_manage_is_refused_every_desk_page(make_user, theirs):
    clerk = make_user(Role.TOWNSHIP_CLERK, "370811001")
    c = _client(clerk)
    for url in (
        "/charity/",
        "/charity/new/",
        "/charity/orgs/",
        "/charity/lottery/",
        "/charity/lottery/report/",
    ):
        assert c.get(url).status_code == 403, url
    assert c.get("/api/v1/charity/projects").status_code == 403
    assert "慈善" not in "".join(a for a in c.get("/").content.decode().split("<main>")[:1])


def test_anonymous_users_reach_only_the_public_pages(theirs):
    c = Client()
    assert c.get("/charity/").status_code == 302
    assert c.get("/charity/public/").status_code == 200


def test_the_lists_hold_only_the_actors_county_and_cost_a_fixed_number_of_queries(
    officer, theirs, make_project, django_assert_max_num_queries
):
    for i in range(4):
        give(officer, make_project(name=f"本县项目{i}"), "50")
    c = _client(officer)
    with django_assert_max_num_queries(14):
        html = c.get("/charity/").content.decode()
    assert html.count("本县项目") == 4 and "兖州" not in html
    with django_assert_max_num_queries(14):
        assert c.get("/charity/orgs/").status_code == 200
    api = c.get("/api/v1/charity/projects").json()
    assert len(api) == 4 and all(p["money_in"] == "50.00" for p in api)


@pytest.mark.parametrize("amount", ["abc", "NaN", str(2**63), "-5", "1.234", "1e3"])
def test_bad_amounts_get_a_chinese_message_and_change_nothing(officer, project, amount):
    c = _client(officer)
    r = c.post(
        f"/charity/{project.pk}/donate/",
        {"donor_kind": "org", "donor_name": "甲", "amount": amount, "received_on": "2026-01-01"},
        follow=True,
    )
    assert r.status_code == 200 and "捐赠金额" in r.content.decode()
    assert not Donation.objects.exists()


def test_a_spending_beyond_the_balance_at_the_desk_is_refused_in_chinese(officer, project):
    c = _client(officer)
    give(officer, project, "100")
    r = c.post(
        f"/charity/{project.pk}/spend/",
        {"purpose": "助学", "amount": "150", "spent_on": str(project.starts_on), "beneficiary_count": "1"},
        follow=True,
    )
    assert "超出项目可用余额" in r.content.decode()


def test_the_desk_files_an_organisation_and_a_project_through_the_forms(officer):
    from .conftest import credit_code

    c = _client(officer)
    r = c.post(
        "/charity/orgs/",
        {
            "name": "任城区慈善总会",
            "credit_code": credit_code(),
            "registered_on": "2012-05-01",
            "fundraising_from": "2017-01-01",
        },
        follow=True,
    )
    assert "已登记慈善组织" in r.content.decode()
    org_id = r.resolver_match.kwargs["pk"]
    r = c.post(
        "/charity/new/",
        {
            "org": str(org_id),
            "kind": "project",
            "name": "冬日暖阳",
            "purpose": "困难群众冬季取暖",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-31",
            "filing_number": "53370811MJD0001",
            "platform": "支付宝公益",
            "target": "50000",
        },
        follow=True,
    )
    assert "已登记：冬日暖阳" in r.content.decode()
    r = c.post(
        "/charity/orgs/", {"name": "甲", "credit_code": "91370800MA3C1234X5", "registered_on": "2012-05-01"}
    )
    assert "统一社会信用代码" in r.content.decode() and r.status_code == 200


def test_the_desk_links_beneficiaries_of_the_registry_by_id_number_and_refuses_unknown_ones(
    officer, project, make_person
):
    import datetime as dt

    from minzheng.charity.models import Spending

    give(officer, project, "1000")
    kid = make_person(name="李小红", birth=dt.date(2014, 5, 1))
    stranger = make_person(village="370812001001", name="外县儿童", birth=dt.date(2014, 6, 1))
    c = _client(officer)
    form = {"purpose": "助学", "amount": "100", "spent_on": str(project.starts_on), "beneficiary_count": "2"}
    r = c.post(
        f"/charity/{project.pk}/spend/",
        {**form, "beneficiary_id_numbers": f"{kid.id_number}\n{stranger.id_number}"},
        follow=True,
    )
    html = r.content.decode()
    assert "第2行的身份证号不在人员库或不在您的管辖范围内" in html and stranger.id_number not in html
    assert not Spending.objects.exists()
    c.post(f"/charity/{project.pk}/spend/", {**form, "beneficiary_id_numbers": kid.id_number.lower() + "\n"})
    assert list(Spending.objects.get().beneficiaries.values_list("pk", flat=True)) == [kid.pk]


def test_a_get_on_the_central_care_form_answers_in_chinese_not_with_a_405(officer):
    r = _client(officer).get("/charity/central-care/", follow=True)
    assert r.status_code == 200
    assert r.redirect_chain[-1][0] == "/charity/"
    assert "补足集中照护成本" in r.content.decode()
