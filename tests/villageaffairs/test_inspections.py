from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.villageaffairs import selectors, services
from minzheng.villageaffairs.models import Finding, FindingState
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B

from .conftest import client

TODAY = timezone.localdate()


def _inspection(actor, mode="unannounced", held_on=None):
    return services.inspection_create(
        actor=actor, region_code=TOWN_A, mode=mode, held_on=held_on or TODAY, villages=[VILLAGE_A]
    )


def test_a_finding_is_rectified_by_the_village_and_checked_by_someone_else(assistant, clerk, approver):
    i = _inspection(clerk)
    f = services.finding_add(
        actor=clerk,
        inspection=i,
        region_code=VILLAGE_A,
        problem="财务公开栏未更新",
        rectify_by=TODAY + dt.timedelta(days=10),
    )
    services.finding_rectify(actor=clerk, finding=f, rectification="已更新并张贴")
    with pytest.raises(ValidationError, match="不同人员"):
        services.finding_check(actor=clerk, finding=f, passed=True)
    assert selectors.finding_actions(actor=clerk, finding=f) == []
    services.finding_check(actor=approver, finding=f, passed=False, note="照片不清楚")
    assert Finding.objects.get(pk=f.pk).state == FindingState.OPEN
    f.refresh_from_db()
    services.finding_rectify(actor=assistant, finding=f, rectification="重新拍照上传")
    services.finding_check(actor=clerk, finding=f, passed=True)
    assert Finding.objects.get(pk=f.pk).state == FindingState.CLOSED


def test_a_failed_check_needs_a_reason_and_a_village_outside_the_inspection_is_refused(clerk, approver):
    i = _inspection(clerk)
    with pytest.raises(ValidationError, match="不在本次检查范围"):
        services.finding_add(
            actor=clerk,
            inspection=i,
            region_code=VILLAGE_B,
            problem="x",
            rectify_by=TODAY + dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="应在检查单位辖区内"):
        services.inspection_create(
            actor=clerk, region_code=TOWN_A, mode="open", held_on=TODAY, villages=[VILLAGE_B]
        )
    f = services.finding_add(
        actor=clerk, inspection=i, region_code=VILLAGE_A, problem="x", rectify_by=TODAY + dt.timedelta(days=1)
    )
    services.finding_rectify(actor=clerk, finding=f, rectification="改了")
    with pytest.raises(ValidationError, match="复核意见"):
        services.finding_check(actor=approver, finding=f, passed=False, note="")


def test_counts_per_year_split_open_and_unannounced_inspections_and_closed_findings(
    clerk, approver, make_user
):
    last_year = TODAY - dt.timedelta(days=200)
    _inspection(clerk, mode="open", held_on=last_year)
    i = _inspection(clerk, mode="unannounced")
    _inspection(clerk, mode="unannounced")
    f = services.finding_add(
        actor=clerk, inspection=i, region_code=VILLAGE_A, problem="x", rectify_by=TODAY + dt.timedelta(days=1)
    )
    services.finding_rectify(actor=clerk, finding=f, rectification="改了")
    services.finding_check(actor=approver, finding=f, passed=True)
    counts = {
        r["year"]: r for r in selectors.inspection_counts(actor=make_user(Role.COUNTY_OFFICER, "370811"))
    }
    this = counts[TODAY.year]
    if last_year.year == TODAY.year:
        assert (this["total"], this["open"], this["unannounced"]) == (3, 1, 2)
    else:
        assert (this["total"], this["open"], this["unannounced"]) == (2, 0, 2)
        assert counts[last_year.year]["open"] == 1
    assert (this["findings"], this["closed"]) == (1, 1)


def test_the_pages_record_an_inspection_a_finding_and_its_rectification(assistant, clerk, approver):
    c = client(clerk)
    r = c.post(
        "/villageaffairs/inspections/",
        {"mode": "open", "held_on": TODAY.isoformat(), "villages": [VILLAGE_A]},
    )
    assert r.status_code == 302
    pk = int(r.url.rstrip("/").rsplit("/", 1)[-1])
    c.post(
        f"/villageaffairs/inspections/{pk}/finding/",
        {
            "village": VILLAGE_A,
            "problem": "未公开低保名单",
            "rectify_by": (TODAY + dt.timedelta(days=7)).isoformat(),
        },
    )
    f = Finding.objects.get()
    a = client(assistant)
    assert "未公开低保名单" in a.get("/villageaffairs/inspections/").content.decode()
    a.post(f"/villageaffairs/findings/{f.pk}/rectify/", {"version": 0, "rectification": "已张贴"})
    page = client(approver).get(f"/villageaffairs/findings/{f.pk}/").content.decode()
    assert 'id="act-pass"' in page
    client(approver).post(f"/villageaffairs/findings/{f.pk}/pass/", {"version": 1})
    assert Finding.objects.get().state == FindingState.CLOSED
    bad = c.post(
        "/villageaffairs/inspections/", {"mode": "open", "held_on": "2026-99-01", "villages": [VILLAGE_A]}
    )
    assert bad.status_code == 200 and "检查日期" in bad.content.decode()
