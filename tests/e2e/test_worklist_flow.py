"""Browser run of the screening worklist loop (跟踪): a township clerk sees the month's alerts for the
township, acknowledges one, and a dismissal without a reason is refused until a reason is given."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login

pytestmark = pytest.mark.e2e


def test_a_clerk_works_the_screening_worklist_in_the_browser(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from minzheng.core.masking import mask_id_number
    from minzheng.monitoring.models import Alert, ScreeningRun

    hh, rows = family("E2E0003", [("郑守义", "head", dt.date(1950, 2, 2), "M", "51")])
    run = ScreeningRun.objects.create(month="2025-07", status="published")
    person = hh.memberships.get().person
    alerts = [
        Alert.objects.create(
            run=run,
            month="2025-07",
            rule=rule,
            rule_name=name,
            severity=sev,
            severity_rank=rank,
            id_hash=person.id_hash + str(rank),
            id_masked=mask_id_number(rows[0]["id_number"]),
            household_no=hh.number,
            person=person,
            household=hh,
            region_code=hh.region_code,
            evidence={"人均收入": "300"},
            trend="new",
            difficulty_index=72,
        )
        for rule, name, sev, rank in [
            ("discovery_dibao", "疑似符合低保条件未纳入", "medium", 1),
            ("margin_household", "低保边缘家庭", "low", 2),
        ]
    ]
    page = browser_page
    login(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/monitoring/")
    table = page.inner_text("#alerts")
    assert "疑似符合低保条件未纳入" in table and "低保边缘家庭" in table and "72" in table
    assert rows[0]["id_number"] not in page.content()
    first = page.locator("#alerts tbody tr").first
    first.locator("select[name=action]").select_option("acknowledge")
    first.locator("button[type=submit]").click()
    page.wait_for_selector("text=已处理")
    row = page.locator("#alerts tbody tr", has_text="低保边缘家庭")
    row.locator("select[name=action]").select_option("dismiss")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=排除预警必须说明理由")
    row = page.locator("#alerts tbody tr", has_text="低保边缘家庭")
    row.locator("select[name=action]").select_option("dismiss")
    row.locator("input[name=note]").fill("已核实：家庭成员本月新就业，收入超过边缘线")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=已处理")
    statuses = {a.rule: Alert.objects.get(pk=a.pk).work_status for a in alerts}
    assert statuses == {"discovery_dibao": "acknowledged", "margin_household": "dismissed"}
