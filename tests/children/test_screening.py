"""儿童基本生活保障 from a screening run: the allowance stops in the month the child turns 18, through
the action the children line registered; its trial calculation and desk field come from the registry."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from minzheng.assistance.assess import assess
from minzheng.benefits.services import enrolment_create
from minzheng.monitoring import services as mon
from minzheng.monitoring.models import Alert
from minzheng.people.models import Person

MONTH = "2025-07"


def test_a_child_turning_18_leaves_the_allowance_from_the_screening_run(city, city_files):
    dead = set(pq.read_table(city_files / MONTH / "deaths.parquet")["id_number"].to_pylist())
    person = next(
        p
        for p in Person.objects.filter(birth_date__year=2007, birth_date__month=7)
        if p.id_number not in dead
    )
    enrolment = enrolment_create(
        actor=None,
        programme="child",
        person=person,
        household=None,
        amount=1400,
        first_month=dt.date(2024, 1, 1),
    )
    run = mon.screening_run(actor=city, month=MONTH)
    enrolment.refresh_from_db()
    assert enrolment.last_month == dt.date(2025, 6, 1) and "年满18周岁" in enrolment.end_reason
    assert run.summary["automatic"]["child_end"] >= 1
    alert = Alert.objects.get(run=run, rule="child_end", person=person)
    assert alert.work_status == "closed" and alert.note == "系统自动办理"


def test_the_child_trial_needs_a_category_and_refuses_an_unknown_one(db):
    case = {
        "programme": "child",
        "date": "2021-06-01",
        "region": "370811",
        "hukou_type": "rural",
        "members": [{"id_number": "370811201001010655", "relation": "head"}],
    }
    with pytest.raises(ValidationError, match="儿童类别child_category"):
        assess(case)
    case["members"][0]["child_category"] = "orphanish"
    with pytest.raises(ValidationError, match="第1位成员的儿童类别取值“orphanish”无效"):
        assess(case)
    case["members"][0]["child_category"] = "scattered_orphan"
    assert assess(case)["monthly_amount"] == 1400


def test_the_trial_page_offers_the_category_the_children_line_registered(make_user):
    c = Client()
    c.force_login(make_user("county_officer", "370811"))
    page = c.get(reverse("assistance-trial")).content.decode()
    assert 'name="child_category_1"' in page and "社会散居孤儿" in page and 'data-programme="child"' in page
    body = c.post(
        reverse("assistance-trial"),
        {
            "programme": "child",
            "hukou_type": "rural",
            "date": "2021-06-01",
            "place_county": "370811",
            "id_number_1": "370811201001010655",
            "relation_1": "head",
            "child_category_1": "scattered_orphan",
            "residential_properties": "1",
        },
    ).content.decode()
    assert 'id="trial-result"' in body and "1400 元" in body
    assert '<option value="scattered_orphan" selected>' in body
