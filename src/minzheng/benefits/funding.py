"""Where a programme's money comes from, without the paying line and the source naming each other.

- Payroll funding: a source (charity's funds) registers, per programme code, a function called when a
  county's payroll run is checked and frozen (`payroll_freeze`), inside its transaction. It draws its share
  of the run's lines of that programme; a Chinese ValidationError (a fund short of money) refuses the
  check and nothing is frozen or drawn.
- Grant funding: a one-off grant (temporary assistance) is paid at once from a fund; the paying line asks
  `grant_funding_draw` (refused in Chinese beyond the fund's balance) and `grant_fund_choices` for its form.
- Fund claims: a line that owes part of a cost to a fund (elderly's central care, topped up by charity)
  registers how much, per person and year; the fund asks for the claims without importing the line.
- Refunds: money paid out and recovered (integrity's 追回) goes back into the fund that paid it; the
  recovering line calls `refund_book` and the registered source books it as income that another person
  confirms (make-and-check)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from .models import Enrolment, PayrollLine, PayrollRun

# fn(*, actor, run: PayrollRun, lines: QuerySet[PayrollLine]); what it returns is not read
PayrollFunding = Callable[..., object]
# fn(*, actor, year: int, permission: str) -> [(person_id, amount)], region-scoped under `permission`
FundClaim = Callable[..., list[tuple[int, Decimal]]]

# fn(*, actor, enrolment, fund_id: int | None): a one-off grant paid from a fund (chosen, or the default)
GrantFunding = Callable[..., object]
# fn(*, actor, region_code) -> [(fund id, label)]: the funds a grant may be paid from
GrantFundChoices = Callable[..., list[tuple[int, str]]]

# fn(*, actor, programme, region_code, amount, received_on, reference, note, lines: QuerySet[PayrollLine])
RefundBooking = Callable[..., object]

EVERY_PROGRAMME = "*"  # register_payroll_funding(EVERY_PROGRAMME, fn): fn sees every line of the run
_PAYROLL: dict[str, list[PayrollFunding]] = {}
_CLAIMS: dict[str, list[FundClaim]] = {}
_GRANTS: list[tuple[GrantFunding, GrantFundChoices]] = []
_REFUNDS: list[RefundBooking] = []


def register_payroll_funding(programme_code: str, fn: PayrollFunding) -> None:
    fns = _PAYROLL.setdefault(programme_code, [])
    if fn not in fns:
        fns.append(fn)


def unregister_payroll_funding(programme_code: str, fn: PayrollFunding) -> None:
    if fn in _PAYROLL.get(programme_code, []):
        _PAYROLL[programme_code].remove(fn)


def payroll_funding_draw(*, actor: Any, run: PayrollRun) -> None:
    """Every registered source draws its share of the run (called by `payroll_freeze`)."""
    for code, fns in _PAYROLL.items():
        lines: QuerySet[PayrollLine] = PayrollLine.objects.filter(run=run)
        if code != EVERY_PROGRAMME:
            lines = lines.filter(programme=code)
        for fn in fns:
            fn(actor=actor, run=run, lines=lines)


def register_fund_claim(fund_code: str, fn: FundClaim) -> None:
    fns = _CLAIMS.setdefault(fund_code, [])
    if fn not in fns:
        fns.append(fn)


def unregister_fund_claim(fund_code: str, fn: FundClaim) -> None:
    if fn in _CLAIMS.get(fund_code, []):
        _CLAIMS[fund_code].remove(fn)


def fund_claims(*, fund_code: str, actor: Any, year: int, permission: str) -> list[tuple[int, Decimal]]:
    """What the registered lines claim from `fund_code` for `year`, in the actor's scope."""
    return [
        row for fn in _CLAIMS.get(fund_code, []) for row in fn(actor=actor, year=year, permission=permission)
    ]


def register_grant_funding(draw: GrantFunding, choices: GrantFundChoices) -> None:
    if (draw, choices) not in _GRANTS:
        _GRANTS.append((draw, choices))


def grant_funding_draw(*, actor: Any, enrolment: Enrolment, fund_id: int | None = None) -> None:
    """The registered source pays the one-off grant `enrolment` (from `fund_id`, else its default)."""
    for draw, _choices in _GRANTS:
        draw(actor=actor, enrolment=enrolment, fund_id=fund_id)


def grant_fund_choices(*, actor: Any, region_code: str) -> list[tuple[int, str]]:
    return [row for _draw, choices in _GRANTS for row in choices(actor=actor, region_code=region_code)]


def register_refund_booking(fn: RefundBooking) -> None:
    if fn not in _REFUNDS:
        _REFUNDS.append(fn)


def refund_book(
    *,
    actor: Any,
    programme: str,
    region_code: str,
    amount: Decimal,
    received_on: Any,
    reference: str,
    note: str,
    lines: QuerySet[PayrollLine],
) -> None:
    """Money recovered for `programme` (the payroll `lines` it had been paid on) goes back to its fund:
    every registered source books it (inside the caller's transaction)."""
    for fn in _REFUNDS:
        fn(
            actor=actor,
            programme=programme,
            region_code=region_code,
            amount=amount,
            received_on=received_on,
            reference=reference,
            note=note,
            lines=lines,
        )
