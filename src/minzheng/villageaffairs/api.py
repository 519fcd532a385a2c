"""/api/v1/villageaffairs/: the completeness of a disclosure period and the question ledger, scoped like
the desk (an actor without the permission reads nothing; out of scope is 404 like missing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.core.api_schemas import with_errors

from . import selectors
from .periods import period_of, period_parse

router = Router(tags=["村务公开"])


class DisclosureRateOut(Schema):
    level: str
    code: str
    name: str
    villages: int
    due: int
    published: int
    rate: str


class QuestionOut(Schema):
    id: int
    region_code: str
    raised_on: str
    text: str
    item: str
    state: str
    due_on: str
    answer: str


def _q(q: Any) -> dict[str, Any]:
    return {
        "id": q.pk,
        "region_code": q.region_code,
        "raised_on": str(q.raised_on),
        "text": q.text,
        "item": q.item.name if q.item else "",
        "state": q.get_state_display(),
        "due_on": str(q.due_on),
        "answer": q.answer,
    }


@router.get(
    "/completeness", response=with_errors(list[DisclosureRateOut]), summary="村务公开完成率（按县、乡镇）"
)
def completeness(request: HttpRequest, period: str = "") -> list[dict[str, Any]]:
    today = timezone.localdate()
    try:
        p = period_parse(period, today=today) if period else period_of(today)
    except ValidationError as e:
        raise HttpError(422, e.messages[0]) from None
    rates = selectors.completeness(actor=request.user, period=p)
    return [
        {
            "level": level,
            "code": r.code,
            "name": r.name,
            "villages": r.villages,
            "due": r.due,
            "published": r.published,
            "rate": r.rate,
        }
        for level, rows in rates.items()
        for r in rows
    ]


@router.get("/questions", response=with_errors(list[QuestionOut]), summary="问题台账")
def questions(request: HttpRequest, state: str = "", overdue: bool = False) -> list[dict[str, Any]]:
    qs = selectors.questions(actor=request.user, state=state[:10], overdue=overdue, on=timezone.localdate())
    return [_q(q) for q in qs[:500]]


@router.get("/questions/{pk}", response=with_errors(QuestionOut), summary="村民问题")
def question(request: HttpRequest, pk: int) -> dict[str, Any]:
    q = selectors.question_get(actor=request.user, pk=pk)
    if q is None:
        raise HttpError(404, "记录不存在")
    return _q(q)
