from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import scope
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months
from minzheng.people.models import Membership

from .models import Application, Escalation, Objection, Review, SecondApproval, State


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


# Which make/check step each case action is (经办与审核分离): a person who took another step does not see it.
ACTION_STEP = {
    "submit": "intake",
    "verify": "verification",
    "home_visit": "verification",
    "to_review": "verification",
    "village_review": "village_review",
    "decide": "decision",
    "confirm": "second_approval",
}


def application_actions(*, actor: Any, application: Application) -> set[str]:
    """The actions `actor` may take on this case now — the one source for the case page's controls."""
    from . import services

    app, state, region = application, application.state, application.region_code
    temporary = app.programme == "temporary"
    review = getattr(app, "village_review", None) if state == State.VILLAGE_REVIEW else None
    failed_vote = review is not None and not review.passed
    pending = app.second_approvals.filter(confirmed_by__isnull=True).first()
    acts: set[str] = set()
    if can(actor, "assistance.intake", region_code=region):
        acts.add("upload")
        if state == State.DRAFT:
            acts |= {"authorise", "submit"}
        if state == State.VERIFYING:
            acts.add("home_visit")
        if state == State.VILLAGE_REVIEW:
            acts.add("village_review")
        if state == State.PUBLIC_NOTICE:
            acts.add("objection")
        if state in services.DECLARED_EDITABLE:
            acts.add("edit_declared")
    if can(actor, "assistance.process", region_code=region):
        if state == State.SUBMITTED and not temporary:
            acts.add("verify")
        if state in (State.VERIFYING, State.VILLAGE_REVIEW):
            acts.add("verification_run")
        if state == State.VERIFYING:
            acts.add("to_review")
        if failed_vote:
            acts.add("return_to_verification")
    escalation_open = state == State.CLOSED and app.escalations.filter(county_decision__isnull=True).exists()
    if escalation_open and can(actor, "assistance.escalation_decide", region_code=region):
        acts.add("edit_declared")
    open_objections = (
        state == State.PUBLIC_NOTICE
        and Objection.objects.filter(notice__application=app, upheld__isnull=True).exists()
    )
    if open_objections and can(actor, "assistance.objection_resolve", region_code=region):
        acts.add("resolve_objection")
    if can(actor, "assistance.decide", region_code=region):
        # No decision is offered while an objection of the notice is still open (it would be refused).
        notice_ready = state == State.PUBLIC_NOTICE and not open_objections
        decidable = notice_ready or (state == State.SUBMITTED and temporary) or failed_vote
        if decidable and pending is None:
            acts.add("decide")
        if pending is not None and pending.proposed_by_id != getattr(actor, "pk", None):
            acts.add("confirm")
    if (
        can(actor, "assistance.escalation_request", region_code=region)
        and state == State.CLOSED
        and not escalation_open
        and app.decisions.exists()
    ):
        acts.add("escalate")
    if state != State.DRAFT and (
        can(actor, "assistance.intake", region_code=region)
        or can(actor, "assistance.decide", region_code=region)
    ):
        acts.add("refer")
    taken = services.case_steps(app).get(getattr(actor, "pk", 0), set())
    return {a for a in acts if a not in ACTION_STEP or not (taken - {ACTION_STEP[a]})}


def application_history(*, application: Application) -> list[dict[str, Any]]:
    """The case's transitions with the states' Chinese names (never `draft → submitted`)."""
    label = dict(State.choices)
    return [
        {
            "at": t.at,
            "from": label.get(t.from_state, t.from_state),
            "to": label.get(t.to_state, t.to_state),
            "actor": t.actor,
            "note": t.note,
        }
        for t in application.transitions.select_related("actor")
    ]


def application_evidence(*, actor: Any, application: Application) -> dict[str, Any]:
    """What the approver weighs during 公示 and decision: the 核对 reports (verdict, declared vs verified),
    uploaded files, objections, the village review, a pending second approval."""
    from minzheng.verification.models import VerificationReport

    reports = (
        list(VerificationReport.objects.filter(application=application).order_by("-created_at", "-id"))
        if can(actor, "verification.read", region_code=application.region_code)
        else []
    )
    return {
        "reports": reports,
        "report": reports[0] if reports else None,
        "documents": list(application.documents.select_related("uploaded_by").order_by("id")),
        "objections": list(
            Objection.objects.filter(notice__application=application)
            .select_related("recorded_by", "resolved_by")
            .order_by("received_on", "id")
        ),
        "village_review": getattr(application, "village_review", None),
        "pending": SecondApproval.objects.filter(application=application, confirmed_by__isnull=True)
        .select_related("proposed_by")
        .first(),
    }


def document_get_for_actor(*, actor: Any, application_id: int, document_id: int) -> Any:
    app = application_get_for_actor(actor=actor, application_id=application_id)
    doc = app.documents.filter(pk=document_id).first()
    if doc is None:
        raise Http404("未找到该材料")
    return doc


def objection_get_for_actor(*, actor: Any, application_id: int, objection_id: int) -> Objection:
    app = application_get_for_actor(actor=actor, application_id=application_id)
    objection = Objection.objects.filter(notice__application=app, pk=objection_id).first()
    if objection is None:
        raise Http404("未找到该异议")
    return objection


def second_approvals_pending(*, actor: Any) -> QuerySet[SecondApproval]:
    return scope(
        SecondApproval.objects.filter(confirmed_by__isnull=True, kind="review").select_related(
            "review__enrolment__person", "proposed_by"
        ),
        actor,
    )
