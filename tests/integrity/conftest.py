from __future__ import annotations

from typing import Any

import pytest

from minzheng.assistance import services as assistance
from minzheng.verification.models import VerificationReport
from tests.conftest import TOWN_A


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "cunxieli": make_user("village_assistant", "370811001001"),
        "clerk": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
        "finance": make_user("county_finance", "370811"),
    }


@pytest.fixture
def case(make_household: Any, staff: dict[str, Any]) -> Any:
    """A temporary-assistance case of a household in 任城区 (granted, paid this month)."""
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    app = assistance.application_create(
        actor=staff["clerk"],
        programme="temporary",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": head.pk}]},
        amount_requested=800,
        emergency_kind="urgent",
    )
    return app


def report(app: Any, actor: Any, *, income: tuple[float, float], financial: tuple[float, float]) -> Any:
    """A 核对 report row as verification writes it (only its comparison is read here)."""
    return VerificationReport.objects.create(
        application=app,
        region_code=app.region_code,
        snapshot_month="2026-10",
        snapshot_sha="0" * 64,
        rule_version="x",
        conclusion="manual",
        members=[],
        totals={},
        tests=[],
        declared_vs_verified=[
            {"item": "月收入", "declared": income[0], "verified": income[1], "under_declared": False},
            {"item": "金融资产", "declared": financial[0], "verified": financial[1], "under_declared": False},
        ],
        created_by=actor,
    )


@pytest.fixture
def decide(make_household: Any, make_user: Any) -> Any:
    """A township's dibao decision made through the assistance services (受理 and 评议 by one clerk, 核对
    by another, the decision by the township's approver after the public notice has run its days)."""
    import datetime as dt

    from django.utils import timezone

    from minzheng.assistance.models import PublicNotice
    from tests.conftest import verified
    from tests.web.conftest import declared

    today = timezone.localdate()
    people: dict[str, tuple[Any, Any, Any]] = {}

    def make(village: str, outcome: str = "grant") -> Any:
        town = village[:9]
        if town not in people:
            people[town] = (
                make_user("township_clerk", town),
                make_user("township_clerk", town),
                make_user("township_approver", town),
            )
        intake, clerk, approver = people[town]
        hh = make_household(village=village, size=2)
        app = assistance.application_create(
            actor=intake,
            programme="dibao",
            household=hh,
            applicant=hh.memberships.get(relation="head").person,
            declared=declared(hh),
        )
        assistance.application_sign_authorisation(actor=intake, application=app, signed_on=today)
        assistance.application_submit(actor=intake, application=app)
        assistance.application_start_verification(actor=clerk, application=app)
        assistance.application_record_home_visit(
            actor=clerk, application=app, visited_on=today, visitors="王、李", findings="家中无贵重物品"
        )
        verified(app, clerk)
        assistance.application_to_village_review(actor=clerk, application=app)
        assistance.application_record_village_review(
            actor=intake, application=app, held_on=today, participants=9, agreed=9
        )
        notice = PublicNotice.objects.get(application=app)
        start = today - dt.timedelta(days=20)
        PublicNotice.objects.filter(pk=notice.pk).update(
            start_date=start, end_date=start + (notice.end_date - notice.start_date)
        )
        return assistance.application_decide(
            actor=approver, application=app, outcome=outcome, reasons="经核查有经营收入"
        )

    return make


def confirmed(finding: Any, actor: Any) -> Any:
    """A difference the applicant explained and the clerk nonetheless decided to be a false declaration."""
    from minzheng.integrity import services as svc

    svc.finding_explain(actor=actor, finding=finding, explanation="称不知道要申报")
    return svc.finding_decide(actor=actor, finding=finding, confirmed=True, reason="说明不成立")
