from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.core.idnumber import make_id_number
from minzheng.orgs import services
from minzheng.orgs.creditcode import ALPHABET, check_char
from minzheng.orgs.models import KIND_CODE, Kind
from tests.conftest import TOWN_A

_seq = count(1)
ALL_DOCS = ["application", "supervisor", "premises", "capital", "people", "charter"]


def credit_code(kind: str = Kind.GROUP, region6: str = "370811") -> str:
    """A valid civil-affairs code of `kind` (GB 32100: 5 + kind + region + 9-char body + check)."""
    n = next(_seq)
    body = "MJ" + "".join(ALPHABET[(n * 7 + i) % 10] for i in range(3)) + f"{n:04d}"
    first17 = "5" + KIND_CODE[Kind(kind)] + region6 + body
    return first17 + check_char(first17)


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ORG_OFFICER, "370811")


@pytest.fixture
def officer2(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ORG_OFFICER, "370811")


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    """The org officer of another county."""
    return make_user(Role.ORG_OFFICER, "370812")


@pytest.fixture
def make_org(officer: Any) -> Callable[..., Any]:
    def make(
        name: str = "济宁市任城区慈善义工协会",
        kind: str = Kind.GROUP,
        region_code: str = TOWN_A,
        registered_on: dt.date | None = None,
        actor: Any = None,
    ) -> Any:
        actor = actor or officer
        case = services.org_apply(
            actor=actor,
            region_code=region_code,
            name=name,
            kind=kind,
            authority_level="county",
            supervisor="任城区民政局",
            legal_rep_name="王建国",
            legal_rep_id=make_id_number("370811", dt.date(1970, 1, 1), next(_seq) % 500, "M"),
            address="任城区建设路1号",
            registered_capital=Decimal("30000"),
            party_org="joint",
            applied_on=timezone.localdate() - dt.timedelta(days=40),
            documents=ALL_DOCS,
        )
        services.org_case_decide(
            actor=actor,
            case=case,
            approve=True,
            decision_no=f"济任民社登〔2025〕{next(_seq)}号",
            decided_on=timezone.localdate() - dt.timedelta(days=30),
            credit_code=credit_code(kind, region_code[:6]),
        )
        org = case.org
        org.refresh_from_db()
        if registered_on:  # an organisation registered years ago (the flow itself runs today)
            org.registered_on = registered_on
            org.last_activity_on = registered_on
            org.save(update_fields=["registered_on", "last_activity_on"])
        return org

    return make


@pytest.fixture
def filer(make_user: Callable[..., Any], officer: Any, make_org: Callable[..., Any]) -> Any:
    """A filer login bound to an organisation registered three years ago."""
    today = timezone.localdate()
    org = make_org(name="任城区老年协会", registered_on=dt.date(today.year - 3, 3, 1))
    user = make_user(Role.ORG_FILER, "370811")
    services.filer_bind(actor=officer, user=user, org=org)
    return user
