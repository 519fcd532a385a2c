"""Reads of 村务公开, each taking the actor and scoped to its region (out of scope reads as missing). The
completeness of a period is counted in the database: villages per township and county against the items
published, never a loop over villages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear, Substr
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.accounts.scoping import actor_prefix, scope
from minzheng.core.todos import Item, Todo
from minzheng.regions.models import Region, RegionLevel

from .models import (
    Attachment,
    CadreReview,
    CatalogueItem,
    Disclosure,
    Finding,
    FindingState,
    Frequency,
    Inspection,
    Matter,
    MatterStep,
    Question,
    QuestionState,
)
from .periods import due_q, period_of

READ = "villageaffairs.read"
OPEN_STATES = (QuestionState.OPEN, QuestionState.ASSIGNED)


def villages(actor: Any) -> QuerySet[Region]:
    """The villages the actor may read (none without the permission)."""
    return scoped(READ, Region.objects.filter(level=RegionLevel.VILLAGE), actor, field="code")


def village_get(*, actor: Any, pk: int) -> Region | None:
    return villages(actor).select_related("parent").filter(pk=pk).first()


def own_village(actor: Any) -> Region | None:
    """The village an actor bound to one village works in (the village assistant), else None."""
    region = getattr(actor, "region", None)
    if region is not None and region.level == RegionLevel.VILLAGE and can(actor, READ):
        return region
    return None


def due_items(period: str) -> list[CatalogueItem]:
    return list(CatalogueItem.objects.filter(due_q(period)).order_by("order"))


def event_items() -> list[CatalogueItem]:
    return list(CatalogueItem.objects.filter(active=True, frequency=Frequency.EVENT).order_by("order"))


@dataclass
class Row:
    item: CatalogueItem
    disclosure: Disclosure | None


def village_period(*, village: Region, period: str) -> dict[str, Any]:
    """One village's period (the village already scoped): each due item published or missing, and the
    per-event items published in it. Two queries."""
    items = due_items(period)
    published = {
        d.item_id: d
        for d in Disclosure.objects.filter(region_code=village.code, period=period).select_related("item")
    }
    rows = [Row(i, published.get(i.pk)) for i in items]
    due_ids = {i.pk for i in items}
    events = [d for d in published.values() if d.item_id not in due_ids]
    done = sum(1 for r in rows if r.disclosure is not None)
    return {
        "rows": rows,
        "events": sorted(events, key=lambda d: d.item.order),
        "due": len(rows),
        "done": done,
        "missing": len(rows) - done,
        "complete": done == len(rows),
    }


@dataclass
class Rate:
    code: str
    name: str
    villages: int
    due: int
    published: int

    @property
    def expected(self) -> int:
        return self.villages * self.due

    @property
    def rate(self) -> str:
        if not self.expected:
            return "—"
        return f"{self.published * 100 / self.expected:.1f}%"


def completeness(*, actor: Any, period: str) -> dict[str, list[Rate]]:
    """The completeness rate of a period by county and by township inside the actor's scope: villages and
    published due items counted per prefix by the database (five queries)."""
    due_ids = list(CatalogueItem.objects.filter(due_q(period)).values_list("pk", flat=True))
    village_qs = villages(actor)
    published = scoped(READ, Disclosure.objects.filter(period=period, item_id__in=due_ids), actor)
    out: dict[str, list[Rate]] = {}
    for level, length in (("county", 6), ("township", 9)):
        counts = dict(
            village_qs.annotate(k=Substr("code", 1, length))
            .values("k")
            .annotate(n=Count("id"))
            .values_list("k", "n")
        )
        done = dict(
            published.annotate(k=Substr("region_code", 1, length))
            .values("k")
            .annotate(n=Count("id"))
            .values_list("k", "n")
        )
        names = dict(Region.objects.filter(code__in=list(counts)).values_list("code", "name"))
        out[level] = [
            Rate(code, names.get(code, ""), n, len(due_ids), done.get(code, 0))
            for code, n in sorted(counts.items())
        ]
    return out


def villages_missing(*, actor: Any, period: str, township: str = "") -> QuerySet[Region]:
    """Villages with at least one due item unpublished in `period`, with how many are missing."""
    due_ids = list(CatalogueItem.objects.filter(due_q(period)).values_list("pk", flat=True))
    published = (
        Disclosure.objects.filter(region_code=OuterRef("code"), period=period, item_id__in=due_ids)
        .values("region_code")
        .annotate(c=Count("id"))
        .values("c")
    )
    qs = villages(actor)
    if township:
        qs = qs.filter(code__startswith=township)
    return (
        qs.annotate(published=Coalesce(Subquery(published, output_field=IntegerField()), 0))
        .annotate(missing=Value(len(due_ids)) - F("published"))
        .filter(published__lt=len(due_ids))
        .select_related("parent")
        .order_by("code")
    )


def disclosure_get(*, actor: Any, pk: int) -> Disclosure | None:
    return (
        scoped(READ, Disclosure.objects.select_related("item", "published_by"), actor).filter(pk=pk).first()
    )


def disclosure_history(disclosure: Disclosure) -> list[Any]:
    return list(disclosure.revisions.select_related("published_by").order_by("-number"))


def attachment_get(*, actor: Any, pk: int) -> Attachment | None:
    qs = Attachment.objects.select_related("disclosure")
    return scoped(READ, qs, actor, field="disclosure__region_code").filter(pk=pk).first()


def board(*, village: Region, period: str) -> dict[str, Any]:
    """The village's public list (公开栏): what it published for the period and the questions closed with
    their answers (the asker's name is not shown)."""
    disclosures = list(
        Disclosure.objects.filter(region_code=village.code, period=period)
        .select_related("item")
        .prefetch_related("attachments")
        .order_by("item__order")
    )
    answered = list(
        Question.objects.filter(region_code=village.code, state=QuestionState.CLOSED)
        .select_related("item")
        .order_by("-closed_on", "-pk")[:50]
    )
    return {"disclosures": disclosures, "answered": answered}


# ---------------------------------------------------------------- 问题台账
def questions(
    *, actor: Any, state: str = "", overdue: bool = False, village: str = "", on: dt.date | None = None
) -> QuerySet[Question]:
    qs = scoped(READ, Question.objects.select_related("item"), actor)
    if state in QuestionState.values:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_on__lt=on or timezone.localdate())
    if village.isdigit():
        qs = qs.filter(region_code__startswith=village)
    return qs.order_by("state", "due_on", "pk")


