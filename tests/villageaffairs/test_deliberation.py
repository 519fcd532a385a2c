from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minzheng.casework.models import CaseEvent
from minzheng.casework.selectors import case_actions
from minzheng.villageaffairs import services
from minzheng.villageaffairs.models import Matter
from minzheng.villageaffairs.workflow import STEPS, WORKFLOW
from tests.conftest import VILLAGE_A

from .conftest import client

TODAY = timezone.localdate()


def _matter(assistant):
    return services.matter_propose(
        actor=assistant,
        region_code=VILLAGE_A,
        title="村内道路硬化",
        proposer="村民代表李某",
        note="东西大街雨天泥泞",
        on=TODAY,
    )


def test_a_matter_runs_the_seven_steps_in_order_and_cannot_skip_one(assistant, clerk):
    m = _matter(assistant)
    with pytest.raises(ValidationError, match="不能转为"):
        services.matter_step(actor=clerk, matter=m, action="supervise", note="x", on=TODAY)
    with pytest.raises(ValidationError, match="只有"):
        services.matter_step(actor=assistant, matter=m, action="review", note="x", on=TODAY)
    for code, _label, _frm, to, perm in STEPS:
        actor = clerk if perm.endswith("review") else assistant
        kw = {"attachment": SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 x")} if code == "meet" else {}
        services.matter_step(actor=actor, matter=m, action=code, note=f"{code}情况", on=TODAY, **kw)
        assert Matter.objects.get(pk=m.pk).state == to
    m.refresh_from_db()
    assert m.state == "archived" and m.outcome == "meet情况"
    assert [s.step for s in m.steps.order_by("pk")] == ["propose", *(c for c, *_ in STEPS)]
    assert CaseEvent.objects.filter(workflow=WORKFLOW.code, case_id=m.pk).count() == 6
    assert m.steps.get(step="meet").file


def test_the_township_may_refuse_a_topic_and_the_matter_stops_there(assistant, clerk):
    m = _matter(assistant)
    services.matter_step(actor=clerk, matter=m, action="refuse", note="不属于村民自治范围", on=TODAY)
    m.refresh_from_db()
    assert m.state == "refused"
    assert not case_actions(actor=assistant, case=m, workflow=WORKFLOW).codes
    assert not case_actions(actor=clerk, case=m, workflow=WORKFLOW).codes


def test_the_matter_page_offers_exactly_the_next_step_to_whoever_holds_it(assistant, clerk):
    m = _matter(assistant)
    a, c = client(assistant), client(clerk)
    assert 'id="act-' not in a.get(f"/villageaffairs/matters/{m.pk}/").content.decode()
    page = c.get(f"/villageaffairs/matters/{m.pk}/").content.decode()
    assert 'id="act-review"' in page and 'id="act-refuse"' in page and 'id="act-consult"' not in page
    c.post(
        f"/villageaffairs/matters/{m.pk}/review/", {"version": 0, "note": "议题合规", "on": TODAY.isoformat()}
    )
    assert 'id="act-consult"' in a.get(f"/villageaffairs/matters/{m.pk}/").content.decode()
    r = a.post(
        f"/villageaffairs/matters/{m.pk}/meet/",
        {"version": 1, "note": "x", "on": TODAY.isoformat()},
        follow=True,
    )
    assert Matter.objects.get(pk=m.pk).state == "reviewed" and r.status_code == 200
    r = a.post(
        "/villageaffairs/matters/",
        {"village": VILLAGE_A, "title": "", "proposer": "x", "note": "y", "on": TODAY.isoformat()},
    )
    assert r.status_code == 200 and Matter.objects.count() == 1
