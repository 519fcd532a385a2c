"""Browser run of a minor-protection case: the child director takes a report; the county's child-welfare
officer assigns the township supervisor and assesses; the supervisor conferences, plans and follows up;
the officer closes it. Every step shows its deadline; an unassigned director gets 404 on the case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e

VILLAGE = "370811001001"


def test_a_protection_case_runs_from_report_to_closure_and_stays_hidden_from_the_unassigned(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.protection.models import ProtectionCase

    director = staff("zhuren", "child_director", VILLAGE)
    staff("zhuren2", "child_director", VILLAGE)
    supervisor = staff("dudao", "child_supervisor", "370811001")
    officer = staff("kezhang", "child_welfare_officer", "370811")
    # The case log names people as people read them (姓名（角色）), never by their login.
    for user, name in ((director, "孙主任"), (supervisor, "周督导"), (officer, "吴科长")):
        user.display_name = name
        user.save(update_fields=["display_name"])
    _, rows = family(
        "E2EP001",
        [
            ("孔德明", "head", dt.date(1985, 2, 3), "M", "31"),
            ("孔小雨", "child", dt.date(2016, 6, 1), "F", "32"),
        ],
    )
    today = timezone.localdate().isoformat()
    base, page = live_server.url, browser_page

    login(page, base, "zhuren")
    page.goto(f"{base}/protection/report/")
    page.select_option("select[name=source]", "school")
    page.fill("input[name=reported_on]", today)
    page.fill("input[name=reporter_name]", "班主任")
    page.fill("input[name=reporter_phone]", "13800001111")
    page.fill("textarea[name=summary]", "学生手臂有多处淤青，自述被家人打伤")
    page.fill("input[name=child_id_number]", rows[1]["id_number"])
    page.click("#report-form button")
    page.wait_for_selector("#case-state")
    case_url = page.url
    assert "待风险评估" in page.inner_text("#case-state")
    deadlines = page.inner_text("#deadlines")
    assert "风险评估期限：应于" in deadlines and "个案办结期限：应于" in deadlines
    assert "13800001111" not in page.content()
    case = ProtectionCase.objects.get()

    login(page, base, "kezhang")
    page.goto(case_url)
    page.select_option("#assign-form select[name=user_id]", str(supervisor.pk))
    page.select_option("#assign-form select[name=duty]", "supervisor")
    page.click("#assign-form button")
    page.check("#assess-form input[value=injury]")
    page.check("#assess-form input[value=guardian_harm]")
    page.click("#assess-form button")
    page.wait_for_selector("text=个案会商期限")
    assert "高风险（50分）" in page.inner_text("#risk-level")

    login(page, base, "dudao")
    page.goto(case_url)
    page.fill("#conference-form input[name=held_on]", today)
    page.fill("#conference-form input[name=participants]", "儿童督导员、派出所、学校")
    page.fill("#conference-form textarea[name=decisions]", "临时监护并转介公安机关")
    page.click("#conference-form button")
    page.wait_for_selector("#plan-form")
    assert "制定保护方案期限" in page.inner_text("#deadlines")
    page.check("#plan-form input[value=guardianship]")
    page.fill("#plan-form input[name=detail_guardianship]", "区未成年人救助保护中心临时监护")
    page.click("#plan-form button")
    page.wait_for_selector("#measures")
    assert "跟踪回访期限" in page.inner_text("#deadlines")
    page.select_option("#measures select[name=status]", "done")
    page.click("#measures button")
    page.fill("#followup-form input[name=visited_on]", today)
    page.fill("#followup-form textarea[name=note]", "孩子情绪稳定，已返校")
    page.click("#followup-form button")
    page.wait_for_selector("text=跟踪回访中")

    login(page, base, "kezhang")
    page.goto(case_url)
    page.fill("#close-form textarea[name=note]", "监护恢复，风险解除")
    page.click("#close-form button")
    page.wait_for_selector("text=已结案")
    case.refresh_from_db()
    assert case.state == "closed"
    history = page.inner_text("#history")
    for text in ("孙主任（儿童主任）", "周督导（儿童督导员）", "吴科长（儿童福利科）", "风险评估", "结案"):
        assert text in history, text
    for login_name in ("zhuren", "dudao", "kezhang"):
        assert login_name not in history

    login(page, base, "zhuren2")
    response = page.goto(case_url)
    assert response is not None and response.status == 404
    page.goto(f"{base}/protection/?q=孔小雨")
    assert "孔小雨" not in page.inner_text("#protection-cases")
