from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.policy.selectors import policy_resolve
from minzheng.villageaffairs import services
from minzheng.villageaffairs.models import CadreGrade, CadreReview
from tests.conftest import VILLAGE_A

from .conftest import client

TODAY = timezone.localdate()


def _review(actor, scores, name="李建国", held_on=TODAY):
    return services.cadre_review_record(
        actor=actor,
        region_code=VILLAGE_A,
        cadre_name=name,
        post="director",
        held_on=held_on,
        report="一年来修路两条，低保评议公开透明",
        questions="修路钱怎么花的？",
        suggestions="建议建设文化广场",
        scores=dict(zip(("score_representatives", "score_party", "score_township"), scores, strict=True)),
        goal="完成文化广场建设",
        measures="一事一议筹资",
        responsible="李建国",
        due_on=held_on + dt.timedelta(days=180),
    )


def test_the_grade_follows_the_policys_score_lines_on_the_mean_of_the_three_scores(assistant):
    policy = policy_resolve(on=TODAY, region_code=VILLAGE_A, hukou_type="")
    excellent = policy.get("villageaffairs.cadre_excellent_min")
    basic = policy.get("villageaffairs.cadre_basic_min")
    top = _review(assistant, (excellent, excellent, excellent))
    assert (top.total, top.grade) == (excellent, CadreGrade.EXCELLENT)
    just_below = _review(assistant, (excellent, excellent, excellent - Decimal("0.3")))
    assert just_below.total == excellent - Decimal("0.1") and just_below.grade == CadreGrade.COMPETENT
    low = _review(assistant, (basic - 1, basic - 1, basic - 1))
    assert low.grade == CadreGrade.INCOMPETENT


def test_a_score_out_of_range_or_a_deadline_before_the_meeting_is_refused(assistant):
    with pytest.raises(ValidationError, match="党员评分"):
        _review(assistant, (Decimal(80), Decimal(101), Decimal(80)))
    with pytest.raises(ValidationError, match="完成时限"):
        services.cadre_review_record(
            actor=assistant,
            region_code=VILLAGE_A,
            cadre_name="李建国",
            post="director",
            held_on=TODAY,
            report="x",
            questions="y",
            suggestions="",
            scores={
                "score_representatives": Decimal(80),
                "score_party": Decimal(80),
                "score_township": Decimal(80),
            },
            goal="g",
            measures="m",
            responsible="r",
            due_on=TODAY,
        )
    assert not CadreReview.objects.exists()


def test_the_cadres_page_records_a_review_and_shows_the_cadres_history(assistant):
    earlier = _review(
        assistant, (Decimal(70), Decimal(72), Decimal(74)), held_on=TODAY - dt.timedelta(days=90)
    )
    c = client(assistant)
    data = {
        "village": VILLAGE_A,
        "cadre_name": "李建国",
        "post": "director",
        "held_on": TODAY.isoformat(),
        "report": "述职",
        "questions": "提问",
        "score_representatives": "88",
        "score_party": "86.5",
        "score_township": "90",
        "goal": "目标",
        "measures": "措施",
        "responsible": "李建国",
        "due_on": (TODAY + dt.timedelta(days=90)).isoformat(),
    }
    r = c.post("/villageaffairs/cadres/", data)
    assert r.status_code == 302
    page = c.get(r.url).content.decode()
    assert "88.2" in page and earlier.held_on.isoformat() in page
    bad = c.post("/villageaffairs/cadres/", {**data, "score_party": "abc"})
    assert bad.status_code == 200 and CadreReview.objects.count() == 2
