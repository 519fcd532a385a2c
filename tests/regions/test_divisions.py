"""The national division list (省、地级、县级) a hukou place outside the city is chosen from: its own table,
apart from the city's region tree, loaded by the regions migration from the vendored GB/T 2260 file."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.regions.models import Division, Region
from minzheng.regions.selectors import division_cascade, division_name, division_options

pytestmark = pytest.mark.django_db


def test_the_list_holds_every_province_and_about_three_thousand_counties_apart_from_the_city_tree():
    assert Division.objects.filter(level="province").count() == 31
    assert 2900 < Division.objects.filter(level="county").count() < 3300
    assert not Region.objects.filter(code="340104").exists()  # the city's tree stays the city's


def test_a_place_reads_as_province_city_county_without_the_grouping_rows_of_the_statistics_code():
    assert division_name("340104") == "安徽省合肥市蜀山区"
    assert division_name("410105001001") == "河南省郑州市金水区"  # a 12-digit code by its county
    assert division_name("110101") == "北京市东城区"  # not 北京市市辖区东城区
    assert division_name("429004") == "湖北省仙桃市"
    assert division_name("419999") == ""


def test_a_city_without_counties_is_itself_the_place_and_the_city_own_counties_are_not_offered():
    assert [d.code for d in division_options("441900")] == ["441900"]  # 东莞市
    assert "370800" not in {d.code for d in division_options("370000")}
    levels = division_cascade("441900")
    assert [lvl["selected"] for lvl in levels] == ["440000", "441900", "441900"]


def test_the_cascade_endpoint_answers_signed_in_users_only_and_ignores_a_malformed_code(make_user: Any):
    assert Client().get("/regions/divisions/", {"code": "340000"}).status_code == 302
    c = Client()
    c.force_login(make_user("township_clerk", "370811001"))
    assert "<option" in c.get("/regions/divisions/", {"code": "340000"}).content.decode()
    assert "合肥" not in c.get("/regions/divisions/", {"code": "34'--"}).content.decode()
