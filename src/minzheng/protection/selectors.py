"""Reads of the line. A protection case is readable only by an actor who holds `child.case_read` in its
region AND is actively assigned to it, or who assigns cases there (`child.case_assign`, the county's
child-welfare officers, who supervise the assigned workers). Everyone else reads it as missing (404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.permissions import can, roles_for, scoped
from minzheng.accounts.scoping import in_scope, scope
from minzheng.casework.models import CaseEvent
from minzheng.casework.selectors import (
    DeadlineStatus,
    _clock_starts,
    add_working_days,
    case_actions,
    case_history,
)
from minzheng.core.todos import Item, Todo
from minzheng.policy.models import ParameterStatus, PolicyParameter

from .models import AdoptableChild, Adoption, ProtectionCase
from .workflow import ADOPTION, OPEN, PROTECTION


def readable_cases(actor: Any) -> QuerySet[ProtectionCase]:
    if not can(actor, "child.case_read"):
        return ProtectionCase.objects.none()
    qs = scope(ProtectionCase.objects.all(), actor)
    if can(actor, "child.case_assign"):
        return qs
    mine = ProtectionCase.objects.filter(assignments__user=actor, assignments__active=True).values("pk")
    return qs.filter(pk__in=mine)


def case_readable(actor: Any, case: ProtectionCase) -> bool:
    """The same rule as the list (`readable_cases`), asked of one case: the two can never disagree."""
    return readable_cases(actor).filter(pk=case.pk).exists()


def case_get_for_actor(*, actor: Any, pk: Any) -> ProtectionCase | None:
    """The one access checkpoint of a protection case (page, actions, API): None when missing or not
    readable by the actor, alike."""
    if not str(pk).isdigit():
        return None
    return readable_cases(actor).select_related("child").filter(pk=int(pk)).first()


def case_list(*, actor: Any, q: str = "", state: str = "") -> QuerySet[ProtectionCase]:
    """Search only ever runs inside the cases the actor may read: the unassigned find nothing."""
    qs = readable_cases(actor).select_related("child")
    if q:
        qs = qs.filter(Q(child__name__contains=q) | Q(pk=int(q) if q.isdigit() else -1))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def staff_label(user: Any) -> str:
    """How a worker is named on a case: the person's name and role as people read them (姓名（儿童主任）),
    never the login name."""
    name = getattr(user, "display_name", "") or "未登记姓名"
    return f"{name}（{user.get_role_display()}）"


def _history(workflow: Any, case: Any) -> list[dict[str, Any]]:
    rows = case_history(workflow=workflow, case=case)
    for row in rows:
        row["actor_name"] = staff_label(row["actor"])
    return rows


def case_page(*, actor: Any, case: ProtectionCase) -> dict[str, Any]:
    assignments = list(case.assignments.filter(active=True).select_related("user"))
    for a in assignments:
        a.user_name = staff_label(a.user)  # type: ignore[attr-defined]
    return {
        "case": case,
        "state_label": PROTECTION.state_label(case.state),
        "actions": case_actions(actor=actor, case=case, workflow=PROTECTION),
        "history": _history(PROTECTION, case),
        "assignments": assignments,
        "assessments": case.assessments.select_related("assessed_by").order_by("-id"),
        "conferences": case.conferences.order_by("-id"),
        "measures": case.measures.order_by("id"),
        "followups": case.followups.order_by("-visited_on", "-id"),
    }


def assignable_choices(*, case: ProtectionCase) -> list[tuple[int, str]]:
    """(user id, 姓名（角色）) for the assignment form."""
    return [(u.pk, staff_label(u)) for u in assignable_users(case=case)]


def assignable_users(*, case: ProtectionCase) -> QuerySet[User]:
    """Staff who may read protection cases in the case's region (a prefix of its code is their region)."""
    prefixes = [case.region_code[:n] for n in (2, 4, 6, 9, 12)]
    return User.objects.filter(
        is_active=True, role__in=roles_for("child.case_read"), region__code__in=prefixes
    ).order_by("username")


