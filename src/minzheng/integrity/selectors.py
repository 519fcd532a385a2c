"""Reads of 诚信救助, region-scoped under `integrity.read` (out of scope = 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.accounts.makecheck import is_other_person
from minzheng.accounts.permissions import can, scoped
from minzheng.assistance.letters import appeal_text, cn_date, issuing_office
from minzheng.assistance.models import Application
from minzheng.core.labels import region_names
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Membership, Person

from .models import (
    Commitment,
    Finding,
    FindingStatus,
    Recovery,
    RecoveryStatus,
    Repayment,
    SampleCase,
    SampleDraw,
    Verdict,
)

READ = "integrity.read"
DONE = (RecoveryStatus.APPROVED, RecoveryStatus.SETTLED)
FIRST = 5


def findings(*, actor: Any, status: str = "", region_code: str = "") -> QuerySet[Finding]:
    qs = scoped(READ, Finding.objects.select_related("person", "application", "recovery"), actor)
    if status:
        qs = qs.filter(status=status)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    return qs


def finding_get(*, actor: Any, finding_id: int) -> Finding:
    found = findings(actor=actor).filter(pk=finding_id).first()
    if found is None:
        raise Http404("未找到该认定")
    return found


def application_get(*, actor: Any, application_id: int) -> Application:
    found = (
        scoped(READ, Application.objects.select_related("applicant", "household"), actor)
        .filter(pk=application_id)
        .first()
    )
    if found is None:
        raise Http404("未找到该申请")
    return found


def commitment_of(*, application: Application) -> Commitment | None:
    return Commitment.objects.select_related("signer", "recorded_by").filter(application=application).first()


def signers(*, application: Application) -> list[Person]:
    return [
        m.person
        for m in Membership.objects.filter(household=application.household, end_date__isnull=True)
        .select_related("person")
        .order_by("pk")
    ]


def finding_actions(*, actor: Any, finding: Finding) -> dict[str, bool]:
    """What the finding's page offers this actor now."""
    recovery = getattr(finding, "recovery", None)
    recorded = finding.status == FindingStatus.RECORDED
    pending = finding.status == FindingStatus.PENDING
    finder = can(actor, "integrity.find", region_code=finding.region_code)
    open_recovery = recovery is not None and recovery.status != RecoveryStatus.REFUSED
    return {
        "explain": pending and finder and finding.explained_on is None,
        "decide": pending and finder and finding.explained_on is not None,
        "notice": recorded,
        "withdraw": recorded and finder and not (recovery and recovery.status in DONE),
        "propose": recorded and finder and not open_recovery,
        "approve": recovery is not None
        and recovery.status == RecoveryStatus.PROPOSED
        and is_other_person(actor, recovery.proposed_by_id)
        and can(actor, "integrity.recover_approve", region_code=finding.region_code),
        "repay": recovery is not None and recovery.status == RecoveryStatus.APPROVED and finder,
    }


def commitment_letter(*, commitment: Commitment) -> dict[str, Any]:
    """The printable 诚信承诺书: the receiving township government (issuing authority), its number, the
    commitments, the legal consequences, the signature and the seal position."""
    app = commitment.application
    office = issuing_office(region_code=app.region_code, level="township")
    return {
        "c": commitment,
        "office": office,
        "signed_on": cn_date(commitment.signed_on),
        "programme": app.get_programme_display(),
    }


def finding_notice(*, finding: Finding) -> dict[str, Any]:
    if finding.status != FindingStatus.RECORDED or finding.wait_until is None:
        raise Http404("尚未认定虚报，没有告知书")
    office = issuing_office(region_code=finding.region_code, level="township")
    return {
        "f": finding,
        "office": office,
        "found_on": cn_date(finding.decided_on or finding.found_on),
        "wait_until": cn_date(finding.wait_until),
        "appeal": appeal_text(office, what="本认定"),
    }


def person_panel(*, actor: Any, person: Person) -> dict[str, Any]:
    if not can(actor, READ):
        return {"findings": [], "commitments": [], "allowed": False}
    households = Membership.objects.filter(person=person).values("household_id")
    rows = list(findings(actor=actor).filter(Q(person=person) | Q(household_id__in=households))[:10])
    commitments = list(
        scoped(READ, Commitment.objects.select_related("application"), actor).filter(signer=person)[:10]
    )
    return {"findings": rows, "commitments": commitments, "allowed": True}


def to_approve(*, actor: Any) -> QuerySet[Recovery]:
    qs = scoped(READ, Recovery.objects.select_related("finding__person"), actor)
    return qs.filter(status=RecoveryStatus.PROPOSED).exclude(proposed_by=actor).order_by("pk")


