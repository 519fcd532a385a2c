from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.http import Http404

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import actor_prefix, scope
from minzheng.audit.selectors import audit_target_label
from minzheng.core import crypto
from minzheng.core.labels import tier_label
from minzheng.deskjobs.models import DeskJob
from minzheng.deskjobs.selectors import desk_jobs_of_kind_for_actor
from minzheng.people.models import Membership, Person
from minzheng.programmes.registry import is_programme, programme_name
from minzheng.programmes.registry import programme as programme_get
from minzheng.regions.models import Region, RegionLevel

from .bankfile import NO_ACCOUNT_NOTE
from .dates import EARLIEST_MONTH, latest_date
from .models import (
    Enrolment,
    LineKind,
    PayeeAccount,
    PayeeApproval,
    PayrollCorrection,
    PayrollLine,
    PayrollRun,
    PayrollStatus,
)


def last_frozen_payroll_month() -> dt.date | None:
    """The latest month with a frozen (closed) payroll in any county (policy.hooks asks it)."""
    return (
        PayrollRun.objects.filter(status=PayrollStatus.FROZEN)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def payroll_roll_month(*, region_code: str, month: dt.date) -> dt.date:
    """The roll money of `month` really goes into in the county of `region_code`: that month's, unless it
    is already frozen; then the first later month whose roll is not (the catch-up, 补发). One query."""
    frozen = set(
        PayrollRun.objects.filter(
            county_code=region_code[:6], status=PayrollStatus.FROZEN, month__gte=month
        ).values_list("month", flat=True)
    )
    month = month.replace(day=1)
    while month in frozen:
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return month


def enrolment_roll_note(enrolment: Enrolment) -> str:
    """ "列入2027年01月发放名册" or, when the month's roll was already frozen, "…补发" with the roll it
    really goes into: the wording a line's success message uses."""
    roll = payroll_roll_month(region_code=enrolment.region_code, month=enrolment.first_month)
    if roll != enrolment.first_month:
        return f"{enrolment.first_month:%Y年%m月}发放名册已冻结，将在{roll:%Y年%m月}发放名册中补发"
    return f"列入{roll:%Y年%m月}发放名册"


def enrolments_for_person(*, actor: Any, person: Person) -> QuerySet[Enrolment]:
    """The person's own enrolments and those of a household while they were in it: a membership counts
    only for the months it overlaps the enrolment (a past household's later benefits are not theirs).

    Two index seeks, never a scan of the enrolment table: the person's households are read first (one seek
    on the membership's person index), then `person_id = X OR household_id IN (…)` is a BitmapOr of the
    enrolment's person and household indexes; the overlap test runs only on the rows those seeks find."""
    households = list(
        Membership.objects.filter(person=person).values_list("household_id", flat=True).distinct()
    )
    lived_there = (
        Membership.objects.filter(person=person, household=OuterRef("household"))
        .annotate(start_month=TruncMonth("start_date"))
        .filter(
            Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("first_month")),
            start_month__lte=Coalesce(OuterRef("last_month"), Value(dt.date.max)),
        )
    )
    qs = Enrolment.objects.filter(Q(person=person) | Q(Q(household_id__in=households), Exists(lived_there)))
    return scope(qs, actor).order_by("-first_month")


def enrolment_basis(source_type: str, source_id: str) -> str:
    """The decision behind an enrolment as people read it: the source's name and its number
    (残疾人补贴申请 9); a source that names itself by a code instead of a number (a line's own entitlement,
    e.g. "medical") reads by the source's name alone, never the code."""
    if not source_type:
        return ""
    label = audit_target_label(source_type)
    number = str(source_id).strip()
    return f"{label} {number}" if number.isdigit() else label


def enrolment_panel_context(*, actor: Any, person: Person) -> dict[str, Any]:
    enrolments = list(enrolments_for_person(actor=actor, person=person))
    for e in enrolments:
        e.basis = enrolment_basis(e.source_type, e.source_id)  # type: ignore[attr-defined]
        e.tier_label = tier_label(e.programme, e.tier)  # type: ignore[attr-defined]
        # a one-off grant (festival money, medical or student aid, an award) is paid once, not monthly
        e.one_off = is_programme(e.programme) and programme_get(e.programme).frequency == "once"  # type: ignore[attr-defined]
    return {"enrolments": enrolments}


def active_enrolments(*, actor: Any, month: dt.date, programme: str = "") -> QuerySet[Enrolment]:
    qs = scope(Enrolment.objects.select_related("person"), actor).filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month), first_month__lte=month
    )
    return qs.filter(programme=programme) if programme else qs


