from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from minzheng.accounts.scoping import scope
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months
from minzheng.people.models import Membership

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


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def dibao_due_for_review(*, actor: Any, on: dt.date) -> QuerySet[Enrolment]:
    """定期核查 worklist, set-based in the database: dibao households are reviewed yearly, those with a
    member of working age (18–59) every 6 months — counted from the start of the benefit or the last
    decided review."""
    year_ago = _years_before(on, 1)
    half_year_ago = add_months(on.replace(day=1), -6)
    working = Membership.objects.filter(
        household=OuterRef("household"),
        end_date__isnull=True,
        person__is_alive=True,
        person__birth_date__lte=_years_before(on, 18),
        person__birth_date__gt=_years_before(on, 60),
    )
    reviewed_after = Review.objects.filter(enrolment=OuterRef("pk")).exclude(outcome="")
    return (
        scope(Enrolment.objects.filter(programme="dibao"), actor)
        .filter(Q(last_month__isnull=True) | Q(last_month__gte=on.replace(day=1)))
        .annotate(
            can_work=Exists(working),
            recent_half=Exists(reviewed_after.filter(decided_at__date__gt=half_year_ago)),
            recent_year=Exists(reviewed_after.filter(decided_at__date__gt=year_ago)),
        )
        .filter(
            Q(can_work=True, first_month__lte=half_year_ago, recent_half=False)
            | Q(can_work=False, first_month__lte=year_ago, recent_year=False)
        )
        .exclude(pk__in=Review.objects.filter(outcome="").values("enrolment_id"))
        .select_related("person", "household")
        .order_by("first_month")
    )
