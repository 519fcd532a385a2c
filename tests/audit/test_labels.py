"""The audit page reads in Chinese: targets, fields and chosen values by their names, moments to the
minute in Beijing time; a line may register its own wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from minzheng.audit.selectors import audit_changes, audit_target_label
from minzheng.audit.services import audit_record
from minzheng.core.labels import AUDIT_FIELDS, AUDIT_TARGETS, register_audit_labels


@pytest.fixture
def auditor(make_user: Any) -> Any:
    return make_user("auditor", "370800")


def _page(user: Any) -> str:
    c = Client()
    c.force_login(user)
    return c.get("/audit/").content.decode()


def test_a_sign_up_check_in_reads_as_the_app_and_model_names_with_the_status_label_and_minute(db, auditor):
    audit_record(
        actor=auditor,
        event_type="update",
        target_type="volunteers.signup",
        target_id="7",
        region_code="370811",
        old={"status": "signed"},
        new={"status": "checked_in", "checked_in_at": "2026-11-30T06:05:41.123456+00:00"},
    )
    page = _page(auditor)
    assert "志愿服务和社会工作·活动报名" in page
    assert "状态：<del>已报名</del> → <ins>已签到</ins>" in page
    assert "签到时间：<del>—</del> → <ins>2026-11-30 14:05</ins>" in page
    for raw in ("volunteers.signup", "checked_in", "status：", "2026-11-30T06:05"):
        assert raw not in page


def test_the_time_column_shows_beijing_time_to_the_minute(db, auditor):
    entry = audit_record(actor=auditor, event_type="update", target_type="policy", region_code="370811")
    shown = entry.created_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    page = _page(auditor)
    assert f">{shown:%Y-%m-%d %H:%M}</time>" in page


@pytest.mark.parametrize(
    ("target_type", "label"),
    [
        ("person.merge", "人员·身份合并"),
        ("application.objection", "救助申请·公示异议"),
        ("enrolment.dibao", "保障待遇"),
        ("funeralcase.state", "身后一件事·办理状态"),
        ("exchange.importjob", "数据交换·导入任务"),
        ("audit.export", "审计日志·导出"),
        ("no_such_thing", "系统记录"),
    ],
)
def test_a_target_type_without_registered_wording_falls_back_to_names_never_the_code(target_type, label):
    assert audit_target_label(target_type) == label


@pytest.fixture
def restored_labels():
    targets, fields = dict(AUDIT_TARGETS), dict(AUDIT_FIELDS)
    yield
    AUDIT_TARGETS.clear()
    AUDIT_TARGETS.update(targets)
    AUDIT_FIELDS.clear()
    AUDIT_FIELDS.update(fields)


def test_a_line_registers_its_own_wording_for_a_target_and_a_field(db, auditor, restored_labels):
    register_audit_labels({"visits.checkin": "报平安打卡"}, {"mood": "心情"})
    entry = audit_record(
        actor=auditor,
        event_type="create",
        target_type="visits.checkin",
        region_code="370811",
        new={"mood": "好"},
    )
    assert audit_target_label("visits.checkin") == "报平安打卡"
    assert [(c.field, c.new) for c in audit_changes(entry)] == [("心情", "好")]


def test_an_entry_whose_model_is_not_resolved_still_reads_its_fields_values_and_regions_in_chinese(
    db, auditor
):
    entry = audit_record(
        actor=auditor,
        event_type="create",
        target_type="vagrant.intake",  # a type no model is named after
        target_id="1",
        region_code="370811",
        new={"found_by": "police", "id_number": "3708**********1234", "region_code": "370811"},
    )
    shown = {c.field: c.new for c in audit_changes(entry)}
    assert shown["发现方式"] == "公安机关护送"
    assert "found_by" not in shown and "id_number" not in shown and "region_code" not in shown
    assert "370811" not in "".join(shown.values())
