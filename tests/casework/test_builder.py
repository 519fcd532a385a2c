"""`workflow_table`: a line's workflow from a compact table gives the same Steps, Transitions and Actions
as writing them out, with no make/check separation, no shared overdue listing, and the case's URL."""

from __future__ import annotations

import pytest

from minzheng.casework.workflow import Action, Deadline, Step, Transition, workflow_table
from minzheng.protection.models import ProtectionCase
from minzheng.protection.workflow import ADOPTION, PROTECTION
from minzheng.vagrants.workflow import STAY

LIMIT = Deadline("评估期限", "protection.assess_days", ("open",), since="open")


def _tiny():
    return workflow_table(
        code="tiny_table",
        label="示例",
        model=ProtectionCase,
        states=(("new", "新建"), ("open", "办理中"), ("closed", "已办结")),
        steps=(("open", "受理"), ("close", "办结", LIMIT)),
        transitions=(
            ("new", "open", "child.case_report", "open"),
            ("open", "closed", "child.case_handle", "close"),
        ),
        actions=(("close", "办结", "child.case_handle", ("open",)),),
        noun="个案",
        url_name="protection-case",
        describe="示例个案",
    )


def test_the_table_reads_as_the_written_out_steps_transitions_and_actions():
    wf = _tiny()
    assert wf.steps == (
        Step("open", "受理", separate=False),
        Step("close", "办结", separate=False, deadline=LIMIT),
    )
    assert wf.transitions == (
        Transition("new", "open", "child.case_report", step="open"),
        Transition("open", "closed", "child.case_handle", step="close"),
    )
    assert wf.actions == (Action("close", "办结", "child.case_handle", states=("open",)),)
    assert list(wf.deadlines()) == [(wf.steps[1], LIMIT)]
    assert wf.initial == "new" and wf.noun == "个案"


def test_a_table_case_is_named_and_linked_and_not_listed_in_the_shared_overdue_list(db):
    wf = _tiny()
    case = ProtectionCase(pk=41)
    assert wf.describe(case) == "示例个案#41" and wf.url(case).endswith("/41/")
    assert wf.queryset is not None and not wf.queryset().exists()


def test_a_table_with_an_unknown_state_or_step_is_refused_at_definition():
    with pytest.raises(ValueError, match="状态未定义"):
        workflow_table(
            code="bad",
            label="坏",
            model=ProtectionCase,
            states=(("new", "新建"),),
            steps=(),
            transitions=(("new", "gone", "child.case_report", ""),),
            actions=(),
            noun="个案",
            url_name="protection-case",
            describe="坏",
        )


def test_the_lines_built_from_tables_keep_their_deadlines_and_no_step_is_separated():
    assert [d.policy_key for _, d in PROTECTION.deadlines()] == [
        "protection.assess_days",
        "protection.conference_days",
        "protection.plan_days",
        "protection.followup_days",
        "protection.close_days",
    ]
    assert [d.policy_key for _, d in ADOPTION.deadlines()] == [
        "adoption.assess_days",
        "adoption.register_days",
    ]
    assert [d.policy_key for _, d in STAY.deadlines()] == ["vagrant.stay_days"]
    assert not any(s.separate for wf in (PROTECTION, ADOPTION, STAY) for s in wf.steps)
