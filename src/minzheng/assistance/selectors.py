from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from minzheng.accounts.scoping import scope
from minzheng.benefits.models import Enrolment

from .models import Application, Escalation, Review


def application_list(*, actor: Any, state: str = "", programme: str = "") -> QuerySet[Application]:
    qs = scope(Application.objects.select_related("household", "applicant"), actor)
    if state:
        qs = qs.filter(state=state)
    if programme:
        qs = qs.filter(programme=programme)
    return qs.order_by("-difficulty_index", "-created_at")


def application_get_for_actor(*, actor: Any, application_id: int) -> Application:
    app = (
        scope(
            Application.objects.select_related("household", "household__region", "applicant", "created_by"),
            actor,
        )
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise Http404("未找到该申请")
    return app


def reviews_due(*, actor: Any, on: dt.date) -> QuerySet[Review]:
    return scope(
        Review.objects.filter(outcome="", due_date__lte=on).select_related("enrolment__person"), actor
    )


def review_get_for_actor(*, actor: Any, review_id: int) -> Review:
    review = (
        scope(Review.objects.select_related("enrolment", "enrolment__person"), actor)
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("未找到该核查")
    return review


def escalations_pending(*, actor: Any) -> QuerySet[Escalation]:
    return scope(Escalation.objects.filter(county_decision__isnull=True).select_related("application"), actor)


def escalation_get_for_actor(*, actor: Any, escalation_id: int) -> Escalation:
    esc = scope(Escalation.objects.select_related("application"), actor).filter(pk=escalation_id).first()
    if esc is None:
        raise Http404("未找到该提级复审")
    return esc


def dibao_due_for_review(*, actor: Any, on: dt.date) -> QuerySet[Enrolment]:
    """定期核查 worklist: dibao enrolments whose yearly review date has come (6-monthly where a member is
    of working age is decided when the review opens); set-based in the database, no Python loop."""
    year_ago = (
        on.replace(year=on.year - 1)
        if not (on.month == 2 and on.day == 29)
        else on.replace(year=on.year - 1, day=28)
    )
    open_reviews = Review.objects.filter(outcome="").values("enrolment_id")
    recent = Review.objects.filter(decided_at__date__gt=year_ago).values("enrolment_id")
    return (
        scope(Enrolment.objects.filter(programme="dibao"), actor)
        .filter(Q(last_month__isnull=True) | Q(last_month__gte=on.replace(day=1)), first_month__lte=year_ago)
        .exclude(pk__in=open_reviews)
        .exclude(pk__in=recent)
        .select_related("person", "household")
        .order_by("first_month")
    )
