"""The report form for a child without papers: the county's child-welfare officer may file it, and a
refused form keeps everything that was entered (性别 and 村 included)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.people.models import Person
from minzheng.protection.models import ProtectionCase
from tests.conftest import TOWN_A, VILLAGE_A

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _unknown_child(**over: str) -> dict[str, str]:
    data = {
        "source": "police",
        "reported_on": TODAY.isoformat(),
        "reporter_name": "王警官",
        "reporter_phone": "13912345678",
        "summary": "派出所在车站发现一名独自流浪的儿童",
        "child_known": "no",
        "place_county": VILLAGE_A[:6],
        "place_township": TOWN_A,
        "region_code": VILLAGE_A,
        "found_place": "火车站候车室",
        "sex": "F",
        "estimated_age": "7",
        "child_name": "小花",
        "description": "短发，红色外套，说本地口音",
    }
    data.update(over)
    return data


@pytest.mark.parametrize(
    "role,region", [(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6]), (Role.CHILD_SUPERVISOR, TOWN_A)]
)
def test_the_child_welfare_officer_and_the_supervisor_file_a_report_for_a_child_without_papers(
    make_user: Any, role: str, region: str
) -> None:
    c = Client()
    c.force_login(make_user(role, region))
    r = c.post("/protection/report/", _unknown_child())
    case = ProtectionCase.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/protection/{case.pk}/"
    assert case.child.region_code == VILLAGE_A and case.child.sex == "F" and not case.child.id_hash


def test_a_refused_report_keeps_every_value_entered_sex_and_village_included(make_user: Any) -> None:
    c = Client()
    c.force_login(make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6]))
    page = c.post("/protection/report/", _unknown_child(estimated_age="30")).content.decode()
    assert "估计年龄应小于18岁" in page
    assert not ProtectionCase.objects.exists() and not Person.objects.filter(name="小花").exists()
    assert '<option value="F" selected>' in page
    assert f'<option value="{VILLAGE_A}" selected>' in page
    assert f'<option value="{TOWN_A}" selected>' in page
    assert 'value="no" checked' in page and 'value="yes" checked' not in page
    for kept in ("王警官", "13912345678", "火车站候车室", "小花", "短发，红色外套，说本地口音", 'value="30"'):
        assert kept in page


def test_a_report_with_several_mistakes_says_them_all_at_once_and_keeps_what_was_typed(make_user: Any):
    c = Client()
    c.force_login(make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6]))
    bad = _unknown_child(
        reported_on="2026-13-45", summary="", estimated_age="30", found_place="", description="短"
    )
    page = c.post("/protection/report/", bad).content.decode()
    for said in ("报告日期", "请填写报告内容", "估计年龄应小于18岁", "请填写发现地点", "请填写体貌特征"):
        assert said in page, said
    assert "请填写发现日期" not in page  # the report date is the finding date: said once
    assert not ProtectionCase.objects.exists() and not Person.objects.filter(name="小花").exists()
    for kept in ("王警官", "13912345678", "小花", 'value="30"', "2026-13-45"):
        assert kept in page