def payroll_runs_for_actor(*, actor: Any) -> QuerySet[PayrollRun]:
    """Rolls the actor may see (payroll.view): a county's own, all of them for the city. Others (township
    and village staff) see none, so a roll's pages look missing to them."""
    prefix = actor_prefix(actor)
    if prefix is None or not can(actor, "payroll.view"):
        return PayrollRun.objects.none()
    county_name = Region.objects.filter(code=OuterRef("county_code")).values("name")[:1]
    qs = PayrollRun.objects.select_related("generated_by", "checked_by").annotate(
        county_name=Subquery(county_name)  # the roll's county by name, in the same query
    )
    if len(prefix) >= 6:
        return qs.filter(county_code=prefix[:6]).order_by("-month")
    return qs.filter(county_code__startswith=prefix).order_by("-month", "county_code")


def payroll_counties_for_actor(*, actor: Any) -> list[Region]:
    """The county-level regions the actor may generate a roll for (the select on the payroll page)."""
    qs = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    return [r for r in scope(qs, actor, field="code") if can(actor, "payroll.generate", region_code=r.code)]


@dataclass(frozen=True)
class PayrollActions:
    """Which controls a roll's page offers the actor: exactly the actions the services would accept."""

    freeze: bool
    freeze_refused_reason: str
    adjust: bool
    bank_file: bool
    approve_corrections: bool


def payroll_actions(*, actor: Any, run: PayrollRun) -> PayrollActions:
    frozen = run.status == PayrollStatus.FROZEN
    own = run.generated_by_id is not None and run.generated_by_id == getattr(actor, "pk", None)
    may_freeze = can(actor, "payroll.freeze", region_code=run.county_code)
    return PayrollActions(
        freeze=not frozen and may_freeze and not own,
        freeze_refused_reason="制表人不能审核自己生成的发放名册" if not frozen and may_freeze and own else "",
        adjust=can(actor, "payroll.adjust", region_code=run.county_code),
        bank_file=frozen and can(actor, "payroll.bank_file", region_code=run.county_code),
        approve_corrections=can(actor, "payroll.adjust_approve", region_code=run.county_code),
    )


def payroll_corrections_for_run(*, actor: Any, run: PayrollRun) -> QuerySet[PayrollCorrection]:
    """Corrections registered against `run` or paid in it, and recoveries it carried forward."""
    qs = PayrollCorrection.objects.filter(Q(source_run=run) | Q(applied_run=run))
    return (
        scope(qs, actor).select_related("person", "created_by", "approved_by", "applied_run").order_by("-id")
    )


def payroll_correction_get_for_actor(*, actor: Any, correction_id: int) -> PayrollCorrection:
    correction = scope(PayrollCorrection.objects.all(), actor).filter(pk=correction_id).first()
    if correction is None or not can(actor, "payroll.view"):
        raise Http404("未找到该更正")
    return correction