def todo_recoveries(actor: Any, on: dt.date) -> Todo:
    qs = to_approve(actor=actor)
    first = list(qs[:FIRST])
    n = len(first) if len(first) < FIRST else qs.count()
    items = [
        Item(
            label=r.finding.person.name,
            url=reverse("integrity-finding", args=[r.finding_id]),
            note=f"{r.amount}元",
        )
        for r in first
    ]
    return Todo(
        "integrity_recover", _("诚信救助追回待复核"), n, reverse("integrity-list"), items, _("无待复核")
    )


def without_recovery(*, actor: Any, on: dt.date) -> QuerySet[Finding]:
    """Findings of the last 30 days with no recovery yet (older ones stay on the list, off the 首页)."""
    qs = findings(actor=actor, status=FindingStatus.RECORDED).filter(recovery__isnull=True)
    return qs.filter(found_on__gte=on - dt.timedelta(days=30)).order_by("pk")


def todo_findings(actor: Any, on: dt.date) -> Todo:
    qs = without_recovery(actor=actor, on=on)
    first = list(qs[:FIRST])
    n = len(first) if len(first) < FIRST else qs.count()
    items = [
        Item(label=f.person.name, url=reverse("integrity-finding", args=[f.pk]), note=f.get_item_display())
        for f in first
    ]
    return Todo(
        "integrity_findings", _("虚报认定待处理追回"), n, reverse("integrity-list"), items, _("无待处理认定")
    )


def repayments(*, recovery: Recovery | None) -> list[Repayment]:
    if recovery is None:
        return []
    return list(recovery.repayments.select_related("recorded_by"))


# ------------------------------------------------------------------ 县级抽查
def sample_cases(*, actor: Any, month: dt.date) -> QuerySet[SampleCase]:
    """The sampled decisions of the month in the actor's region: the county sees its townships', a
    township its own (with the county's findings)."""
    return scoped(
        READ,
        SampleCase.objects.select_related("decision__application__applicant", "checked_by", "draw").filter(
            draw__month=month.replace(day=1)
        ),
        actor,
    )


def unchecked_samples(*, actor: Any) -> QuerySet[SampleCase]:
    """Sampled decisions the county has not yet checked, of any month, oldest first."""
    qs = scoped("integrity.sample", SampleCase.objects.filter(verdict=Verdict.PENDING), actor)
    return qs.select_related("decision__application__applicant", "draw").order_by("draw__month", "pk")


def todo_samples(actor: Any, on: dt.date) -> Todo:
    """首页: the county's sampled cases not yet checked, each linked to its month's sampling page."""
    qs = unchecked_samples(actor=actor)
    first = list(qs[:FIRST])
    n = len(first) if len(first) < FIRST else qs.count()
    page = reverse("integrity-sampling")
    items = [
        Item(
            label=c.decision.application.applicant.name,
            url=f"{page}?month={c.draw.month:%Y-%m}#case-{c.pk}",
            note=_("%(year)s年%(month)s月抽查") % {"year": c.draw.month.year, "month": c.draw.month.month},
        )
        for c in first
    ]
    url = f"{page}?month={first[0].draw.month:%Y-%m}" if first else page
    return Todo("integrity_sample", _("抽查案件待核查"), n, url, items, _("无待核查的抽查案件"))


def sample_case_get(*, actor: Any, case_id: int) -> SampleCase:
    found = scoped(READ, SampleCase.objects.all(), actor).filter(pk=case_id).first()
    if found is None:
        raise Http404("未找到该抽查案件")
    return found


def sample_draws(*, actor: Any, month: dt.date) -> list[SampleDraw]:
    return list(scoped(READ, SampleDraw.objects.filter(month=month.replace(day=1)), actor))


def sample_rates(*, actor: Any, month: dt.date) -> list[dict[str, Any]]:
    """By township: cases drawn, checked, disagreed and the disagreement rate of those checked (one query)."""
    rows = list(
        sample_cases(actor=actor, month=month)
        .annotate(township=Substr("region_code", 1, 9))
        .values("township")
        .annotate(
            drawn=Count("pk"),
            checked=Count("pk", filter=~Q(verdict=Verdict.PENDING)),
            disagreed=Count("pk", filter=Q(verdict=Verdict.DISAGREE)),
        )
        .order_by("township")
    )
    names = region_names(r["township"] for r in rows)
    for r in rows:
        r["name"] = names.get(r["township"]) or _("未知区划")
        r["rate"] = round(100 * r["disagreed"] / r["checked"], 1) if r["checked"] else None
    return rows
