from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from minzheng.accounts.models import Role
from minzheng.accounts.scoping import actor_prefix, has_role, scope
from minzheng.core import crypto
from minzheng.people.models import Person

from .bankfile import NO_ACCOUNT_NOTE
from .models import Enrolment, LineKind, PayeeAccount, PayrollLine, PayrollRun, Programme


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


# ---------------------------------------------------------------- payee accounts and the bank file
PAYEE_ACCOUNT_ROLES = (Role.TOWNSHIP_CLERK, Role.COUNTY_OFFICER, Role.CITY_OFFICER)


def can_set_payee_account(actor: Any) -> bool:
    return has_role(actor, *PAYEE_ACCOUNT_ROLES)


def payee_accounts_for_person(*, actor: Any, person: Person) -> QuerySet[PayeeAccount]:
    """The person's accounts, current first then history (masked fields only are meant for display)."""
    qs = PayeeAccount.objects.filter(person=person)
    return scope(qs, actor, field="person__region_code").order_by("-active", "-created_at", "-id")


def payee_panel_context(*, actor: Any, person: Person) -> dict[str, Any]:
    accounts = list(payee_accounts_for_person(actor=actor, person=person))
    current = next((a for a in accounts if a.active), None)
    return {
        "person": person,
        "current": current,
        "history": [a for a in accounts if not a.active],
        "can_edit": can_set_payee_account(actor),
    }


def payroll_lines_without_account_count(*, actor: Any, run: PayrollRun) -> int:
    has_account = PayeeAccount.objects.filter(person_id=OuterRef("person_id"), active=True)
    return scope(PayrollLine.objects.filter(run=run), actor).filter(~Exists(has_account)).count()


@dataclass(frozen=True)
class BankFileRows:
    rows: list[list[str | int]]
    missing_accounts: int


def payroll_bank_file_rows(*, actor: Any, run: PayrollRun) -> BankFileRows:
    """The actor's lines of `run` as bank-file rows (bankfile.BANK_HEADER order), with the FULL ID number
    and bank account decrypted. One SQL query whatever the number of lines (the active account is a
    filtered LEFT JOIN: at most one per person). Call only from the audited
    services.payroll_bank_file_export."""
    programmes = dict(Programme.choices)
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
    rows: list[list[str | int]] = []
    missing = 0
    for i, (region, name, id_enc, programme, amount, kind, reason, bank, holder, acct_enc) in enumerate(
        qs.iterator(chunk_size=2000), start=1
    ):
        if acct_enc:
            account, note = crypto.decrypt(acct_enc), ""
        else:
            missing += 1
            account, note = "", NO_ACCOUNT_NOTE
        rows.append(
            [
                i,
                region[:9],
                region[:12],
                name,
                crypto.decrypt(id_enc),
                programmes.get(programme, programme),
                amount,
                kinds.get(kind, kind),
                reason,
                bank or "",
                holder or "",
                account,
                note,
            ]
        )
    return BankFileRows(rows=rows, missing_accounts=missing)
