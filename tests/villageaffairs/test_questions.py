from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.policy.selectors import policy_resolve
from minzheng.regions.models import Region
from minzheng.villageaffairs import selectors, services
from minzheng.villageaffairs.models import CatalogueItem, Question, QuestionState
from tests.conftest import VILLAGE_A

TODAY = timezone.localdate()


def _record(actor, **kw) -> Question:
    return services.question_record(
        actor=actor,
        region_code=VILLAGE_A,
        text=kw.pop("text", "村里修路的钱花在哪了？"),
        raised_on=kw.pop("raised_on", TODAY),
        **kw,
    )


def test_a_question_is_due_by_the_policys_answer_period_from_the_day_it_was_raised(assistant):
    raised = TODAY - dt.timedelta(days=3)
    q = _record(assistant, raised_on=raised, asker="张三", item=CatalogueItem.objects.first())
    days = policy_resolve(on=raised, region_code=VILLAGE_A, hukou_type="").get(
        "villageaffairs.question_answer_days"
    )
    assert q.due_on == raised + dt.timedelta(days=int(days))
    assert q.state == QuestionState.OPEN and q.asker == "张三"


def test_a_question_is_assigned_answered_and_closed_one_step_at_a_time_and_then_shows_on_the_board(
    assistant, clerk, approver
):
    q = _record(assistant)
    with pytest.raises(ValidationError, match="不能答复"):
        services.question_answer(actor=clerk, question=q, answer="已修")
    with pytest.raises(ValidationError, match="不能销号"):
        services.question_close(actor=clerk, question=q)
    services.question_assign(actor=clerk, question=q, assignee="村委会主任", expected_version=0)
    village = Region.objects.get(code=VILLAGE_A)
    services.question_answer(actor=clerk, question=q, answer="修路款8万元，明细已公开", expected_version=1)
    assert selectors.board(village=village, period="2026-03")["answered"] == []
    services.question_close(actor=approver, question=q, expected_version=2)
    q.refresh_from_db()
    assert (q.state, q.closed_by, q.closed_on) == (QuestionState.CLOSED, approver, TODAY)
    assert [a.answer for a in selectors.board(village=village, period="2026-03")["answered"]] == [
        "修路款8万元，明细已公开"
    ]


def test_the_village_records_but_only_the_township_assigns_answers_and_closes(assistant, clerk, make_user):
    q = _record(assistant)
    for fn in (
        lambda: services.question_assign(actor=assistant, question=q, assignee="x"),
        lambda: services.question_answer(actor=assistant, question=q, answer="x"),
    ):
        with pytest.raises(ValidationError, match="只有"):
            fn()
    assert Question.objects.get(pk=q.pk).state == QuestionState.OPEN
    assert selectors.question_actions(actor=assistant, question=q) == []
    assert selectors.question_actions(actor=clerk, question=q) == [("assign", "交办")]


def test_a_stale_page_a_blank_answer_or_a_raised_day_in_the_future_changes_nothing(assistant, clerk):
    q = _record(assistant)
    services.question_assign(actor=clerk, question=q, assignee="村会计")
    with pytest.raises(ValidationError, match="答复内容"):
        services.question_answer(actor=clerk, question=q, answer="  ")
    with pytest.raises(ValidationError, match="刷新"):
        services.question_answer(actor=clerk, question=q, answer="已答复", expected_version=0)
    assert Question.objects.get(pk=q.pk).answer == ""
    with pytest.raises(ValidationError, match="不能晚于今天"):
        _record(assistant, raised_on=TODAY + dt.timedelta(days=1))


def test_overdue_questions_are_listed_and_on_the_townships_todo(assistant, clerk):
    days = int(
        policy_resolve(on=TODAY, region_code=VILLAGE_A, hukou_type="").get(
            "villageaffairs.question_answer_days"
        )
    )
    late = _record(assistant, text="旧问题", raised_on=TODAY - dt.timedelta(days=days + 2))
    fresh = _record(assistant, text="新问题")
    assert list(selectors.questions(actor=clerk, overdue=True, on=TODAY)) == [late]
    todo = selectors.questions_todo(clerk, TODAY)
    assert todo.count == 2 and todo.items[0].note == "已超期" and todo.items[1].label == fresh.text
