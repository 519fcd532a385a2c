"""Minor-protection cases: the flow report → assessment → conference → plan → follow-ups → closure on the
case engine, each step's deadline from policy, and the overdue list on the 首页."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.casework.models import CaseEvent
from minzheng.casework.selectors import case_deadlines, cases_due
from minzheng.people.models import UnidentifiedRecord
from minzheng.protection import services
from minzheng.protection.selectors import overdue_cases, protection_todo
from minzheng.protection.workflow import PROTECTION
from tests.conftest import VILLAGE_A

TODAY = timezone.localdate()


def _through_plan(team: dict[str, Any], case: Any) -> Any:
    services.case_assess(actor=team["officer"], case=case, answers=["injury", "guardian_harm"], note="需干预")
    services.case_conference(
        actor=team["officer"],
        case=case,
        held_on=TODAY,
        participants="儿童督导员、派出所、学校",
        decisions="临时监护",
    )
    services.case_plan(
        actor=team["officer"],
        case=case,
        measures=[("guardianship", "由县未成年人救助保护中心临时监护"), ("police", "转介派出所调查")],
    )
    return case


def test_a_report_opens_a_case_assigned_to_its_reporter_with_the_phone_stored_encrypted(team, reported):
    assert reported.state == "reported"
    assert list(reported.assignments.values_list("user_id", "duty")) == [(team["director"].pk, "director")]
    assert "13912345678" not in reported.reporter_phone_enc
    assert reported.reporter_phone_masked != "13912345678"
    assert reported.reporter_phone_masked.endswith("5678")


def test_a_report_about_an_unknown_child_registers_the_child_as_unidentified(team):
    case = services.case_report(
        actor=team["director"],
        source="hotline",
        summary="12345热线：车站附近有一名独自流浪的男孩",
        reported_on=TODAY,
        unknown_child={
            "region_code": VILLAGE_A,
            "found_on": TODAY,
            "found_place": "汽车站候车厅",
            "description": "约八岁，男孩，蓝色外套",
            "sex": "M",
            "estimated_age": "8",
        },
    )
    record = UnidentifiedRecord.objects.get(person=case.child)
    assert record.kind == "child" and case.child.temp_number


def test_bad_input_on_a_report_changes_nothing_and_says_why_in_chinese(team, child):
    from minzheng.protection.models import ProtectionCase

    with pytest.raises(ValidationError) as e:
        services.case_report(
            actor=team["director"], source="x", summary="", reported_on=None, child_id=child.pk
        )
    assert "请选择报告来源" in str(e.value)
    assert not ProtectionCase.objects.exists()


def test_the_risk_assessment_scores_the_checklist_into_a_level_by_the_policy_lines(team, reported):
    ra = services.case_assess(actor=team["officer"], case=reported, answers=["sexual"])
    assert (ra.score, ra.level) == (40, "high")
    reported.refresh_from_db()
    assert reported.state == "assessed" and reported.risk_level == "high"


def test_a_child_director_may_report_but_not_assess(team, reported):
    with pytest.raises(ValidationError):
        services.case_assess(actor=team["director"], case=reported, answers=["injury"])


def test_the_whole_flow_runs_to_closure_only_once_every_measure_is_done(team, reported):
    case = _through_plan(team, reported)
    services.case_follow_up(actor=team["officer"], case=case, visited_on=TODAY, note="孩子情绪稳定")
    services.case_follow_up(actor=team["officer"], case=case, visited_on=TODAY, note="孩子已经返校")
    with pytest.raises(ValidationError, match="尚有未完成的保护措施"):
        services.case_close(actor=team["officer"], case=case, note="结案")
    for m in case.measures.all():
        services.measure_update(actor=team["officer"], case=case, measure_id=m.pk, status="done")
    services.case_close(actor=team["officer"], case=case, note="监护恢复，风险解除")
    case.refresh_from_db()
    assert case.state == "closed"
    steps = list(
        CaseEvent.objects.filter(case_type="protection.protectioncase", case_id=case.pk).values_list(
            "step", flat=True
        )
    )
    assert steps == ["report", "assess", "conference", "plan", "followup", "followup", "close"]


def test_each_open_step_runs_a_deadline_from_policy(team, reported):
    labels = {d.label: d.due for d in case_deadlines(workflow=PROTECTION, case=reported)}
    assert labels["风险评估期限"] == TODAY + dt.timedelta(days=1)
    assert labels["个案办结期限"] == TODAY + dt.timedelta(days=90)


def test_a_missed_assessment_deadline_is_on_the_overdue_list_and_the_home_todo(team, reported):
    later = TODAY + dt.timedelta(days=3)
    assert [c.pk for c, _ in overdue_cases(actor=team["director"], on=later)] == [reported.pk]
    todo = protection_todo(team["director"], later)
    assert todo.count == 1 and "风险评估期限" in todo.items[0].note
    assert protection_todo(team["director"], TODAY).count == 0


def _follow_up_overdue(case: Any) -> bool:
    return any(
        d.label == "跟踪回访期限" and d.overdue for d in case_deadlines(workflow=PROTECTION, case=case)
    )


def test_a_follow_up_restarts_the_follow_up_clock(team, reported):
    case = _through_plan(team, reported)
    CaseEvent.objects.filter(case_id=case.pk, to_state="planned").update(
        at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    assert any(
        d.label == "跟踪回访期限" and d.overdue for d in case_deadlines(workflow=PROTECTION, case=case)
    )
    services.case_follow_up(actor=team["officer"], case=case, visited_on=TODAY, note="回访见到儿童本人")
    assert not any(
        d.label == "跟踪回访期限" and d.overdue for d in case_deadlines(workflow=PROTECTION, case=case)
    )


def test_protection_cases_never_appear_in_the_shared_region_scoped_due_list(team, make_user, reported):
    later = TODAY + dt.timedelta(days=30)
    assert not [d for d in cases_due(actor=team["supervisor"], on=later) if d.workflow.code == "protection"]


def test_the_report_page_takes_a_report_about_an_unknown_child_found_in_a_chosen_village(team):
    from django.test import Client

    from minzheng.protection.models import ProtectionCase

    c = Client()
    c.force_login(team["director"])
    assert "发现地" in c.get("/protection/report/").content.decode()
    r = c.post(
        "/protection/report/",
        {
            "source": "mandatory",
            "reported_on": TODAY.isoformat(),
            "summary": "村委会强制报告：发现一名无人看护的幼童",
            "child_known": "no",
            "region_code": VILLAGE_A,
            "found_place": "村口小卖部",
            "description": "约五岁，女孩，红色上衣",
            "sex": "F",
            "estimated_age": "5",
        },
    )
    case = ProtectionCase.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/protection/{case.pk}/"
    assert case.child.temp_number and case.region_code == VILLAGE_A


def test_a_bad_report_on_the_page_says_why_and_saves_nothing(team):
    from django.test import Client

    from minzheng.protection.models import ProtectionCase

    c = Client()
    c.force_login(team["director"])
    r = c.post("/protection/report/", {"source": "", "summary": "", "child_id": "abc"})
    assert r.status_code == 200 and "请选择报告来源" in r.content.decode()
    assert not ProtectionCase.objects.exists()


def test_the_report_page_finds_a_known_child_by_the_full_id_number(team, child):
    from django.test import Client

    from minzheng.core import crypto
    from minzheng.protection.models import ProtectionCase

    c = Client()
    c.force_login(team["director"])
    r = c.post(
        "/protection/report/",
        {
            "source": "hospital",
            "reported_on": TODAY.isoformat(),
            "summary": "医院接诊发现旧伤",
            "child_known": "yes",
            "child_id_number": crypto.decrypt(child.id_number_enc),
        },
    )
    assert r.status_code == 302
    assert ProtectionCase.objects.get().child == child


def test_an_untouched_risk_form_and_an_empty_follow_up_are_refused_and_change_nothing(team, reported):
    with pytest.raises(ValidationError, match="未勾选任何风险因素"):
        services.case_assess(actor=team["officer"], case=reported, answers=[], note="")
    reported.refresh_from_db()
    assert reported.state == "reported" and not reported.assessments.exists()
    ra = services.case_assess(
        actor=team["officer"], case=reported, answers=[], note="入户核实，伤情系意外摔伤"
    )
    assert ra.score == 0
    with pytest.raises(ValidationError, match="回访情况"):
        services.case_follow_up(actor=team["officer"], case=reported, visited_on=TODAY, note="回访")
    assert not reported.followups.exists()