def _policy_days(keys: set[str]) -> Callable[[str, dt.date, str], int | None]:
    """The deadline figures of every case in one query: the approved rows of `keys`, resolved per (key, day
    the clock started, region) exactly as `policy_resolve` does (most specific region, then latest)."""
    rows = list(
        PolicyParameter.objects.filter(
            key__in=keys, status=ParameterStatus.APPROVED, hukou_type=""
        ).values_list("key", "region_prefix", "effective_from", "effective_to", "value")
    )

    def days(key: str, on: dt.date, region_code: str) -> int | None:
        prefixes = {"", *(region_code[:n] for n in (4, 6, 9, 12) if len(region_code) >= n)}
        best: tuple[tuple[int, dt.date], Any] | None = None
        for k, prefix, start, end, value in rows:
            if k != key or start > on or (end is not None and end < on) or prefix not in prefixes:
                continue
            rank = (len(prefix), start)
            if best is None or rank > best[0]:
                best = (rank, value)
        return None if best is None else int(best[1])

    return days


def overdue_cases(*, actor: Any, on: dt.date | None = None) -> list[tuple[ProtectionCase, DeadlineStatus]]:
    """The actor's readable open cases with a missed deadline, each with its first missed deadline. A fixed
    number of queries however many cases: the cases, their transitions, the deadline figures."""
    today = on or timezone.localdate()
    cases = list(readable_cases(actor).filter(state__in=OPEN).select_related("child").order_by("id"))
    if not cases:
        return []
    events: dict[int, list[CaseEvent]] = {}
    ids = readable_cases(actor).filter(state__in=OPEN).values("pk")
    for e in CaseEvent.objects.filter(case_type=PROTECTION.case_type, case_id__in=ids).order_by("at", "id"):
        events.setdefault(e.case_id, []).append(e)
    deadlines = list(PROTECTION.deadlines())
    days = _policy_days({d.policy_key for _, d in deadlines})
    out = []
    for case in cases:
        starts = _clock_starts(events.get(case.pk, []), case.state)
        for step, d in deadlines:
            start = starts.get(d.since)
            if case.state not in d.states or start is None:
                continue
            n = days(d.policy_key, start, case.region_code)
            if n is None:
                missing = f"无法计算“{d.label}”：未设置政策参数{d.policy_key}"
                out.append((case, DeadlineStatus(step.code, d.label, d.kind, start, None, False, missing)))
                break
            due = add_working_days(start, n) if d.working_days else start + dt.timedelta(days=n)
            status = DeadlineStatus(step.code, d.label, d.kind, start, due, today > due)
            if status.overdue:
                out.append((case, status))
                break
    return out


def protection_todo(actor: Any, on: dt.date) -> Todo:
    rows = overdue_cases(actor=actor, on=on)
    from django.urls import reverse

    return Todo(
        key="protection-overdue",
        title="未成年人保护个案超期",
        count=len(rows),
        url=reverse("protection-overdue"),
        items=[
            Item(label=f"个案#{c.pk}", url=reverse("protection-case", args=[c.pk]), note=d.message)
            for c, d in rows[:5]
        ],
        empty="无超期个案",
    )


# ---------------------------------------------------------------- adoption
def adoption_list(*, actor: Any, state: str = "") -> QuerySet[Adoption]:
    qs = scoped("child.adoption", Adoption.objects.select_related("child__person"), actor)
    return qs.filter(state=state) if state else qs


def adoption_page(*, actor: Any, adoption: Adoption) -> dict[str, Any]:
    return {
        "adoption": adoption,
        "state_label": ADOPTION.state_label(adoption.state),
        "actions": case_actions(actor=actor, case=adoption, workflow=ADOPTION),
        "history": _history(ADOPTION, adoption),
    }


def adoptable_children(*, actor: Any) -> QuerySet[AdoptableChild]:
    return scoped("child.adoption", AdoptableChild.objects.select_related("person"), actor).order_by("since")


def adoption_get(*, actor: Any, pk: int) -> Adoption | None:
    a = Adoption.objects.select_related("child__person").filter(pk=pk).first()
    if a is None or not can(actor, "child.adoption") or not in_scope(actor, a.region_code):
        return None
    return a


def authority(adoption: Adoption) -> str:
    """The registering authority as people read it: the county's civil-affairs bureau."""
    from minzheng.regions.models import Region

    county = Region.objects.filter(code=adoption.region_code[:6]).first()
    return f"{county.name}民政局" if county else "民政局"
