"""The audit log page: the auditor only (audit.read), dates in Beijing time, before → after per field, an
Excel export of exactly the filtered rows (itself audited), and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.audit.models import AuditLog
from minzheng.audit.services import audit_record

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _at(when: dt.datetime, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> AuditLog:
    monkeypatch.setattr(timezone, "now", lambda: when.astimezone(dt.UTC))
    try:
        return audit_record(region_code="370811001", **kw)
    finally:
        monkeypatch.undo()


@pytest.fixture
def auditor(make_user: Any) -> Any:
    return make_user("auditor", "370800")


def test_only_the_auditor_reads_the_log_and_the_refusal_is_audited(db, make_user, auditor):
    assert _client(auditor).get("/audit/").status_code == 200
    for role, region in (("sysadmin", "370800"), ("city_officer", "370800"), ("county_officer", "370811")):
        user = make_user(role, region)
        assert _client(user).get("/audit/").status_code == 403
        assert _client(user).post("/audit/").status_code == 403
        assert AuditLog.objects.filter(event_type="denied", actor_name=user.username).count() == 2


def test_the_date_filter_takes_whole_beijing_days(db, auditor, monkeypatch):
    # 00:30 Beijing on 3 March is still 2 March in UTC; 23:30 Beijing on 4 March is 4 March in both.
    early = _at(
        dt.datetime(2026, 3, 3, 0, 30, tzinfo=BEIJING),
        monkeypatch,
        actor=auditor,
        event_type="create",
        detail="三日凌晨",
    )
    late = _at(
        dt.datetime(2026, 3, 4, 23, 30, tzinfo=BEIJING),
        monkeypatch,
        actor=auditor,
        event_type="create",
        detail="四日深夜",
    )
    _at(
        dt.datetime(2026, 3, 2, 23, 59, tzinfo=BEIJING),
        monkeypatch,
        actor=auditor,
        event_type="create",
        detail="二日深夜",
    )
    _at(
        dt.datetime(2026, 3, 5, 0, 1, tzinfo=BEIJING),
        monkeypatch,
        actor=auditor,
        event_type="create",
        detail="五日凌晨",
    )
    page = _client(auditor).get("/audit/", {"from": "2026-03-03", "to": "2026-03-04"}).content.decode()
    assert early.detail in page and late.detail in page
    assert "二日深夜" not in page and "五日凌晨" not in page


def test_a_bad_date_gets_a_chinese_message_and_no_500(db, auditor):
    c = _client(auditor)
    page = c.get("/audit/", {"from": "2026-02-30"})
    assert page.status_code == 200 and "不是有效日期" in page.content.decode()
    page = c.get("/audit/", {"from": "2026-03-05", "to": "2026-03-01"})
    assert "起始日期不能晚于截止日期" in page.content.decode()


def test_changes_are_shown_old_to_new_per_field(db, auditor):
    audit_record(
        actor=auditor,
        event_type="update",
        target_type="policy.parameter",
        region_code="370811",
        old={"金额": 1000, "状态": "草稿", "备注": "同"},
        new={"金额": 1080, "状态": "已生效", "备注": "同"},
    )
    page = _client(auditor).get("/audit/").content.decode()
    assert "金额：<del>1000</del> → <ins>1080</ins>" in page
    assert "状态：<del>草稿</del> → <ins>已生效</ins>" in page
    assert "备注：" not in page  # unchanged fields are left out
    assert "任城区" in page  # region names, not codes


def test_the_export_holds_exactly_the_filtered_rows_neutralised_and_is_audited(db, auditor, monkeypatch):
    for day, detail in ((1, '=HYPERLINK("http://x")'), (2, "二日"), (3, "三日")):
        _at(
            dt.datetime(2026, 3, day, 12, 0, tzinfo=BEIJING),
            monkeypatch,
            actor=auditor,
            event_type="update",
            detail=detail,
            old={"a": 1},
            new={"a": 2},
        )
    response = _client(auditor).post("/audit/", {"from": "2026-03-01", "to": "2026-03-02", "event": "update"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 3
    assert {r[9] for r in rows[1:]} == {'\'=HYPERLINK("http://x")', "二日"}
    assert rows[1][1].startswith("2026-03-0") and rows[1][10] == "a：1 → 2"
    export = AuditLog.objects.get(event_type="export", target_type="audit.export")
    assert export.detail == "导出审计日志2条" and export.new["filters"]["date_from"] == "2026-03-01"


def test_the_page_takes_a_fixed_number_of_queries(db, auditor, make_user, django_assert_max_num_queries):
    clerk = make_user("township_clerk", "370811001")
    for i in range(60):
        audit_record(
            actor=clerk, event_type="update", region_code="370811001", old={"n": i}, new={"n": i + 1}
        )
    c = _client(auditor)
    with django_assert_max_num_queries(9):
        page = c.get("/audit/")
    shown = AuditLog.objects.order_by("-seq")[:50]
    assert page.status_code == 200 and page.content.decode().count("<ins>") == sum(
        e.new is not None for e in shown
    )
