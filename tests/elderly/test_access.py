"""Access to the elderly line's pages: every page behind its permission, and every page that takes an
object (an elder, an assessment, a subsidy application), with every verb, answers a clerk of another
county exactly as it answers an id that does not exist (out of scope reads as missing)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from minzheng.elderly.services import assessment_record, subsidy_apply
from tests.conftest import TOWN_A

pytestmark = pytest.mark.django_db

MISSING = 987654321
VERBS = ("get", "post", "put", "patch", "delete")
PAGES = (
    "elderly-registry",
    "elderly-roster",
    "elderly-subsidies",
    "elderly-care-costs",
    "elderly-trial",
)


@pytest.fixture
def records(make_user, make_elder, capability):  # type: ignore[no-untyped-def]
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(83)
    a = assessment_record(
        actor=clerk,
        person=elder,
        second_assessor=officer,
        capability=capability(60),
        assessed_on=timezone.localdate(),
    )
    app = subsidy_apply(actor=clerk, person=elder)
    return {
        "elderly-detail": elder.pk,
        "elderly-situation": elder.pk,
        "elderly-assess": elder.pk,
        "elderly-subsidy-apply": elder.pk,
        "elderly-assessment": a.pk,
        "elderly-subsidy": app.pk,
    }


@pytest.mark.parametrize("verb", VERBS)
def test_another_countys_records_answer_like_missing_ones(client, make_user, records, verb):  # type: ignore[no-untyped-def]
    client.force_login(make_user("township_clerk", "370812001"))
    for name, pk in records.items():
        theirs = getattr(client, verb)(reverse(name, args=[pk]))
        missing = getattr(client, verb)(reverse(name, args=[MISSING]))
        assert theirs.status_code == missing.status_code, name
        assert theirs.status_code in (404, 405), name


def test_the_lines_pages_refuse_roles_without_the_permission(client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("carer", TOWN_A))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("elderly-registry-export")).status_code == 403


def test_the_elderly_officer_sees_the_subsidy_to_decide_on_the_home_page(client, make_user, records):  # type: ignore[no-untyped-def]
    client.force_login(make_user("elderly_officer", "370811"))
    home = client.get("/").content.decode()
    assert "老年人补贴待审批" in home


def test_the_registry_is_in_the_navigation_of_its_readers_only(client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("township_clerk", TOWN_A))
    assert reverse("elderly-registry") in client.get("/").content.decode()
    client.force_login(make_user("carer", TOWN_A))
    assert f'href="{reverse("elderly-registry")}"' not in client.get("/").content.decode()
