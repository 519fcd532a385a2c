"""The line's new pages against another county's records: a child file, a re-decision, a worker and a
children's home of 兖州区 answer a 任城区 actor exactly like a missing id (404), for every verb."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.children import services as svc
from tests.children.conftest import parent
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B

MISSING = 987654321


@pytest.fixture
def elsewhere(make_user, make_person):
    """Records of 兖州区."""
    officer = make_user("child_welfare_officer", TOWN_B[:6])
    director = make_user("child_director", VILLAGE_B)
    clerk, approver = make_user("township_clerk", TOWN_B), make_user("township_approver", TOWN_B)
    today = timezone.localdate()
    kid = make_person(village=VILLAGE_B, birth=today.replace(year=today.year - 7), hukou_type="rural")
    svc.child_file_open(actor=director, person=kid, left_behind=True, in_difficulty=False)
    case = svc.category_case_intake(
        actor=clerk, child=kid, father=parent("dead"), mother=parent("imprisoned")
    )
    svc.category_case_verify(actor=clerk, case=case)
    svc.category_case_decide(actor=approver, case=case)
    worker = svc.child_worker_appoint(
        actor=officer, user=director, position="director", appointed_on=dt.date(2024, 1, 1)
    )
    home = svc.children_home_create(
        actor=officer,
        name="兖州儿童之家",
        region_code=VILLAGE_B,
        address="村委会",
        opened_on=dt.date(2024, 1, 1),
    )
    return {"person": kid.pk, "case": case.pk, "worker": worker.pk, "home": home.pk}


ROUTES = (
    ("children-file", "person"),
    ("children-file-print", "person"),
    ("children-file-edit", "person"),
    ("children-file-assess", "person"),
    ("children-file-visit", "person"),
    ("children-case-change", "case"),
    ("children-redecision-open", "case"),
    ("children-worker-training", "worker"),
    ("children-home", "home"),
)


@pytest.mark.parametrize(
    "role,region",
    [("child_welfare_officer", TOWN_A[:6]), ("child_director", VILLAGE_A), ("township_clerk", TOWN_A)],
)
def test_another_countys_child_records_read_as_missing(elsewhere, make_user, role, region):
    c = Client()
    c.force_login(make_user(role, region))
    for name, key in ROUTES:
        for verb in ("get", "post"):
            got = getattr(c, verb)(reverse(name, args=[elsewhere[key]]))
            ref = getattr(c, verb)(reverse(name, args=[MISSING]))
            assert got.status_code == ref.status_code, (name, verb)
            assert got.status_code in (403, 404, 405), (name, verb, got.status_code)
            if got.status_code == 404:
                assert got.content == ref.content


def test_the_lists_show_nothing_of_another_county(elsewhere, make_user):
    c = Client()
    c.force_login(make_user("child_welfare_officer", TOWN_A[:6]))
    for name in ("children-files", "children-workforce", "children-homes"):
        page = c.get(reverse(name)).content.decode()
        assert "兖州儿童之家" not in page
    assert c.get(reverse("children-files")).status_code == 200
