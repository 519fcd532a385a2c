"""Reads of 儿童福利 (take the actor; region-scoped; out of scope reads as missing): the roster, the
category cases, the payroll split by funding source, the monthly checks and their completion rate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from minzheng.accounts.permissions import scoped
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment, PayrollLine, PayrollRun
from minzheng.benefits.selectors import active_enrolments, enrolments_for_person
from minzheng.casework.selectors import case_actions, case_history
from minzheng.people.models import Person
from minzheng.regions.selectors import region_labels

from .models import CategoryCase, MonthlyCheck
from .rules import CHILD_LABELS, CODE, FUNDING, FUNDING_LABELS
from .services import CHECK_ITEMS


def child_roster(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """Who is paid the allowance in `month` in the actor's region, by place then start."""
    return active_enrolments(actor=actor, month=month, programme=CODE).order_by(
        "region_code", "first_month", "pk"
    )


def child_panel(*, actor: Any, person: Person) -> dict[str, Any] | None:
    """The person's child-allowance enrolments (current first); None (no panel) when there are none."""
    enrolments = [e for e in enrolments_for_person(actor=actor, person=person) if e.programme == CODE]
    return {"enrolments": enrolments} if enrolments else None


# ---------------------------------------------------------------- category cases
def category_cases(*, actor: Any, state: str = "") -> QuerySet[CategoryCase]:
    qs = scoped("children.read", CategoryCase.objects.select_related("child", "decision"), actor)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


def category_case_get(*, actor: Any, case_id: int) -> CategoryCase:
    """One case in the actor's scope (404 like missing otherwise). A child's record is sensitive: the
    read is audited."""
    case = category_cases(actor=actor).filter(pk=case_id).first()
    if case is None:
        raise Http404("没有这条记录")
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="children.category_case",
        target_id=case.pk,
        region_code=case.region_code,
        detail="查阅儿童类别认定档案",
    )
    return case


def category_case_page(*, actor: Any, case: CategoryCase) -> dict[str, Any]:
    """What the case page shows: the parents and their evidence, the decision and its why, the actions."""
    from .workflow import CHILD

    decision = getattr(case, "decision", None)
    return {
        "case": case,
        "parents": list(case.parents.all()),
        "decision": decision,
        "category_label": CHILD_LABELS.get(decision.category, "") if decision else "",
        "funding_label": FUNDING_LABELS.get(decision.funding, "") if decision else "",
        "actions": case_actions(actor=actor, case=case, workflow=CHILD),
        "history": case_history(workflow=CHILD, case=case),
        "state_label": CHILD.state_label(case.state),
    }


def payroll_by_funding(*, actor: Any, run: PayrollRun) -> list[dict[str, Any]]:
    """The child allowance of one payroll run, totalled by funding source (budget vs charity fund), in
    one aggregate query."""
    rows = (
        scoped("children.read", PayrollLine.objects.filter(run=run, programme=CODE), actor)
        .values("enrolment__tier")
        .annotate(n=Count("pk"), total=Sum("amount"))
    )
    totals: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = FUNDING.get(r["enrolment__tier"], "budget")
        t = totals.setdefault(key, {"funding": key, "label": FUNDING_LABELS[key], "count": 0, "total": 0})
        t["count"] += r["n"]
        t["total"] += r["total"] or 0
    return sorted(totals.values(), key=lambda t: t["funding"])


# ---------------------------------------------------------------- monthly checks
def _beneficiaries(*, actor: Any, month: dt.date, permission: str) -> QuerySet[Enrolment]:
    return scoped(
        permission,
        Enrolment.objects.filter(programme=CODE, first_month__lte=month).exclude(last_month__lt=month),
        actor,
    )


def check_worklist(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """The beneficiaries the child director checks this month, the unchecked first (one query)."""
    done = MonthlyCheck.objects.filter(person=OuterRef("person"), month=month)
    return (
        _beneficiaries(actor=actor, month=month, permission="child.monthly_check")
        .select_related("person")
        .annotate(checked=Exists(done))
        .order_by("checked", "region_code", "person__name", "pk")
    )


def check_person_get(*, actor: Any, person_id: int, month: dt.date) -> Person:
    """A beneficiary the actor checks (404 otherwise)."""
    e = check_worklist(actor=actor, month=month).filter(person_id=person_id).first()
    if e is None:
        raise Http404("没有这条记录")
    return e.person


def check_completion(*, actor: Any, month: dt.date) -> list[dict[str, Any]]:
    """The month's completion rate by township: beneficiaries and those checked, set-based (one grouped
    query and one for the names)."""
    done = MonthlyCheck.objects.filter(person=OuterRef("person"), month=month)
    rows = list(
        _beneficiaries(actor=actor, month=month, permission="children.read")
        .annotate(township=Substr("region_code", 1, 9))
        .values("township")
        .annotate(total=Count("pk", distinct=True), checked_n=Count("pk", filter=Exists(done), distinct=True))
        .order_by("township")
    )
    names = region_labels(r["township"] for r in rows)
    return [
        {
            "township": r["township"],
            "name": names.get(r["township"], ("", ""))[0] or "（未知乡镇）",
            "total": r["total"],
            "checked": r["checked_n"],
            "rate": round(100 * r["checked_n"] / r["total"], 1) if r["total"] else 0.0,
        }
        for r in rows
    ]


CHECK_LABELS = {f: str(getattr(MonthlyCheck._meta.get_field(f), "verbose_name", f)) for f in CHECK_ITEMS}


def child_for_intake(*, actor: Any, id_number: str) -> Person | None:
    """The child with this ID number among the people the actor may see (None when not found)."""
    from minzheng.people.selectors import person_search

    value = (id_number or "").strip().upper()
    if len(value) != 18:
        return None
    return person_search(actor=actor, q=value).first()


def intake_choices() -> dict[str, Any]:
    """The choices of the intake form: the ten situations and the declared categories (names, not codes)."""
    from .rules import SITUATIONS

    declared = {
        k: v
        for k, v in CHILD_LABELS.items()
        if k in ("hiv_affected", "key_difficult", "guardianship_lacking")
    }
    return {"situations": SITUATIONS, "declared": declared}


def decision_letter(*, actor: Any, case: CategoryCase) -> dict[str, Any] | None:
    """The decision letter's content: the issuing township government, 文号, the child (masked ID), the
    category and amount or the reason for refusal, the why, the appeal route and the seal position."""
    from minzheng.assistance.letters import appeal_text, cn_date, issuing_office

    decision = getattr(case, "decision", None)
    if decision is None:
        return None
    office = issuing_office(region_code=case.region_code, level="township")
    return {
        "case": case,
        "decision": decision,
        "office": office,
        "decided_on": cn_date(decision.decided_on),
        "first_month": decision.enrolment.first_month if decision.enrolment else None,
        "category_label": CHILD_LABELS.get(decision.category, ""),
        "funding_label": FUNDING_LABELS.get(decision.funding, ""),
        "appeal": appeal_text(office),
    }


def referrals_due(*, actor: Any) -> QuerySet[Enrolment]:
    """Child allowances that ended at 18 with no transition referral recorded yet (one query)."""
    from .models import TransitionReferral

    referred = TransitionReferral.objects.filter(enrolment=OuterRef("pk"))
    return (
        scoped(
            "child.category_intake",
            Enrolment.objects.filter(programme=CODE, last_month__isnull=False, end_reason__contains="18周岁"),
            actor,
        )
        .exclude(Exists(referred))
        .select_related("person")
        .order_by("last_month", "pk")
    )
