"""Reads of the line. A protection case is readable only by an actor who holds `child.case_read` in its
region AND is actively assigned to it, or who assigns cases there (`child.case_assign`, the county's
child-welfare officers, who supervise the assigned workers). Everyone else reads it as missing (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.permissions import can, roles_for, scoped
from minzheng.accounts.scoping import in_scope, scope
from minzheng.casework.selectors import case_actions, case_deadlines, case_history
from minzheng.core.todos import Item, Todo

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
    if not can(actor, "child.case_read", region_code=case.region_code):
        return False
    if can(actor, "child.case_assign", region_code=case.region_code):
        return True
    return case.assignments.filter(user=actor, active=True).exists()


def case_list(*, actor: Any, q: str = "", state: str = "") -> QuerySet[ProtectionCase]:
    """Search only ever runs inside the cases the actor may read: the unassigned find nothing."""
    qs = readable_cases(actor).select_related("child")
    if q:
        qs = qs.filter(Q(child__name__contains=q) | Q(pk=int(q) if q.isdigit() else -1))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def case_page(*, actor: Any, case: ProtectionCase) -> dict[str, Any]:
    return {
        "case": case,
        "state_label": PROTECTION.state_label(case.state),
        "actions": case_actions(actor=actor, case=case, workflow=PROTECTION),
        "history": case_history(workflow=PROTECTION, case=case),
        "assignments": case.assignments.filter(active=True).select_related("user"),
        "assessments": case.assessments.select_related("assessed_by").order_by("-id"),
        "conferences": case.conferences.order_by("-id"),
        "measures": case.measures.order_by("id"),
        "followups": case.followups.order_by("-visited_on", "-id"),
    }


def assignable_users(*, case: ProtectionCase) -> QuerySet[User]:
    """Staff who may read protection cases in the case's region (a prefix of its code is their region)."""
    prefixes = [case.region_code[:n] for n in (2, 4, 6, 9, 12)]
    return User.objects.filter(
        is_active=True, role__in=roles_for("child.case_read"), region__code__in=prefixes
    ).order_by("username")


def overdue_cases(*, actor: Any, on: dt.date | None = None) -> list[tuple[ProtectionCase, Any]]:
    """The actor's readable open cases with a missed deadline, each with its first missed deadline."""
    today = on or timezone.localdate()
    out = []
    for case in readable_cases(actor).filter(state__in=OPEN).select_related("child"):
        missed = [d for d in case_deadlines(workflow=PROTECTION, case=case, on=today) if d.overdue or d.error]
        if missed:
            out.append((case, missed[0]))
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
        "history": case_history(workflow=ADOPTION, case=adoption),
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
