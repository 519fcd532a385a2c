"""Each role lands on its own 首页: its to-do counts and lists, region-scoped, in a few queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from minzheng.accounts.permissions import can
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.programmes.registry import line_todos
from minzheng.web.selectors import home_todos
from tests.web.conftest import client_for, declared

TODAY = timezone.localdate()


def _counts(user: Any) -> dict[str, int]:
    """The home's own to-dos; those a line registers (programmes.registry.Line.todos) are its line's tests."""
    lines = {todo(user, TODAY).key for permission, todo in line_todos() if can(user, permission)}
    return {t.key: t.count for t in home_todos(actor=user, on=TODAY) if t.key not in lines}


def _section(body: str, key: str) -> str:
    match = re.search(rf'<section class="card todo[^"]*" id="todo-{key}">(.*?)</section>', body, re.S)
    assert match, f"no to-do {key} on the page"
    return match.group(1)


def test_the_village_assistant_sees_its_drafts_cases_in_review_and_notice_and_its_alerts(town):
    assert _counts(town["staff"]["village"]) == {
        "drafts": 1,
        "village_review": 1,
        "public_notice": 2,  # the one in notice and the one whose notice has ended
        "alerts": 1,
    }
    body = client_for(town["staff"]["village"]).get("/").content.decode()
    draft = town["apps"]["draft"]
    assert f"/assistance/{draft.pk}/" in _section(body, "drafts")
    assert "/assistance/?state=draft" in _section(body, "drafts")
    assert "/monitoring/?status=open" in _section(body, "alerts")
    assert "管辖人口" not in body


def test_the_township_clerk_sees_its_steps_reviews_alerts_and_objections(town):
    assert _counts(town["staff"]["clerk"]) == {
        "submitted": 1,
        "verifying": 1,
        "reviews": 1,
        "alerts": 1,
        "objections": 1,
        "transfers": 0,
    }
    body = client_for(town["staff"]["clerk"]).get("/").content.decode()
    assert f"/assistance/{town['apps']['notice'].pk}/" in _section(body, "objections")
    assert f"/assistance/{town['apps']['submitted'].pk}/" in _section(body, "submitted")


def test_a_clerk_of_another_county_sees_only_its_own_work(town):
    counts = _counts(town["staff"]["far_clerk"])
    assert counts["alerts"] == 1 and counts["submitted"] == 0 and counts["objections"] == 0


def test_the_approver_sees_cases_whose_notice_has_ended_objections_and_escalations(town):
    assert _counts(town["staff"]["approver"]) == {
        "to_decide": 1,
        "submitted_to_decide": 0,
        "merges": 0,
        "objections": 1,
        "escalations": 1,
    }
    body = client_for(town["staff"]["approver"]).get("/").content.decode()
    section = _section(body, "to_decide")
    assert f"/assistance/{town['apps']['ended'].pk}/" in section
    assert f"/assistance/{town['apps']['notice'].pk}/" not in section  # its 7 days are still running


def test_the_county_officer_sees_escalations_payroll_and_reviews(town, make_user):
    assert _counts(town["staff"]["county"]) == {
        "escalations": 1,
        "payroll_generate": 0,  # this month's roll exists
        "payroll_check": 0,  # it made the roll, so someone else must check it
        "reviews": 1,
        "merges": 0,
        "temporary_county": 0,
    }
    other = make_user("county_officer", "370811")
    assert _counts(other)["payroll_check"] == 1
    assert _counts(make_user("county_officer", "370812"))["payroll_generate"] == 1


def test_county_finance_sees_the_roll_to_check_then_the_frozen_roll_for_the_bank_file(town, make_user):
    from minzheng.benefits.models import PayrollRun
    from minzheng.benefits.services import payroll_freeze

    finance = town["staff"]["finance"]
    assert _counts(finance) == {"bank_files": 0, "payroll_check": 1}
    run = PayrollRun.objects.get(county_code="370811")
    payroll_freeze(actor=make_user("county_officer", "370811"), run=run)
    assert _counts(finance) == {"bank_files": 1, "payroll_check": 0}
    assert f"/payroll/{run.pk}/" in _section(client_for(finance).get("/").content.decode(), "bank_files")
    # Taking the bank file is recorded as this EXPORT row (benefits.services.payroll_bank_file_export).
    audit_record(
        actor=finance,
        event_type=AuditEvent.EXPORT,
        target_type="payroll.bank_file",
        target_id=run.pk,
        region_code=run.county_code,
        detail="导出银行代发文件",
    )
    assert _counts(finance)["bank_files"] == 0


def test_the_city_officer_sees_policy_changes_and_alerts_by_county(town):
    counts = _counts(town["staff"]["city"])
    assert counts["alerts_by_county"] == 2
    body = client_for(town["staff"]["city"]).get("/").content.decode()
    section = _section(body, "alerts_by_county")
    assert "任城区" in section and "兖州区" in section
    assert "todo-policy" in body


def test_the_auditor_sees_recent_denials_and_reveals(town):
    audit_record(
        actor=town["staff"]["clerk"],
        event_type=AuditEvent.DENIED,
        target_type="payroll.freeze",
        region_code="370811",
        outcome="denied",
        detail="拒绝：审核冻结发放名册",
    )
    counts = _counts(town["staff"]["auditor"])
    assert counts["denials"] == 1 and "reveals" in counts
    body = client_for(town["staff"]["auditor"]).get("/").content.decode()
    assert "拒绝：审核冻结发放名册" in _section(body, "denials")


def test_the_sysadmin_sees_the_accounts_and_only_it_may_open_the_list(town):
    assert _counts(town["staff"]["admin"])["users"] == 10  # the nine staff and the second (intake) clerk
    assert client_for(town["staff"]["admin"]).get("/users/").status_code == 200
    assert client_for(town["staff"]["clerk"]).get("/users/").status_code == 403


@pytest.mark.parametrize(
    "role", ["village", "clerk", "approver", "county", "finance", "city", "auditor", "admin"]
)
def test_every_home_page_is_rendered_in_a_few_queries(town, role, django_assert_max_num_queries):
    """A fixed cost per to-do card (its count and its first few items), never per case listed: the
    budget grows with the cards a role has, not with the data behind them."""
    from minzheng.web.selectors import home_todos

    user = town["staff"][role]
    cards = len(home_todos(actor=user, on=dt.date.today()))  # noqa: DTZ011 - the page's own day
    c = client_for(user)
    # fixed: session, user, role, region, nav, the population figure (one indexed RegionPopulation row) …
    with django_assert_max_num_queries(9 + 2 * cards):
        response = c.get("/")
    assert response.status_code == 200


def test_a_temporary_case_taken_in_waits_for_the_approver_not_for_a_verification(town, make_household):
    from minzheng.assistance import services as svc
    from tests.conftest import VILLAGE_A

    hh = make_household(village=VILLAGE_A, size=1)
    clerk = town["staff"]["clerk"]
    app = svc.application_create(
        actor=clerk,
        programme="temporary",
        household=hh,
        applicant=hh.memberships.get().person,
        declared=declared(hh),
        region_code=VILLAGE_A,
        amount_requested=1500,
        emergency_kind="urgent",
        emergency_description="火灾",
    )
    svc.application_submit(actor=clerk, application=app)
    assert _counts(clerk)["submitted"] == 1  # the dibao case of the town only: 临时救助 has no 核对
    approver = town["staff"]["approver"]
    assert _counts(approver)["submitted_to_decide"] == 1
    body = client_for(approver).get("/").content.decode()
    assert f"/assistance/{app.pk}/" in _section(body, "submitted_to_decide")


def test_a_temporary_case_above_the_township_limit_is_not_offered_to_its_approver_and_reaches_the_county(
    town, make_household
):
    from minzheng.assistance import services as svc
    from minzheng.assistance.selectors import application_case_actions
    from tests.conftest import VILLAGE_A

    hh = make_household(village=VILLAGE_A, size=1)
    clerk = town["staff"]["clerk"]
    app = svc.application_create(
        actor=clerk,
        programme="temporary",
        household=hh,
        applicant=hh.memberships.get().person,
        declared=declared(hh),
        region_code=VILLAGE_A,
        amount_requested=50_000,  # far above the township's multiple of the standard
        emergency_kind="urgent",
        emergency_description="重病住院",
    )
    svc.application_submit(actor=clerk, application=app)
    assert svc.application_assess(application=app).approval_level == "county"
    approver = town["staff"]["approver"]
    actions = application_case_actions(actor=approver, application=app)
    decide = next(a for a in actions.actions if a.code == "decide")
    assert "decide" not in actions and "县级" in decide.reason
    county = town["staff"]["county"]
    assert _counts(county)["temporary_county"] == 1
    assert "decide" in application_case_actions(actor=county, application=app)


def test_an_alert_on_the_home_page_names_the_person_not_a_masked_number(make_household, make_user):
    """The walk read 370811********0003 on the clerk's 首页: people know a person by name."""
    from tests.web.conftest import alert

    hh = make_household(size=1)
    head = hh.memberships.get(relation="head").person
    a = alert(hh)
    a.person = head
    a.save(update_fields=["person"])
    body = client_for(make_user("township_clerk", hh.region_code[:9])).get("/").content.decode()
    assert f"收入超标 · {head.name}" in body and "370811********0013" not in body


def test_an_escalation_asked_for_just_after_midnight_in_beijing_shows_the_beijing_date(town):
    from minzheng.assistance.models import Escalation

    # 16:30 UTC on 1 January is 00:30 on 2 January in 济宁: the card names the day the clerk worked.
    Escalation.objects.update(requested_at=dt.datetime(2026, 1, 1, 16, 30, tzinfo=dt.UTC))
    (todo,) = [t for t in home_todos(actor=town["staff"]["approver"], on=TODAY) if t.key == "escalations"]
    assert [item.note for item in todo.items] == ["申请于 2026-01-02"]


def test_the_local_day_of_a_moment_is_its_beijing_calendar_day():
    from minzheng.core.dates import local_day

    assert local_day(dt.datetime(2026, 1, 1, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 1, 1)
    assert local_day(dt.datetime(2026, 1, 1, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 1, 2)
