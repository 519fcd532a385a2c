from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months
from minzheng.casework.selectors import CaseActions, case_actions, case_history
from minzheng.people.models import Household, Membership

from .models import (
    Application,
    Decision,
    Escalation,
    Objection,
    Referral,
    Review,
    ReviewOutcome,
    SecondApproval,
)
from .workflow import application_workflow

READ = "assistance.read"  # the permission every read of this module is scoped under


def application_list(*, actor: Any, state: str = "", programme: str = "") -> QuerySet[Application]:
    qs = scoped(READ, Application.objects.select_related("household", "applicant"), actor)
    if state:
        qs = qs.filter(state=state)
    if programme:
        qs = qs.filter(programme=programme)
    return qs.order_by("-difficulty_index", "-created_at")


def decisions_in_month(*, actor: Any, month: dt.date) -> QuerySet[Decision]:
    """The decisions made in `month` (Beijing calendar) on the applications the actor may read, oldest
    first: what one batch of decision letters prints."""
    beijing = timezone.get_current_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=beijing)
    end = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=beijing)
    readable = scoped(READ, Application.objects.all(), actor)
    return (
        Decision.objects.filter(application__in=readable, decided_at__gte=start, decided_at__lt=end)
        .select_related("application", "application__applicant")
        .order_by("decided_at", "pk")
    )


