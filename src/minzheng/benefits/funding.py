"""Where a programme's money comes from, without the paying line and the source naming each other.

- Payroll funding: a source (charity's funds) registers, per programme code, a function called when a
  county's payroll run is checked and frozen (`payroll_freeze`), inside its transaction. It draws its share
  of the run's lines of that programme; a Chinese ValidationError (a fund short of money) refuses the
  check and nothing is frozen or drawn.
- Fund claims: a line that owes part of a cost to a fund (elderly's central care, topped up by charity)
  registers how much, per person and year; the fund asks for the claims without importing the line."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from .models import PayrollLine, PayrollRun

# fn(*, actor, run: PayrollRun, lines: QuerySet[PayrollLine]); what it returns is not read
PayrollFunding = Callable[..., object]
# fn(*, actor, year: int, permission: str) -> [(person_id, amount)], region-scoped under `permission`
FundClaim = Callable[..., list[tuple[int, Decimal]]]

_PAYROLL: dict[str, list[PayrollFunding]] = {}
_CLAIMS: dict[str, list[FundClaim]] = {}


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
        lines: QuerySet[PayrollLine] = PayrollLine.objects.filter(run=run, programme=code)
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
