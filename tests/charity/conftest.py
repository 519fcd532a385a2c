from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.charity import services
from minzheng.charity.rules import credit_check_char

_n = itertools.count(1)
COUNTY_A, COUNTY_B = "370811", "370812"


def credit_code() -> str:
    """A fresh valid unified social credit code (53 = 民政 registered, 5 = 慈善组织 kind not checked)."""
    body = f"5337081{next(_n):010d}"
    return body + credit_check_char(body)


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ORG_OFFICER, COUNTY_A)


@pytest.fixture
def colleague(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ORG_OFFICER, COUNTY_A)


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    """The org officer of another county."""
    return make_user(Role.ORG_OFFICER, COUNTY_B)


@pytest.fixture
def make_org(officer: Any) -> Callable[..., Any]:
    def make(
        actor: Any = None, region_code: str = COUNTY_A, qualified: bool = True, name: str = "任城慈善总会"
    ) -> Any:
        return services.org_create(
            actor=actor or officer,
            name=name,
            credit_code=credit_code(),
            registered_on=dt.date(2015, 3, 1),
            region_code=region_code,
            fundraising_from=dt.date(2018, 1, 1) if qualified else None,
        )

    return make


@pytest.fixture
def make_project(officer: Any, make_org: Callable[..., Any]) -> Callable[..., Any]:
    def make(actor: Any = None, org: Any = None, **kw: Any) -> Any:
        actor = actor or officer
        today = timezone.localdate()
        return services.project_file(
            actor=actor,
            org=org or make_org(actor=actor, region_code=actor.region.code),
            name=kw.pop("name", "困境儿童助学"),
            purpose=kw.pop("purpose", "资助困境儿童就学"),
            filing_number=kw.pop("filing_number", f"53370800MJ{next(_n):06d}"),
            platform=kw.pop("platform", "腾讯公益"),
            target=kw.pop("target", Decimal("100000")),
            starts_on=kw.pop("starts_on", today - dt.timedelta(days=60)),
            ends_on=kw.pop("ends_on", today + dt.timedelta(days=300)),
            **kw,
        )

    return make


@pytest.fixture
def project(make_project: Callable[..., Any]) -> Any:
    return make_project()


def give(actor: Any, project: Any, amount: str, **kw: Any) -> Any:
    return services.donation_record(
        actor=actor,
        project=project,
        donor_kind=kw.pop("donor_kind", "org"),
        donor_name=kw.pop("donor_name", "济宁某某有限公司"),
        amount=Decimal(amount),
        received_on=kw.pop("received_on", timezone.localdate() - dt.timedelta(days=30)),
        **kw,
    )


def spend(actor: Any, project: Any, amount: str, **kw: Any) -> Any:
    return services.spending_record(
        actor=actor,
        project=project,
        purpose=kw.pop("purpose", "发放助学金"),
        amount=Decimal(amount),
        spent_on=kw.pop("spent_on", timezone.localdate() - dt.timedelta(days=10)),
        **kw,
    )
