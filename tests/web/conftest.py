"""A small town with work in every state, made through the real services, for the role home pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as svc
from minzheng.assistance.models import PublicNotice
from minzheng.benefits.services import payroll_generate
from minzheng.monitoring.models import Alert, RunStatus, ScreeningRun
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B, verified

TODAY = timezone.localdate()


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def declared(hh: Any) -> dict[str, Any]:
    members = [m.person for m in hh.memberships.filter(end_date__isnull=True).order_by("id")]
    rows: list[dict[str, Any]] = [{"person_id": members[0].pk, "monthly_wage": 300, "employed": True}]
    rows += [{"person_id": p.pk} for p in members[1:]]
    return {"members": rows, "assets": {"financial": 0, "vehicles": [], "residential_properties": 1}}


def alert(hh: Any, rule: str = "dibao_income") -> Alert:
    run = ScreeningRun.objects.filter(month="2025-06").first() or ScreeningRun.objects.create(
        month="2025-06", status=RunStatus.PUBLISHED
    )
    return Alert.objects.create(
        run=run,
        month="2025-06",
        rule=rule,
        rule_name="收入超标",
        severity="high",
        id_hash=f"{hh.pk:064d}",
        id_masked="370811********0013",
        household_no=hh.number,
        household=hh,
        region_code=hh.region_code,
        evidence={"月收入": 3000},
        trend="new",
    )


@pytest.fixture
def town(make_household: Any, make_user: Any) -> dict[str, Any]:
    """Applications of 370811001 in each step (one of each), one in another county, alerts in both."""
    staff = {
        "village": make_user("village_assistant", VILLAGE_A),
        "clerk": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
        "finance": make_user("county_finance", "370811"),
        "city": make_user("city_officer", "370800"),
        "auditor": make_user("auditor", "370800"),
        "admin": make_user("sysadmin", "370800"),
        "far_clerk": make_user("township_clerk", "370812001"),
    }
    clerk = staff["clerk"]
    intake = make_user("township_clerk", TOWN_A)  # 受理 and 民主评议 by one clerk, 核对 by another

    def new(village: str = VILLAGE_A, actor: Any = intake) -> Any:
        hh = make_household(village=village, size=2)
        return svc.application_create(
            actor=actor,
            programme="dibao",
            household=hh,
            applicant=hh.memberships.get(relation="head").person,
            declared=declared(hh),
        )

    def submit(app: Any) -> Any:
        svc.application_sign_authorisation(actor=intake, application=app, signed_on=TODAY)
        svc.application_submit(actor=intake, application=app)
        return app

    def to_review(app: Any) -> Any:
        submit(app)
        svc.application_start_verification(actor=clerk, application=app)
        svc.application_record_home_visit(
            actor=clerk, application=app, visited_on=TODAY, visitors="王、李", findings="家中无贵重物品"
        )
        verified(app, clerk)
        svc.application_to_village_review(actor=clerk, application=app)
        return app

    def to_notice(app: Any, start: dt.date) -> Any:
        to_review(app)
        svc.application_record_village_review(
            actor=intake, application=app, held_on=TODAY, participants=9, agreed=9
        )
        # The notice starts today by the server's clock; an older one is aged in the table.
        days = PublicNotice.objects.get(application=app).end_date - TODAY
        PublicNotice.objects.filter(application=app).update(start_date=start, end_date=start + days)
        return app

    apps = {
        "draft": new(),
        "submitted": submit(new()),
        "verifying": new(),
        "review": to_review(new()),
        "notice": to_notice(new(), TODAY),
        "ended": to_notice(new(), TODAY - dt.timedelta(days=20)),
        "refused": to_notice(new(), TODAY - dt.timedelta(days=20)),
        "granted": to_notice(new(), TODAY - dt.timedelta(days=20)),
    }
    approver = staff["approver"]
    svc.application_decide(
        actor=approver, application=apps["refused"], outcome="refuse", reasons="有经营收入"
    )
    svc.escalation_request(actor=clerk, application=apps["refused"], reason="经营已注销")
    svc.application_decide(actor=approver, application=apps["granted"], outcome="grant")
    enrolment = svc.application_enrolment(application=apps["granted"])
    svc.review_open(actor=clerk, enrolment=enrolment, due_date=TODAY)
    payroll_generate(actor=staff["county"], county_code="370811", month=TODAY)
    submit(apps["verifying"])
    svc.application_start_verification(actor=clerk, application=apps["verifying"])
    svc.application_record_objection(
        actor=clerk, application=apps["notice"], received_on=TODAY, content="邻居反映其有营运车辆"
    )
    svc.application_create(
        actor=staff["far_clerk"],
        programme="dibao",
        household=(far := make_household(village=VILLAGE_B, size=1)),
        applicant=far.memberships.get().person,
        declared=declared(far),
    )
    alert(apps["draft"].household)
    alert(far, rule="far")
    for key in list(apps):
        apps[key].refresh_from_db()
    return {"staff": staff, "apps": apps}