def question_get(*, actor: Any, pk: int) -> Question | None:
    qs = Question.objects.select_related("item", "recorded_by", "assigned_by", "answered_by", "closed_by")
    return scoped(READ, qs, actor).filter(pk=pk).first()


ACTIONS = {
    QuestionState.OPEN: ("assign", "交办"),
    QuestionState.ASSIGNED: ("answer", "答复"),
    QuestionState.ANSWERED: ("close", "销号"),
}


def question_actions(*, actor: Any, question: Question) -> list[tuple[str, str]]:
    """What the actor may do on the question now (the page shows exactly these)."""
    action = ACTIONS.get(QuestionState(question.state))
    if action is None or not can(actor, "villageaffairs.question_handle", region_code=question.region_code):
        return []
    return [action]


def region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


# ---------------------------------------------------------------- 首页待办
def disclosure_todo(actor: Any, on: dt.date) -> Todo:
    """Items due this month that the actor's villages have not published: three queries."""
    period = period_of(on)
    due = CatalogueItem.objects.filter(due_q(period))
    prefix = actor_prefix(actor) or ""
    n_villages = villages(actor).count()
    published = scope(Disclosure.objects.filter(period=period, item__in=due), actor)
    count = n_villages * due.count() - published.count() if prefix else 0
    village = own_village(actor)
    items: list[Item] = []
    url = reverse("villageaffairs-home")
    if village is not None:
        url = reverse("villageaffairs-village", args=[village.pk]) + f"?period={period}"
        missing = due.exclude(pk__in=published.values("item_id")).order_by("order")[:5]
        items = [Item(label=i.name, url=url) for i in missing]
    return Todo(
        "villageaffairs-due",
        "本月村务公开待公开事项",
        max(count, 0),
        url,
        items,
        empty="本月应公开事项均已公开",
    )


def questions_todo(actor: Any, on: dt.date) -> Todo:
    """Villagers' questions waiting for the township (to assign, answer or close), earliest deadline first."""
    qs = scoped(READ, Question.objects.exclude(state=QuestionState.CLOSED), actor)
    url = reverse("villageaffairs-questions")
    items = [
        Item(
            label=q.text[:30],
            url=reverse("villageaffairs-question", args=[q.pk]),
            note=("已超期" if q.due_on < on and q.state in OPEN_STATES else q.get_state_display()),
        )
        for q in qs.order_by("due_on", "pk")[:5]
    ]
    return Todo(
        "villageaffairs-questions", "村民问题待办理", qs.count(), url, items, empty="没有待办理的村民问题"
    )


