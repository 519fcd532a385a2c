"""民政驾驶舱 demo data: the plan targets the system holds no data for, entered by the city officer (shiji)
with their evidence through the cockpit's service, and the twelve months' figures, so the trend reads the
real history (enrolments in payment, payrolls, the screening's alerts) from the first opening. The closed
months are stored now and frozen; the open month is live (recomputed when its figures are older than a few
minutes). It runs after every other line's demo (`LAST`), so the frozen months hold what they seeded."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from minzheng.accounts.models import Role, User
from minzheng.cockpit.selectors import months_back
from minzheng.cockpit.services import (
    cockpit_month_compute,
    stat_report_file,
    stat_report_generate,
    target_value_enter,
)

LAST = True  # sums what the other lines seeded


ENTRIES = (
    ("governance_zones", 2021, "3", "济宁市民政局关于社区治理实验区创建情况的报告（2021年度）"),
    ("governance_zones", 2022, "4", "山东省民政厅关于确认省级社区治理实验区的通知"),
    ("governance_zones", 2023, "5", "民政部办公厅关于确认全国社区治理和服务创新实验区的通知"),
    ("township_staff", 2022, "0.82", "2022年度乡镇（街道）社会救助经办人员配备统计表"),
    ("township_staff", 2023, "0.93", "2023年度乡镇（街道）社会救助经办人员配备统计表"),
    ("community_orgs_urban", 2023, "11.2", "2023年度社区社会组织备案统计年报"),
    ("community_orgs_rural", 2023, "7.4", "2023年度社区社会组织备案统计年报"),
)


def seed(*, actor: Any, seed: int) -> str:
    officer = User.objects.filter(username="shiji").first() or (
        User.objects.filter(role=Role.CITY_OFFICER, is_active=True).order_by("pk").first()
    )
    if officer is None or officer.region is None:
        return "民政驾驶舱：无市级账号，未登记规划目标数值"
    for code, year, value, evidence in ENTRIES:
        target_value_enter(actor=officer, target_code=code, year=year, value=value, evidence=evidence)
    months = months_back(timezone.localdate().replace(day=1))
    for month in months:
        cockpit_month_compute(actor=actor, month=month)
    # 统计报表: last month's city report generated and filed by the city officer, so the list shows a
    # locked report beside the drafts a reader generates
    last_month = months[-2]
    report = stat_report_generate(
        actor=officer, kind="monthly", period=last_month, region_code=officer.region.code
    )
    stat_report_file(actor=officer, report=report, unit_head="王建国")
    return (
        f"民政驾驶舱：登记规划目标数值{len(ENTRIES)}条，汇总近{len(months)}个月指标，"
        f"报出{last_month:%Y年%m月}全市统计月报"
    )
