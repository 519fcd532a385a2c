"""The case engine on its own: a made-up programme with two steps (受理 → 审批) registered by a test and
driven through the casework services only; refusals in Chinese with a DENIED audit row; the optimistic
lock; separation of duties; deadlines read from policy, never from code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.permissions import Denied, flush_denials
from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.casework.models import Case, CaseEvent
from minzheng.casework.selectors import (
    add_working_days,
    case_actions,
    case_deadlines,
    case_history,
    cases_due,
    deadline_due,
)
from minzheng.casework.services import case_open, case_transition
from minzheng.casework.workflow import (
    Action,
    Deadline,
    Step,
    Transition,
    Workflow,
    workflow_for,
    workflow_register,
    workflow_unregister,
)
from minzheng.policy.selectors import policy_resolve
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A

TODAY = timezone.localdate()
# A made-up programme: its cases are taken in and decided, nothing else. It borrows the assistance
# permissions (a real line adds its own rows to the matrix) and the dibao time limit as its deadline.
STATES = (("new", "新登记"), ("open", "已受理"), ("granted", "已批准"), ("refused", "不予批准"))
LIMIT = Deadline("审核确认时限", "dibao.case_working_days", states=("open",), since="open", working_days=True)


def _tiny(deadline: Deadline = LIMIT) -> Workflow:
    return Workflow(
        code="tiny",
        label="小额补助（测试）",
        model=Case,
        states=STATES,
        initial="new",
        steps=(Step("intake", "受理"), Step("decision", "审批", deadline=deadline)),
        transitions=(
            Transition("new", "open", "assistance.intake", step="intake"),
            Transition("open", "granted", "assistance.decide", step="decision"),
            Transition("open", "refused", "assistance.decide", step="decision"),
        ),
        actions=(
            Action("accept", "受理", "assistance.intake", states=("new",), step="intake"),
            Action("grant", "批准", "assistance.decide", states=("open",), step="decision"),
            Action("refuse", "不予批准", "assistance.decide", states=("open",), step="decision"),
            Action("print", "打印", "", states=("granted", "refused")),  # anyone who may see the case
        ),
    )


@pytest.fixture
def tiny() -> Any:
    workflow = workflow_register(_tiny())
    yield workflow
    workflow_unregister("tiny")


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "assistant": make_user("village_assistant", VILLAGE_A),
        "approver": make_user("township_approver", TOWN_A),
        "clerk": make_user("township_clerk", TOWN_A),
        "other_town": make_user("township_approver", TOWN_B),
    }


def _open(tiny: Workflow, people: dict[str, Any]) -> Case:
    return case_open(actor=people["assistant"], workflow_code="tiny", region_code=VILLAGE_A)


def test_a_made_up_programme_with_two_steps_runs_on_the_casework_services_alone(tiny, people):
    case = _open(tiny, people)
    assert case.state == "new" and workflow_for("tiny") is tiny
    assert set(case_actions(actor=people["assistant"], case=case).codes) == {"accept"}
    assert set(case_actions(actor=people["approver"], case=case).codes) == set()

    case = case_transition(actor=people["assistant"], workflow=tiny, case=case, to="open", note="材料齐全")
    assert case.state == "open" and case.version == 1
    assert set(case_actions(actor=people["approver"], case=case).codes) == {"grant", "refuse"}
    case = case_transition(actor=people["approver"], workflow=tiny, case=case, to="granted")

    assert Case.objects.get(pk=case.pk).state == "granted"
    history = case_history(workflow=tiny, case=case)
    assert [(h["from"], h["to"]) for h in history] == [("新登记", "已受理"), ("已受理", "已批准")]
    assert history[0]["note"] == "材料齐全" and history[0]["step"] == "受理"
    rows = AuditLog.objects.filter(target_type="case.state", target_id=str(case.pk)).order_by("seq")
    assert [r.new["state"] for r in rows] == ["open", "granted"]
    assert case_actions(actor=people["approver"], case=case).codes == {"print"}
    assert case_actions(actor=people["other_town"], case=case).codes == frozenset()


def test_a_transition_the_workflow_does_not_have_is_refused_in_chinese_and_changes_nothing(tiny, people):
    case = _open(tiny, people)
    with pytest.raises(ValidationError, match="案件当前为“新登记”，不能转为“已批准”"):
        case_transition(actor=people["approver"], workflow=tiny, case=case, to="granted")
    case.refresh_from_db()
    assert case.state == "new" and case.version == 0 and not CaseEvent.objects.exists()


def test_a_transition_without_the_permission_is_refused_and_audited_as_denied(tiny, people):
    case = case_transition(actor=people["assistant"], workflow=tiny, case=_open(tiny, people), to="open")
    with pytest.raises(Denied, match=r"只有.*可以办理此事项"):
        case_transition(actor=people["clerk"], workflow=tiny, case=case, to="granted")
    flush_denials()  # the refused transaction rolled back; the refusal itself is kept
    denied = AuditLog.objects.get(event_type=AuditEvent.DENIED, actor_id=people["clerk"].pk)
    assert denied.target_type == "assistance.decide" and denied.target_id == f"case:{case.pk}"
    case.refresh_from_db()
    assert case.state == "open"


def test_an_officer_of_another_township_is_refused_as_out_of_scope(tiny, people):
    case = case_transition(actor=people["assistant"], workflow=tiny, case=_open(tiny, people), to="open")
    with pytest.raises(Denied, match="不在您的管辖范围内"):
        case_transition(actor=people["other_town"], workflow=tiny, case=case, to="granted")
    assert case_actions(actor=people["other_town"], case=case).codes == frozenset()


def test_a_stale_page_cannot_move_the_case_twice(tiny, people):
    case = case_transition(actor=people["assistant"], workflow=tiny, case=_open(tiny, people), to="open")
    stale = Case.objects.get(pk=case.pk)
    case_transition(actor=people["approver"], workflow=tiny, case=case, to="granted", expected_version=1)
    with pytest.raises(ValidationError, match="已被他人处理"):
        case_transition(actor=people["approver"], workflow=tiny, case=stale, to="refused", expected_version=1)
    assert Case.objects.get(pk=case.pk).state == "granted"


def test_the_person_who_took_the_case_in_may_not_decide_it(tiny, people, make_user):
    both = make_user("township_approver", TOWN_A)
    # A workflow whose intake an approver may take, so that one person holds both permissions.
    workflow_register(
        Workflow(
            code="tiny",
            label=tiny.label,
            model=Case,
            states=STATES,
            initial="new",
            steps=tiny.steps,
            transitions=(
                Transition("new", "open", "assistance.decide", step="intake"),
                *tiny.transitions[1:],
            ),
            actions=(
                Action("accept", "受理", "assistance.decide", states=("new",), step="intake"),
                *tiny.actions[1:],
            ),
        )
    )
    wf = workflow_for("tiny")
    case = Case.objects.create(workflow="tiny", state="new", region_code=VILLAGE_A, opened_by=both)
    case = case_transition(actor=both, workflow=wf, case=case, to="open")
    actions = case_actions(actor=both, case=case)
    assert "grant" not in actions
    assert any("您已办理本案的“受理”环节" in a.reason for a in actions.unavailable)
    with pytest.raises(ValidationError, match="经办与审核须由不同人员办理"):
        case_transition(actor=both, workflow=wf, case=case, to="granted")
    flush_denials()  # the refusal is audited like a missing permission
    denied = AuditLog.objects.get(event_type=AuditEvent.DENIED, actor_id=both.pk)
    assert denied.target_type == "assistance.decide" and denied.target_id == f"case:{case.pk}"
    case_transition(actor=people["approver"], workflow=wf, case=case, to="granted")


def test_a_workflow_naming_an_undefined_permission_or_state_is_refused_at_registration():
    with pytest.raises(LookupError, match="未定义的权限"):
        Workflow(
            code="typo",
            label="错字",
            model=Case,
            states=STATES,
            initial="new",
            steps=(Step("intake", "受理"),),
            transitions=(Transition("new", "open", "assistance.intkae", step="intake"),),
        )
    with pytest.raises(ValueError, match="状态未定义"):
        Workflow(
            code="typo",
            label="错字",
            model=Case,
            states=STATES,
            initial="new",
            steps=(Step("intake", "受理"),),
            transitions=(Transition("new", "closed", "assistance.intake"),),
        )


# ---------------------------------------------------------------- deadlines
def test_the_deadline_is_the_policy_figure_in_working_days_from_intake(tiny, people):
    case = case_transition(actor=people["assistant"], workflow=tiny, case=_open(tiny, people), to="open")
    days = int(policy_resolve(on=TODAY, region_code=VILLAGE_A, hukou_type="").get("dibao.case_working_days"))
    (status,) = case_deadlines(workflow=tiny, case=case)
    assert status.due == add_working_days(TODAY, days) and not status.overdue
    later = case_actions(actor=people["approver"], case=case, on=status.due + dt.timedelta(days=1))
    assert later.overdue and "已超过审核确认时限" in later.deadlines[0].message
    assert [d.case.pk for d in cases_due(actor=people["approver"], on=status.due + dt.timedelta(days=1))] == [
        case.pk
    ]
    (today,) = cases_due(actor=people["approver"], on=status.due)  # due today: listed, not yet overdue
    assert not today.deadline.overdue
    assert cases_due(actor=people["approver"], on=status.due - dt.timedelta(days=1)) == []
    assert cases_due(actor=people["other_town"], on=status.due + dt.timedelta(days=1)) == []


def test_a_period_that_has_run_is_flagged_as_ended_not_as_late(people):
    period = Deadline("公示期", "dibao.public_notice_days", states=("open",), kind="period")
    workflow = workflow_register(_tiny(period))
    try:
        case = case_transition(
            actor=people["assistant"], workflow=workflow, case=_open(workflow, people), to="open"
        )
        days = int(
            policy_resolve(on=TODAY, region_code=VILLAGE_A, hukou_type="").get("dibao.public_notice_days")
        )
        (running,) = case_deadlines(workflow=workflow, case=case)
        assert running.due == TODAY + dt.timedelta(days=days) and "公示期至" in running.message
        (ended,) = case_deadlines(workflow=workflow, case=case, on=running.due + dt.timedelta(days=1))
        assert ended.passed and not ended.overdue and "届满，待办理下一环节" in ended.message
    finally:
        workflow_unregister("tiny")


def test_working_days_skip_the_weekend():
    friday = dt.date(2026, 11, 27)
    assert friday.weekday() == 4
    assert add_working_days(friday, 1) == dt.date(2026, 11, 30)
    assert add_working_days(friday, 5) == dt.date(2026, 12, 4)


def test_a_county_figure_moves_the_deadline_of_that_county_only(make_user):
    from minzheng.policy.services import policy_parameter_propose, policy_proposal_approve

    maker, checker = make_user("city_officer", "370800"), make_user("city_officer", "370800")
    start = TODAY + dt.timedelta(days=30)
    proposal = policy_parameter_propose(
        actor=maker,
        key="dibao.case_working_days",
        value=Decimal(20),
        effective_from=start,
        source="《最低生活保障审核确认办法》（民发〔2021〕57号）；本区缩短办理时限的通知",
        region_prefix="370811",
    )
    city = int(policy_resolve(on=start, region_code="370812001001", hukou_type="urban").get(LIMIT.policy_key))
    policy_proposal_approve(actor=checker, proposal=proposal)
    here = deadline_due(deadline=LIMIT, start=start, region_code=VILLAGE_A, hukou_type="urban")
    there = deadline_due(deadline=LIMIT, start=start, region_code="370812001001", hukou_type="urban")
    before = deadline_due(
        deadline=LIMIT, start=start - dt.timedelta(days=1), region_code=VILLAGE_A, hukou_type="urban"
    )
    assert here == add_working_days(start, 20)
    assert there == add_working_days(start, city) and city != 20
    assert before == add_working_days(start - dt.timedelta(days=1), city)


def test_a_missing_policy_figure_is_an_error_not_a_default(people):
    missing = Deadline("虚构时限", "tiny.no_such_days", states=("open",), since="open")
    workflow = workflow_register(_tiny(missing))
    try:
        case = case_transition(
            actor=people["assistant"], workflow=workflow, case=_open(workflow, people), to="open"
        )
        (status,) = case_deadlines(workflow=workflow, case=case)
        assert status.due is None and "无法计算“虚构时限”" in status.message
        with pytest.raises(ValidationError, match=r"tiny\.no_such_days"):
            deadline_due(deadline=missing, start=TODAY, region_code=VILLAGE_A, hukou_type="")
        flagged = cases_due(actor=people["approver"])
        assert [d.case.pk for d in flagged] == [case.pk] and flagged[0].deadline.error
    finally:
        workflow_unregister("tiny")
