"""Names are stored as typed, so what is typed is checked: a name that a spreadsheet would read as a formula
(leading = + - @) or that hides control characters is refused at entry with a Chinese message, and nothing
is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.core.idnumber import make_id_number
from minzheng.core.inputs import form_name
from minzheng.people.models import Person
from minzheng.people.services import person_create, unidentified_register
from tests.conftest import TOWN_A, VILLAGE_A

BAD = ['=HYPERLINK("http://x")', "+86张三", "-张三", "@SUM(A1)", "张\t三", "张\n三", "张\u202e三", "张\x07三"]


@pytest.mark.parametrize("bad", BAD)
def test_the_core_validator_refuses_formula_leads_and_control_characters(bad: str) -> None:
    with pytest.raises(ValidationError) as e:
        form_name(bad, "姓名")
    assert "姓名" in e.value.messages[0]


def test_the_core_validator_keeps_ordinary_names() -> None:
    for ok in ("张三", "阿依古丽·买买提", "O'Brien", "李-明"):  # a hyphen inside is a name, not a formula
        assert form_name(f"  {ok} ", "姓名") == ok
    assert form_name("", "自报姓名", required=False) == ""
    with pytest.raises(ValidationError, match="请填写姓名"):
        form_name("  ", "姓名")


@pytest.mark.parametrize("bad", ["=1+1", "@cmd", "王\x0b五"])
def test_a_person_with_a_formula_or_control_character_name_is_not_registered(db: Any, bad: str) -> None:
    with pytest.raises(ValidationError):
        person_create(
            actor=system_actor(purpose="测试数据"),
            id_number=make_id_number(VILLAGE_A[:6], dt.date(1980, 3, 3), 7, "M"),
            name=bad,
            hukou_type="urban",
            hukou_region_code=VILLAGE_A,
        )
    assert not Person.objects.exists()


def test_an_unidentified_persons_self_reported_name_is_checked_too(make_user: Any) -> None:
    clerk = make_user("township_clerk", TOWN_A)
    with pytest.raises(ValidationError) as e:
        unidentified_register(
            actor=clerk,
            kind="vagrant",
            region_code=VILLAGE_A,
            found_on=timezone.localdate(),
            found_place="火车站广场",
            description="中等身材，灰色外套",
            sex="M",
            estimated_age=50,
            name="-李四",
        )
    assert "自报姓名" in str(e.value)
    assert not Person.objects.exists()


def test_the_household_form_answers_a_formula_name_in_chinese(make_user: Any) -> None:
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    got = c.post(
        "/households/new/",
        {
            "number": "H20260001",
            "region_code": VILLAGE_A,
            "hukou_type": "urban",
            "name_1": "=cmd|' /C calc'!A0",
            "id_number_1": make_id_number(VILLAGE_A[:6], dt.date(1970, 1, 1), 3, "M"),
            "relation_1": "head",
        },
    )
    assert got.status_code == 400
    assert "不能以" in got.content.decode()
    assert not Person.objects.exists()
