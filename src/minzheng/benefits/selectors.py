from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from minzheng.accounts.scoping import actor_prefix, scope
from minzheng.people.models import Person

from .models import Enrolment, PayrollLine, PayrollRun


def enrolments_for_person(*, actor: Any, person: Person) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(Q(person=person) | Q(household__memberships__person=person))
    return scope(qs, actor).distinct().order_by("-first_month")


def enrolment_panel_context(*, actor: Any, person: Person) -> dict[str, Any]:
    return {"enrolments": list(enrolments_for_person(actor=actor, person=person))}


def active_enrolments(*, actor: Any, month: dt.date, programme: str = "") -> QuerySet[Enrolment]:
    qs = scope(Enrolment.objects.select_related("person"), actor).filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month), first_month__lte=month
    )
    return qs.filter(programme=programme) if programme else qs


def payroll_runs_for_actor(*, actor: Any) -> QuerySet[PayrollRun]:
    prefix = actor_prefix(actor)
    if prefix is None:
        return PayrollRun.objects.none()
    # A run belongs to a county: city officers see all, a county or township user sees its county's runs
    # (township users then see only their own lines through payroll_lines_for_actor).
    if len(prefix) >= 6:
        return PayrollRun.objects.filter(county_code=prefix[:6]).order_by("-month")
    return PayrollRun.objects.filter(county_code__startswith=prefix).order_by("-month", "county_code")


def payroll_run_get_for_actor(*, actor: Any, run_id: int) -> PayrollRun:
    run = payroll_runs_for_actor(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise Http404("未找到该发放名册")
    return run


def payroll_lines_for_actor(*, actor: Any, run: PayrollRun) -> QuerySet[PayrollLine]:
    return scope(PayrollLine.objects.filter(run=run).select_related("person", "enrolment"), actor).order_by(
        "id"
    )


def payroll_summary_by_township(*, actor: Any, run: PayrollRun) -> list[dict[str, Any]]:
    from minzheng.regions.models import Region

    from .models import Programme

    rows = list(
        scope(PayrollLine.objects.filter(run=run), actor)
        .annotate(township=Substr("region_code", 1, 9))
        .values("township", "programme")
        .annotate(lines=Count("id"), total=Sum("amount"))
        .order_by("township", "programme")
    )
    names = dict(Region.objects.filter(code__in={r["township"] for r in rows}).values_list("code", "name"))
    labels = dict(Programme.choices)
    for r in rows:
        r["township_name"] = names.get(r["township"], r["township"])
        r["programme_label"] = labels.get(r["programme"], r["programme"])
    return rows


def enrolment_get_for_actor(*, actor: Any, enrolment_id: int) -> Enrolment:
    enrolment = (
        scope(Enrolment.objects.select_related("person", "household"), actor).filter(pk=enrolment_id).first()
    )
    if enrolment is None:
        raise Http404("未找到该待遇")
    return enrolment
