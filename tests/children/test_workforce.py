"""Workforce: supervisors and directors as staff records bound to their region's level, with training
hours and the allowance where policy sets one; villages without a director; 儿童之家 with activities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import Denied
from minzheng.children import services as svc
from minzheng.children.models import ChildrenHome, ChildWorker, HomeActivity
from minzheng.children.selectors import director_coverage, worker_allowances
from minzheng.regions.models import Region
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B

APPOINTED = dt.date(2024, 3, 1)
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def officer(make_user):
    return make_user("child_welfare_officer", TOWN_A[:6])


def test_a_director_is_bound_to_a_village_and_a_supervisor_to_a_township(officer, make_user):
    director = make_user("child_director", VILLAGE_A)
    supervisor = make_user("child_supervisor", TOWN_A)
    w = svc.child_worker_appoint(actor=officer, user=director, position="director", appointed_on=APPOINTED)
    assert w.region_code == VILLAGE_A
    with pytest.raises(ValidationError, match="须绑定到村（居）"):
        svc.child_worker_appoint(actor=officer, user=supervisor, position="director", appointed_on=APPOINTED)
    s = svc.child_worker_appoint(
        actor=officer, user=supervisor, position="supervisor", appointed_on=APPOINTED
    )
    assert s.region_code == TOWN_A
    with pytest.raises(ValidationError, match="已登记"):
        svc.child_worker_appoint(actor=officer, user=director, position="director", appointed_on=APPOINTED)
    svc.child_worker_training_add(actor=officer, worker=w, hours=8)
    w.refresh_from_db()
    assert w.training_hours == 8


def test_an_officer_of_another_county_cannot_appoint_here(make_user):
    other = make_user("child_welfare_officer", VILLAGE_B[:6])
    with pytest.raises(Denied):
        svc.child_worker_appoint(
            actor=other,
            user=make_user("child_director", VILLAGE_A),
            position="director",
            appointed_on=APPOINTED,
        )
    assert not ChildWorker.objects.exists()


def test_villages_without_a_serving_director_are_listed(officer, make_user):
    before = director_coverage(actor=officer)
    assert Region.objects.filter(code=VILLAGE_A).exists()
    assert VILLAGE_A in {r.code for r in before["uncovered"]}
    svc.child_worker_appoint(
        actor=officer,
        user=make_user("child_director", VILLAGE_A),
        position="director",
        appointed_on=APPOINTED,
    )
    after = director_coverage(actor=officer)
    assert VILLAGE_A not in {r.code for r in after["uncovered"]}
    assert after["uncovered"].count() == before["uncovered"].count() - 1
    assert all(r.code.startswith(TOWN_A[:6]) for r in after["uncovered"])


def test_the_allowance_is_read_from_policy_and_never_made_up(db):
    shown = worker_allowances(region_code=VILLAGE_A, on=dt.date(2025, 7, 1))
    # No policy row sets a director allowance for this county: it says so rather than show a figure.
    assert set(shown) == {"supervisor", "director"}
    assert all(v == "未设定" or v.endswith("元/月") for v in shown.values())


def test_a_childrens_home_is_in_a_village_and_its_director_logs_activities(officer, make_user):
    with pytest.raises(ValidationError, match="须设在村"):
        svc.children_home_create(
            actor=officer, name="之家", region_code=TOWN_A, address="某地", opened_on=APPOINTED
        )
    home = svc.children_home_create(
        actor=officer, name="唐口村儿童之家", region_code=VILLAGE_A, address="村委会院内", opened_on=APPOINTED
    )
    director = make_user("child_director", VILLAGE_A)
    c = Client()
    c.force_login(director)
    r = c.post(
        reverse("children-home", args=[home.pk]),
        {"held_on": TODAY, "title": "课业辅导", "participants": "12"},
    )
    assert r.status_code == 302 and HomeActivity.objects.get().participants == 12
    r = c.post(
        reverse("children-home", args=[home.pk]),
        {"held_on": TODAY, "title": "辅导", "participants": "abc"},
    )
    assert r.status_code == 400 and "参加儿童人数" in r.content.decode()
    elsewhere = Client()
    elsewhere.force_login(make_user("child_director", VILLAGE_B))
    assert elsewhere.get(reverse("children-home", args=[home.pk])).status_code == 404
    assert ChildrenHome.objects.count() == 1 and HomeActivity.objects.count() == 1


def test_the_workforce_page_shows_the_roll_and_coverage_in_fixed_queries(
    officer, make_user, django_assert_max_num_queries
):
    for i in range(4):
        svc.child_worker_appoint(
            actor=officer,
            user=make_user("child_director", VILLAGE_A, username=f"zr{i}"),
            position="director",
            appointed_on=APPOINTED,
        )
    c = Client()
    c.force_login(officer)
    c.get(reverse("children-workforce"))
    with django_assert_max_num_queries(20):
        r = c.get(reverse("children-workforce"))
    page = r.content.decode()
    assert r.status_code == 200 and "村（居）儿童主任" in page and "尚无在任儿童主任" in page