def payroll_run_get_for_actor(*, actor: Any, run_id: int) -> PayrollRun:
    run = payroll_runs_for_actor(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise Http404("未找到该发放名册")
    return run


def payroll_lines_for_actor(*, actor: Any, run: PayrollRun) -> QuerySet[PayrollLine]:
    return scope(PayrollLine.objects.filter(run=run).select_related("person"), actor).order_by("id")


def payroll_summary_by_township(*, actor: Any, run: PayrollRun) -> list[dict[str, Any]]:
    from minzheng.regions.models import Region

    rows = list(
        scope(PayrollLine.objects.filter(run=run), actor)
        .annotate(township=Substr("region_code", 1, 9))
        .values("township", "programme")
        .annotate(lines=Count("id"), total=Sum("amount"))
        .order_by("township", "programme")
    )
    names = dict(Region.objects.filter(code__in={r["township"] for r in rows}).values_list("code", "name"))
    for r in rows:
        r["township_name"] = names.get(r["township"], r["township"])
        r["programme_label"] = programme_name(r["programme"])
    return rows


def enrolment_get_for_actor(*, actor: Any, enrolment_id: int) -> Enrolment:
    enrolment = (
        scope(Enrolment.objects.select_related("person", "household"), actor).filter(pk=enrolment_id).first()
    )
    if enrolment is None:
        raise Http404("未找到该待遇")
    return enrolment


# ---------------------------------------------------------------- payee accounts and the bank file
def can_set_payee_account(actor: Any, region_code: str | None = None) -> bool:
    return can(actor, "payee.set", region_code=region_code)


def payee_accounts_for_person(*, actor: Any, person: Person) -> QuerySet[PayeeAccount]:
    """The person's accounts, current first then history (masked fields only are meant for display)."""
    qs = PayeeAccount.objects.filter(person=person).select_related("created_by", "approved_by")
    return scope(qs, actor, field="person__region_code").order_by("-active", "-created_at", "-id")


def payee_panel_context(*, actor: Any, person: Person) -> dict[str, Any]:
    accounts = list(payee_accounts_for_person(actor=actor, person=person))
    current = next((a for a in accounts if a.active), None)
    pending = next((a for a in accounts if a.approval == PayeeApproval.PENDING), None)
    return {
        "person": person,
        "current": current,
        "pending": pending,
        "history": [a for a in accounts if not a.active and a is not pending],
        "can_edit": can_set_payee_account(actor, person.region_code),
        "date_min": f"{EARLIEST_MONTH:%Y-%m-%d}",
        "date_max": f"{latest_date():%Y-%m-%d}",
        "can_approve": pending is not None
        and pending.created_by_id != getattr(actor, "pk", None)
        and can(actor, "payee.approve", region_code=person.region_code),
    }


def payroll_lines_without_account_count(*, actor: Any, run: PayrollRun) -> int:
    has_account = PayeeAccount.objects.filter(person_id=OuterRef("person_id"), active=True)
    return scope(PayrollLine.objects.filter(run=run), actor).filter(~Exists(has_account)).count()


@dataclass(frozen=True)
class BankFileRows:
    rows: list[list[str | int]]
    missing_accounts: int


def payroll_bank_file_rows(*, actor: Any, run: PayrollRun) -> BankFileRows:
    """The actor's payees in `run` as bank-file rows (bankfile.BANK_HEADER order): ONE row per person with
    the net amount of all their lines (a bank cannot take a negative transfer; a person netting to zero
    gets no row), with the FULL ID number and bank account decrypted. One SQL query whatever the number of
    lines (the active account is a filtered LEFT JOIN: at most one per person). Call only from the audited
    services.payroll_bank_file_export."""
    kinds = dict(LineKind.choices)
    qs = (
        scope(PayrollLine.objects.filter(run=run), actor)
        .annotate(
            account=FilteredRelation(
                "person__payee_accounts", condition=Q(person__payee_accounts__active=True)
            )
        )
        .order_by("id")
        .values_list(
            "person_id",
            "region_code",
            "person__name",
            "person__id_number_enc",
            "programme",
            "amount",
            "kind",
            "reason",
            "account__bank_name",
            "account__holder_name",
            "account__account_number_enc",
        )
    )
    people: dict[int, dict[str, Any]] = {}
    for pid, region, name, id_enc, programme, amount, kind, reason, bank, holder, acct_enc in qs.iterator(
        chunk_size=2000
    ):
        p = people.setdefault(
            pid,
            {
                "region": region,
                "name": name,
                "id_enc": id_enc,
                "programmes": [],
                "kinds": [],
                "reasons": [],
                "net": 0,
                "bank": bank or "",
                "holder": holder or "",
                "acct_enc": acct_enc,
            },
        )
        p["net"] += amount
        for key, value in (
            ("programmes", programme_name(programme)),
            ("kinds", kinds.get(kind, kind)),
        ):
            if value not in p[key]:
                p[key].append(value)
        if reason and reason not in p["reasons"]:
            p["reasons"].append(reason)
    rows: list[list[str | int]] = []
    missing = 0
    for p in people.values():  # insertion order: by each person's first line
        if p["net"] <= 0:
            continue
        if p["acct_enc"]:
            account, note = crypto.decrypt(p["acct_enc"]), ""
        else:
            missing += 1
            account, note = "", NO_ACCOUNT_NOTE
        rows.append(
            [
                len(rows) + 1,
                p["region"][:9],
                p["region"][:12],
                p["name"],
                crypto.decrypt(p["id_enc"]),
                "、".join(p["programmes"]),
                p["net"],
                "、".join(p["kinds"]),
                "；".join(p["reasons"])[:200],
                p["bank"],
                p["holder"],
                account,
                note,
            ]
        )
    return BankFileRows(rows=rows, missing_accounts=missing)


# ------------------------------------------------------------------ rolls being made (deskjobs)
PAYROLL_JOB = "payroll.generate"


def payroll_jobs_for_actor(*, actor: Any) -> QuerySet[DeskJob]:
    """The recent roll jobs of the actor's region, whoever started them (a second officer sees that the
    month is already being made)."""
    return desk_jobs_of_kind_for_actor(actor=actor, kind=PAYROLL_JOB)


def payroll_job_get_for_actor(*, actor: Any, job_id: int) -> DeskJob:
    """One roll job, in the actor's region; otherwise 404."""
    prefix = actor_prefix(actor)
    job = DeskJob.objects.filter(pk=job_id, kind=PAYROLL_JOB).select_related("owner").first()
    if job is None or prefix is None or not job.region_code.startswith(prefix):
        raise Http404("没有这个发放名册任务")
    return job
