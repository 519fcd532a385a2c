"""Assistance on the case engine (issue 13, item 2): the case page's controls, reasons and deadlines come
from casework's one selector; the 审核确认时限 and the 公示 period come from policy; temporary assistance
uses fewer steps; refusals are audited as DENIED; no role is named in the assistance code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

import minzheng.assistance
from minzheng.accounts.permissions import Denied, flush_denials
from minzheng.assistance import selectors as sel
from minzheng.assistance import services as svc
from minzheng.assistance.models import PublicNotice
from minzheng.assistance.workflow import DIBAO, TEMPORARY
from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.casework.models import CaseEvent
from minzheng.casework.selectors import add_working_days
from minzheng.policy.selectors import policy_resolve
from tests.assistance.test_workflow import _client, _dibao, _to_notice
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, verified

TODAY = timezone.localdate()


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "recorder": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
        "assistant": make_user("village_assistant", VILLAGE_A),
    }


def _submitted(hh, staff):
    app = _dibao(hh, staff)
    svc.application_sign_authorisation(actor=staff["clerk"], application=app, signed_on=TODAY)
    return svc.application_submit(actor=staff["clerk"], application=app)


def _submitted_days_ago(app, days):
    """The case was taken in `days` ago (time passing is the one thing a test cannot wait for)."""
    when = timezone.now() - dt.timedelta(days=days)
    CaseEvent.objects.filter(case_type="assistance.application", case_id=app.pk).update(at=when)


def test_the_approver_reads_why_no_decision_is_offered_while_an_objection_is_open(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    svc.application_record_objection(actor=staff["clerk"], application=app, received_on=TODAY, content="有车")
    actions = sel.application_case_actions(actor=staff["approver"], application=app)
    assert "decide" not in actions and "resolve_objection" in actions
    page = _client(staff["approver"]).get(f"/assistance/{app.pk}/").content.decode()
    assert 'id="do-decide"' not in page
    assert "暂不能办理“审批”：公示期间有未处理的异议" in page.split('id="unavailable"')[1]


def test_the_public_notice_runs_the_policy_period_of_the_workflow_step(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    days = policy_resolve(on=TODAY, region_code=app.region_code, hukou_type=app.hukou_type).get(
        "dibao.public_notice_days"
    )
    notice = PublicNotice.objects.get(application=app)
    assert notice.end_date == TODAY + dt.timedelta(days=int(days))
    notice_status = next(
        d
        for d in sel.application_case_actions(actor=staff["approver"], application=app).deadlines
        if d.step == "public_notice"
    )
    assert notice_status.due == notice.end_date and not notice_status.overdue


def test_a_dibao_case_must_be_decided_within_the_policy_working_days_from_intake(make_household, staff):
    app = _submitted(make_household(size=2), staff)
    days = int(
        policy_resolve(on=TODAY, region_code=app.region_code, hukou_type=app.hukou_type).get(
            "dibao.case_working_days"
        )
    )
    (limit,) = sel.application_case_actions(actor=staff["verifier"], application=app).deadlines
    assert limit.due == add_working_days(TODAY, days) and not limit.overdue
    page = _client(staff["verifier"]).get(f"/assistance/{app.pk}/").content.decode()
    assert "审核确认时限" in page.split('id="deadlines"')[1] and "超期" not in page.split('id="deadlines"')[1]


def test_the_deadlines_page_flags_overdue_cases_of_the_clerks_region_only(
    make_household, staff, make_user, django_assert_max_num_queries
):
    late = [_submitted(make_household(size=2), staff) for _ in range(3)]
    fresh = _submitted(make_household(size=2), staff)
    for app in late:
        _submitted_days_ago(app, 90)
    c = _client(staff["clerk"])
    with django_assert_max_num_queries(12):
        page = c.get("/assistance/deadlines/").content.decode()
    table = page.split('id="case-deadlines"')[1]
    assert table.count("已超过审核确认时限") == 3 and "超期" in table
    assert all(f"/assistance/{a.pk}/" in table for a in late) and f"/assistance/{fresh.pk}/" not in table
    assert "已超期3件" in page
    other = _client(make_user("township_clerk", TOWN_B)).get("/assistance/deadlines/").content.decode()
    assert "暂无到期个案" in other and f"/assistance/{late[0].pk}/" not in other
    page = c.get(f"/assistance/{late[0].pk}/").content.decode()
    assert "超期" in page.split('id="deadlines"')[1]


def test_a_temporary_case_has_no_verification_village_review_or_notice_step(make_household, staff):
    steps = {s.code for s in TEMPORARY.steps}
    assert {"intake", "decision", "escalation", "referral"} <= steps
    assert not steps & {"village_review", "public_notice"}
    assert {"village_review", "public_notice"} <= {s.code for s in DIBAO.steps}
    hh = make_household(size=1)
    app = svc.application_create(
        actor=staff["clerk"],
        programme="temporary",
        household=hh,
        applicant=hh.memberships.get().person,
        declared={"members": [{"person_id": hh.memberships.get().person_id}]},
        amount_requested=500,
        emergency_kind="urgent",
    )
    app = svc.application_submit(actor=staff["clerk"], application=app)
    with pytest.raises(ValidationError, match="不能转为“核对中”"):
        svc.application_start_verification(actor=staff["verifier"], application=app)
    assert "decide" in sel.application_actions(actor=staff["approver"], application=app)


def test_a_village_assistant_who_tries_to_decide_is_refused_and_audited_as_denied(make_household, staff):
    app = _to_notice(_dibao(make_household(size=2), staff), staff)
    with pytest.raises(Denied, match="只有"):
        svc.application_decide(actor=staff["assistant"], application=app, outcome="grant")
    flush_denials()
    row = AuditLog.objects.get(event_type=AuditEvent.DENIED, actor_id=staff["assistant"].pk)
    assert row.target_type == "assistance.decide" and row.target_id == f"application:{app.pk}"


def test_no_role_is_named_in_the_assistance_code():
    from minzheng.accounts.models import Role

    root = Path(minzheng.assistance.__file__).parent
    roles = "|".join(re.escape(r) for r in Role.values)
    found = []
    for path in [*root.glob("*.py"), *root.glob("templates/**/*.html")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bRole\.|has_role|\.role\b|['\"](" + roles + r")['\"]", text):
            found.append(path.name)
    assert found == []


BUTTONS = {
    "authorise": 'id="do-authorise"',
    "submit": 'id="do-submit"',
    "verify": 'id="do-verify"',
    "verification_run": 'id="do-check"',
    "home_visit": 'id="do-visit"',
    "to_review": 'id="do-to-review"',
    "village_review": 'id="do-village-review"',
    "return_to_verification": 'id="do-return"',
    "objection": 'id="do-objection"',
    "resolve_objection": 'class="do-resolve"',
    "decide": 'id="do-decide"',
    "confirm": 'id="do-confirm"',
    "escalate": 'id="do-escalate"',
    "edit_declared": 'id="do-declared"',
    "letter": 'id="letter"',
}


def _buttons_match_the_selector(app, people):
    for who, user in people.items():
        app.refresh_from_db()
        codes = sel.application_actions(actor=user, application=app)
        page = _client(user).get(f"/assistance/{app.pk}/").content.decode()
        shown = {code for code, marker in BUTTONS.items() if marker in page}
        assert shown == codes & set(BUTTONS), (app.state, who)


def test_the_case_page_shows_exactly_the_controls_case_actions_returns(make_household, staff):
    from tests.assistance.conftest import age_notice

    app = _dibao(make_household(size=2), staff)
    _buttons_match_the_selector(app, staff)
    svc.application_sign_authorisation(actor=staff["clerk"], application=app, signed_on=TODAY)
    svc.application_submit(actor=staff["clerk"], application=app)
    _buttons_match_the_selector(app, staff)
    svc.application_start_verification(actor=staff["verifier"], application=app)
    _buttons_match_the_selector(app, staff)
    svc.application_record_home_visit(
        actor=staff["verifier"], application=app, visited_on=TODAY, visitors="王", findings="属实"
    )
    verified(app, staff["verifier"])
    svc.application_to_village_review(actor=staff["verifier"], application=app)
    _buttons_match_the_selector(app, staff)
    svc.application_record_village_review(
        actor=staff["recorder"], application=app, held_on=TODAY, participants=9, agreed=9
    )
    svc.application_record_objection(actor=staff["clerk"], application=app, received_on=TODAY, content="有车")
    _buttons_match_the_selector(app, staff)
    age_notice(app)
    objection = app.public_notice.objections.get()
    svc.objection_resolve(
        actor=staff["approver"],
        objection=objection,
        action="reject",
        resolution="车已报废",
        informed_on=TODAY,
        informed_how="电话",
    )
    _buttons_match_the_selector(app, staff)
    svc.application_decide(actor=staff["approver"], application=app, outcome="refuse", reasons="收入超标")
    _buttons_match_the_selector(app, staff)