# ---------------------------------------------------------------- 明查暗访
def inspections(*, actor: Any, year: int | None = None) -> QuerySet[Inspection]:
    qs = scoped(READ, Inspection.objects.select_related("created_by"), actor)
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.annotate(n_findings=Count("findings")).order_by("-held_on", "-pk")


def inspection_get(*, actor: Any, pk: int) -> Inspection | None:
    return scoped(READ, Inspection.objects.select_related("created_by"), actor).filter(pk=pk).first()


def inspection_counts(*, actor: Any) -> list[dict[str, Any]]:
    """Per year: inspections open and unannounced, findings and how many were closed (two queries)."""
    rows: dict[int, dict[str, Any]] = {}
    by_mode = (
        scoped(READ, Inspection.objects.all(), actor)
        .annotate(y=ExtractYear("held_on"))
        .values("y", "mode")
        .annotate(n=Count("id"))
    )
    for r in by_mode:
        row = rows.setdefault(
            r["y"], {"year": r["y"], "open": 0, "unannounced": 0, "findings": 0, "closed": 0}
        )
        row[r["mode"]] = r["n"]
    found = (
        scoped(READ, Finding.objects.all(), actor, field="inspection__region_code")
        .annotate(y=ExtractYear("inspection__held_on"))
        .values("y")
        .annotate(n=Count("id"), closed=Count("id", filter=Q(state=FindingState.CLOSED)))
    )
    for r in found:
        row = rows.setdefault(
            r["y"], {"year": r["y"], "open": 0, "unannounced": 0, "findings": 0, "closed": 0}
        )
        row["findings"], row["closed"] = r["n"], r["closed"]
    return [{**r, "total": r["open"] + r["unannounced"]} for _, r in sorted(rows.items(), reverse=True)]


def findings(*, actor: Any, state: str = "") -> QuerySet[Finding]:
    """Findings in the actor's villages (the village sees its own; the township those of its villages)."""
    qs = scoped(READ, Finding.objects.select_related("inspection", "item"), actor)
    if state in FindingState.values:
        qs = qs.filter(state=state)
    return qs.order_by("rectify_by", "pk")


def finding_get(*, actor: Any, pk: int) -> Finding | None:
    qs = Finding.objects.select_related("inspection", "item", "rectified_by", "checked_by")
    return scoped(READ, qs, actor).filter(pk=pk).first()


def finding_actions(*, actor: Any, finding: Finding) -> list[tuple[str, str]]:
    if finding.state == FindingState.OPEN and can(
        actor, "villageaffairs.rectify", region_code=finding.region_code
    ):
        return [("rectify", "登记整改")]
    if (
        finding.state == FindingState.RECTIFIED
        and can(actor, "villageaffairs.inspect", region_code=finding.inspection.region_code)
        and finding.rectified_by_id != actor.pk
    ):
        return [("pass", "复核通过"), ("fail", "复核不通过，退回整改")]
    return []


# ---------------------------------------------------------------- 议事协商
def matters(*, actor: Any, state: str = "") -> QuerySet[Matter]:
    qs = scoped(READ, Matter.objects.all(), actor)
    if state:
        qs = qs.filter(state=state[:24])
    return qs.order_by("-pk")


def matter_get(*, actor: Any, pk: int) -> Matter | None:
    return scoped(READ, Matter.objects.all(), actor).filter(pk=pk).first()


def matter_steps(matter: Matter) -> list[Any]:
    return list(matter.steps.select_related("by").order_by("on", "pk"))


def matter_step_get(*, actor: Any, pk: int) -> Any:
    return (
        scoped(READ, MatterStep.objects.select_related("matter"), actor, field="matter__region_code")
        .filter(pk=pk)
        .first()
    )


# ---------------------------------------------------------------- 一述两问三评四定
def cadre_reviews(*, actor: Any) -> QuerySet[CadreReview]:
    return scoped(READ, CadreReview.objects.all(), actor).order_by("-held_on", "-pk")


def cadre_review_get(*, actor: Any, pk: int) -> CadreReview | None:
    return scoped(READ, CadreReview.objects.select_related("recorded_by"), actor).filter(pk=pk).first()


def cadre_history(review: CadreReview) -> list[CadreReview]:
    """Every review of the same cadre in the same village, newest first (the review already scoped)."""
    return list(
        CadreReview.objects.filter(region_code=review.region_code, cadre_name=review.cadre_name).order_by(
            "-held_on", "-pk"
        )
    )
