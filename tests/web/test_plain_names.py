"""People read names, never codes: the auditor's 首页 and log name the account holder, the monitoring
worklist names the region and writes money as money, the capability assessment names its items."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.test import Client

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.labels import rule_version_label
from minzheng.regions.models import Region
from tests.conftest import TOWN_A

from .conftest import alert

GOLDEN = Path(__file__).parents[1] / "elderly" / "golden" / "capability_cases.json"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _named(make_user: Any, role: str, region: str, name: str, username: str) -> Any:
    user = make_user(role, region, username=username)
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def test_the_auditors_home_and_log_name_the_account_holder_not_the_login_name(make_user: Any) -> None:
    clerk = _named(make_user, "township_clerk", TOWN_A, "王秀兰", "wangxl7")
    audit_record(
        actor=clerk,
        event_type=AuditEvent.EXPORT,
        target_type="people",
        region_code=TOWN_A,
        detail="导出人员3条",
    )
    auditor = make_user("auditor", "370800")
    c = _client(auditor)
    for url in ("/", "/audit/"):
        page = c.get(url).content.decode()
        assert "王秀兰（乡镇经办）" in page, url
        assert "wangxl7" not in page, url
    log = c.get("/audit/").content.decode()
    assert ">ok<" not in log and "成功" in log  # the outcome in words


def test_the_monitoring_worklist_names_the_region_and_writes_money_as_money(
    make_household: Any, make_user: Any
) -> None:
    hh = make_household(size=2)
    a = alert(hh)
    a.evidence = {"人均收入": 794.0, "低保标准": 719, "在世人数": 2, "就业成本扣减比例": 0.2}
    a.save(update_fields=["evidence"])
    page = _client(make_user("county_officer", "370811")).get("/monitoring/").content.decode()
    row = page[page.index('id="alerts"') :]
    assert "人均收入：794元" in row and "低保标准：719元" in row and "在世人数：2" in row
    assert "就业成本扣减比例：20%" in row
    assert "794.0" not in row
    village = Region.objects.get(code=hh.region_code).name
    town = Region.objects.get(code=hh.region_code[:9]).name
    assert hh.region_code not in row and f"<td>{town} {village}</td>" in row  # township + village


def test_a_rule_version_reads_as_the_date_of_its_policy_rows() -> None:
    assert rule_version_label("20250601-0123456789ab") == "按2025年6月1日施行的政策参数"
    assert not re.search(r"[0-9a-f]{12}", rule_version_label("20250601-0123456789ab"))
    assert rule_version_label("") == "—"
