from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from minzheng.accounts.models import Role
from minzheng.governance import selectors, services
from minzheng.governance.models import MatterType, WindowRequest
from minzheng.programmes.registry import Line, register_line, unregister_line
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user):
    return make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A)


def test_a_request_is_routed_to_the_registered_lines_page(desk, make_household):
    hh = make_household(village=VILLAGE_A)
    person = hh.memberships.get(relation="head").person
    dibao = MatterType.objects.get(name="低保申请")
    req = services.window_request_take(actor=desk, person=person, matter=dibao, note="家庭收入低")
    assert req.status == "routed"
    assert selectors.matter_link(dibao, person=person) == reverse("application-new", args=[hh.pk])
    funeral = MatterType.objects.get(target="funeral")
    assert selectors.matter_link(funeral, person=person) == f"{reverse('funeral-new')}?person={person.pk}"
    c = Client()
    c.force_login(desk)
    body = c.get(reverse("governance-window-request", args=[req.pk])).content.decode()
    assert reverse("application-new", args=[hh.pk]) in body and "最低生活保障" in body


def test_a_matter_whose_line_is_not_registered_is_not_taken(desk, make_person):
    person = make_person(village=VILLAGE_A)
    matter = MatterType.objects.create(name="新业务", target="nosuchline", url_name="home")
    assert selectors.matter_link(matter, person=person) == ""
    with pytest.raises(ValidationError, match="未启用"):
        services.window_request_take(actor=desk, person=person, matter=matter)
    register_line(Line(code="nosuchline", name="新业务线", app_label="governance"))
    try:
        assert services.window_request_take(actor=desk, person=person, matter=matter).matter == matter
    finally:
        unregister_line("nosuchline")
    assert WindowRequest.objects.count() == 1


def test_a_request_is_finished_once(desk, make_person):
    person = make_person(village=VILLAGE_A)
    req = services.window_request_take(
        actor=desk, person=person, matter=MatterType.objects.get(target="high_age")
    )
    services.window_request_finish(actor=desk, request=req, status="done")
    with pytest.raises(ValidationError):
        services.window_request_finish(actor=desk, request=req, status="withdrawn")


def test_the_window_page_takes_a_request_and_a_missing_person_is_a_chinese_message(desk, make_person):
    person = make_person(village=VILLAGE_A, name="窗口群众")
    matter = MatterType.objects.get(target="high_age")
    c = Client()
    c.force_login(desk)
    r = c.post(reverse("governance-window"), {"matter": matter.pk, "person": ""}, follow=True)
    assert "请选择人员" in r.content.decode()
    assert "窗口群众" in c.get(reverse("governance-window") + "?q=窗口群众").content.decode()
    r = c.post(reverse("governance-window"), {"matter": matter.pk, "person": person.pk})
    assert r.status_code == 302 and WindowRequest.objects.get().person == person


def test_zones_count_against_the_plans_targets(make_user):
    city = make_user(Role.CITY_OFFICER, "370800")
    zone = services.zone_create(
        actor=city,
        name="邹城市全国农村社区治理实验区",
        level="national",
        region_code="370883",
        approved_on=dt.date(2019, 7, 1),
    )
    services.zone_evaluate(
        actor=city, zone=zone, evaluated_on=dt.date(2021, 12, 1), evaluator="市民政局", conclusion="优秀"
    )
    counts = {z.level: z for z in selectors.zone_counts(actor=city, on=dt.date(2026, 1, 1))}
    assert counts["national"].count == 1 and counts["national"].target == 2
    assert counts["provincial"].count == 0 and counts["provincial"].target == 5
    assert "十四五" in counts["national"].source
    with pytest.raises(ValidationError, match="结论"):
        services.zone_evaluate(
            actor=city, zone=zone, evaluated_on=dt.date(2022, 1, 1), evaluator="x", conclusion="很好"
        )
    county = make_user(Role.COUNTY_OFFICER, "370811")
    with pytest.raises(ValidationError):
        services.zone_create(
            actor=county,
            name="越权",
            level="provincial",
            region_code="370883",
            approved_on=dt.date(2020, 1, 1),
        )
