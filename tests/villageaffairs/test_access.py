"""Scope of the line (its URLs take `pk`, outside the generated matrix): another county's officer and
another township's clerk get 404 exactly like a missing record on every page and action; staff without
the line's permissions are refused and read nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minzheng.accounts.models import Role
from minzheng.regions.models import Region
from minzheng.villageaffairs import services
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A

from .conftest import DAY, PERIOD, client

ROUTES = [
    ("get", "/villageaffairs/village/{village}/"),
    ("get", "/villageaffairs/village/{village}/publish/?period=2026-03&item=1"),
    ("post", "/villageaffairs/village/{village}/publish/"),
    ("get", "/villageaffairs/village/{village}/board/"),
    ("get", "/villageaffairs/disclosure/{disclosure}/"),
    ("post", "/villageaffairs/disclosure/{disclosure}/correct/"),
    ("get", "/villageaffairs/attachment/{attachment}/"),
    ("get", "/villageaffairs/questions/{question}/"),
    ("post", "/villageaffairs/questions/{question}/assign/"),
    ("post", "/villageaffairs/questions/{question}/answer/"),
    ("post", "/villageaffairs/questions/{question}/close/"),
    ("get", "/api/v1/villageaffairs/questions/{question}"),
    ("get", "/villageaffairs/inspections/{inspection}/"),
    ("post", "/villageaffairs/inspections/{inspection}/finding/"),
    ("get", "/villageaffairs/findings/{finding}/"),
    ("post", "/villageaffairs/findings/{finding}/rectify/"),
    ("post", "/villageaffairs/findings/{finding}/pass/"),
    ("get", "/villageaffairs/matters/{matter}/"),
    ("post", "/villageaffairs/matters/{matter}/review/"),
    ("get", "/villageaffairs/matter-files/{step}/"),
    ("get", "/villageaffairs/cadres/{cadre}/"),
]


@pytest.fixture
def records(assistant, clerk):
    from minzheng.villageaffairs.models import CatalogueItem, Frequency

    event = CatalogueItem.objects.filter(frequency=Frequency.EVENT).first()
    d = services.disclosure_publish(
        actor=assistant,
        region_code=VILLAGE_A,
        period=PERIOD,
        item=event,
        text="救灾款物",
        published_on=DAY,
        attachments=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")],
    )
    q = services.question_record(actor=assistant, region_code=VILLAGE_A, text="问题", raised_on=DAY)
    inspection = services.inspection_create(
        actor=clerk, region_code=TOWN_A, mode="open", held_on=DAY, villages=[VILLAGE_A]
    )
    finding = services.finding_add(
        actor=clerk,
        inspection=inspection,
        region_code=VILLAGE_A,
        problem="x",
        rectify_by=DAY.replace(year=2030),
    )
    matter = services.matter_propose(
        actor=assistant, region_code=VILLAGE_A, title="议题", proposer="某", note="说明", on=DAY
    )
    services.matter_step(
        actor=clerk,
        matter=matter,
        action="review",
        note="合规",
        on=DAY,
        attachment=SimpleUploadedFile("b.pdf", b"%PDF-1.4 x"),
    )
    from decimal import Decimal

    review = services.cadre_review_record(
        actor=assistant,
        region_code=VILLAGE_A,
        cadre_name="某",
        post="member",
        held_on=DAY,
        report="述",
        questions="问",
        suggestions="",
        scores=dict.fromkeys(("score_representatives", "score_party", "score_township"), Decimal(80)),
        goal="g",
        measures="m",
        responsible="r",
        due_on=DAY.replace(year=2030),
    )
    return {
        "cadre": review.pk,
        "inspection": inspection.pk,
        "finding": finding.pk,
        "matter": matter.pk,
        "step": matter.steps.get(step="review").pk,
        "village": Region.objects.get(code=VILLAGE_A).pk,
        "disclosure": d.pk,
        "attachment": d.attachments.get().pk,
        "question": q.pk,
    }


@pytest.mark.parametrize(("role", "region"), [(Role.COUNTY_OFFICER, "370812"), (Role.TOWNSHIP_CLERK, TOWN_B)])
def test_outsiders_get_404_like_a_missing_record_everywhere(records, make_user, role, region):
    c = client(make_user(role, region))
    missing = dict.fromkeys(records, 987654321)
    for verb, route in ROUTES:
        got = getattr(c, verb)(route.format(**records))
        ref = getattr(c, verb)(route.format(**missing))
        assert got.status_code == ref.status_code == 404, route
        assert got.content == ref.content, route


@pytest.mark.parametrize("role", [Role.SOCIAL_AFFAIRS_OFFICER, Role.GRID_WORKER, Role.COUNTY_FINANCE])
def test_staff_without_the_lines_permissions_are_refused_and_read_nothing(records, make_user, role):
    region = "370811" if role != Role.GRID_WORKER else VILLAGE_A
    c = client(make_user(role, region))
    for url in (
        "/villageaffairs/",
        "/villageaffairs/questions/",
        "/villageaffairs/questions/new/",
        "/villageaffairs/inspections/",
        "/villageaffairs/matters/",
        "/villageaffairs/cadres/",
    ):
        assert c.get(url).status_code == 403, url
    for verb, route in ROUTES:
        assert getattr(c, verb)(route.format(**records)).status_code == 404, route
    assert c.get("/api/v1/villageaffairs/questions").json() == []