def application_get_for_actor(*, actor: Any, application_id: int) -> Application:
    app = (
        scoped(
            READ,
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
    return scoped(
        READ, Review.objects.filter(outcome="", due_date__lte=on).select_related("enrolment__person"), actor
    )


def review_get_for_actor(*, actor: Any, review_id: int) -> Review:
    review = (
        scoped(READ, Review.objects.select_related("enrolment", "enrolment__person"), actor)
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("未找到该核查")
    return review


def escalations_pending(*, actor: Any) -> QuerySet[Escalation]:
    return scoped(
        READ, Escalation.objects.filter(county_decision__isnull=True).select_related("application"), actor
    )


def escalation_get_for_actor(*, actor: Any, escalation_id: int) -> Escalation:
    esc = (
        scoped(READ, Escalation.objects.select_related("application"), actor).filter(pk=escalation_id).first()
    )
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
        scoped(READ, Enrolment.objects.filter(programme="dibao"), actor)
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


def application_case_actions(*, actor: Any, application: Application) -> CaseActions:
    """The case page's controls, reasons and deadlines: casework's one selector on this programme's
    workflow (see workflow.py)."""
    return case_actions(actor=actor, case=application, workflow=application_workflow(application))


def application_actions(*, actor: Any, application: Application) -> set[str]:
    """The codes of the actions `actor` may take on this case now."""
    return set(application_case_actions(actor=actor, application=application).codes)


def application_history(*, application: Application) -> list[dict[str, Any]]:
    """The case's transitions with the states' Chinese names (never `draft → submitted`)."""
    return case_history(workflow=application_workflow(application), case=application)


def application_evidence(*, actor: Any, application: Application) -> dict[str, Any]:
    """What the approver weighs during 公示 and decision: the 核对 reports (verdict, declared vs verified),
    uploaded files, objections, the village review, a pending second approval."""
    reports = (
        list(application.verifications.order_by("-created_at", "-id"))
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
    return scoped(
        READ,
        SecondApproval.objects.filter(confirmed_by__isnull=True, kind="review").select_related(
            "review__enrolment__person", "proposed_by"
        ),
        actor,
    )


# ----------------------------------------------------------------------------- 跟踪转介 (referrals)
REFER = "assistance.refer"


def _received(actor: Any) -> QuerySet[Referral]:
    """Referrals whose receiving office lies in the actor's region (older ones without a named office
    are received by the referring region)."""
    qs = Referral.objects.select_related("application__applicant")
    named = scoped(REFER, qs, actor, field="to_region_code")
    legacy = scoped(REFER, qs.filter(to_region_code=""), actor)
    return qs.filter(Q(pk__in=named.values("pk")) | Q(pk__in=legacy.values("pk")))


def referrals_received(*, actor: Any, view: str = "open", on: dt.date | None = None) -> QuerySet[Referral]:
    """The receiving office's list: `open` (not yet closed), `overdue` (open past the deadline), `all`."""
    qs = _received(actor)
    if view in ("open", "overdue"):
        qs = qs.filter(status__in=Referral.OPEN_STATUSES)
    if view == "overdue":
        qs = qs.filter(due_date__lt=on or timezone.localdate())
    return qs.order_by("due_date", "pk")


def referral_get_for_actor(*, actor: Any, referral_id: int) -> Referral:
    """One referral, for the receiving office or the referring region; anyone else gets a 404."""
    qs = Referral.objects.select_related("application__applicant", "created_by", "accepted_by", "closed_by")
    made_here = scoped(REFER, qs, actor).filter(pk=referral_id)
    ref = _received(actor).filter(pk=referral_id).first() or made_here.first()
    if ref is None:
        raise Http404("未找到该转介")
    return qs.get(pk=ref.pk)


def referral_actions(*, actor: Any, referral: Referral) -> list[tuple[str, str]]:
    """(action, label) the actor may take on the referral now: only the receiving office, by state."""
    from .services import REFERRAL_ACTION_LABELS, REFERRAL_MOVES

    office = referral.to_region_code or referral.region_code
    if not can(actor, REFER, region_code=office):
        return []
    return [
        (a, REFERRAL_ACTION_LABELS[a])
        for a, (starts, _end) in REFERRAL_MOVES.items()
        if referral.status in starts
    ]


# ---------------------------------------------------------------- a member's death (funeral line)
def death_redecision_estimate(*, enrolment: Enrolment, on: dt.date) -> dict[str, Any]:
    """What the household's benefit would be without the members who died: the rule of the decision the
    enrolment was granted on, on its declared facts, one fewer member. `estimate` is None (with the
    reason in `text`) when no rule can be run. A stock enrolment (imported, no application) is estimated on
    the household's facts on file (trial.household_assess_on_file); with none, `text` names what is
    missing (a missing policy likewise)."""
    from django.core.exceptions import ValidationError

    from .services import enrolment_application
    from .trial import application_assess_living, household_assess_on_file

    current = enrolment.monthly_amount
    application = enrolment_application(enrolment)
    household = (
        enrolment.household
        or Household.objects.filter(
            memberships__person_id=enrolment.person_id, memberships__end_date__isnull=True
        ).first()
    )
    try:
        if application is not None:
            result = application_assess_living(application=application, on=on)
        elif household is None:
            raise ValidationError("该对象没有登记家庭户，系统中没有可用于估算的家庭收入和财产")
        else:
            result = household_assess_on_file(
                programme=enrolment.programme,
                household=household,
                region_code=enrolment.region_code,
                on=on,
            )
    except ValidationError as e:
        return {
            "current": current,
            "estimate": None,
            "text": f"现每月{current}元；无法按规则估算：{e.messages[0]}",
        }
    if not result.eligible:
        return {
            "current": current,
            "estimate": 0,
            "text": f"现每月{current}元；按规则减少一名成员后已不符合条件，预计停止保障或渐退",
        }
    change = result.monthly_amount - current
    sign = "增加" if change > 0 else "减少"
    delta = f"，{sign}{abs(change)}元" if change else "，金额不变"
    return {
        "current": current,
        "estimate": result.monthly_amount,
        "text": f"现每月{current}元；按规则减少一名成员后预计每月{result.monthly_amount}元{delta}",
    }


def reviews_amount(*, review_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    """review id → (its outcome code, "" while undecided; the monthly amount it leaves: the adjusted amount,
    or the unchanged one when it continues; None when it stops or exits gradually) — one query."""
    rows = Review.objects.filter(pk__in=review_ids).values_list(
        "pk", "outcome", "new_amount", "enrolment__monthly_amount"
    )
    out: dict[int, tuple[str, int | None]] = {}
    for pk, outcome, new, old in rows:
        amount = (
            new if outcome == ReviewOutcome.ADJUST else old if outcome == ReviewOutcome.CONTINUE else None
        )
        out[pk] = (outcome, amount)
    return out


def reviews_state(*, review_ids: list[int]) -> dict[int, str]:
    """review id → its outcome's label, "" while it is undecided (one query)."""
    labels = dict(Review._meta.get_field("outcome").choices or [])
    return {
        pk: str(labels.get(outcome, "")) if outcome else ""
        for pk, outcome in Review.objects.filter(pk__in=review_ids).values_list("pk", "outcome")
    }
