"""临时救助 "where the emergency happens, no hukou limit" and dibao where a residence-permit holder lives
(issue 19, seed 002): the desk registers a family whose hukou is outside the city where it lives, and
opens a temporary case for a household registered outside the clerk's region, the case belonging to the
place of the emergency."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minzheng.assistance.models import Application
from minzheng.people.models import Household, Person
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B, new_id

OUT_OF_CITY = "410105001001"  # 郑州市金水区: not a region of this city


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_desk_registers_a_family_whose_hukou_is_outside_the_city_where_it_lives(make_user: Any) -> None:
    clerk = _client(make_user("township_clerk", TOWN_A))
    head_id = new_id("410105")
    r = clerk.post(
        "/households/new/",
        {
            "number": "JZZ0001",
            "region_code": VILLAGE_A,
            "hukou_type": "urban",
            "hukou_region_code": OUT_OF_CITY,
            "name_1": "外地户主",
            "id_number_1": head_id,
            "relation_1": "head",
        },
    )
    assert r.status_code == 302, r.content.decode()[:800]
    household = Household.objects.get(number="JZZ0001")
    head = Person.objects.get(name="外地户主")
    assert household.region_code == VILLAGE_A  # registered where it lives
    assert head.hukou_code == OUT_OF_CITY and head.hukou_region is None  # the hukou elsewhere is kept
    assert head.region_code == VILLAGE_A
    assert "外地户籍" in clerk.get(f"/people/{head.pk}/").content.decode()


def test_a_residence_permit_family_applies_for_dibao_where_it_lives(make_user: Any) -> None:
    clerk_user = make_user("township_clerk", TOWN_A)
    clerk = _client(clerk_user)
    clerk.post(
        "/households/new/",
        {
            "number": "JZZ0002",
            "region_code": VILLAGE_A,
            "hukou_type": "urban",
            "hukou_region_code": OUT_OF_CITY,
            "name_1": "居住证户主",
            "id_number_1": new_id("410105"),
            "relation_1": "head",
        },
    )
    household = Household.objects.get(number="JZZ0002")
    head = household.memberships.get().person
    r = clerk.post(
        f"/assistance/new/{household.pk}/",
        {
            "programme": "dibao",
            "member": [head.pk],
            "financial": "0",
            "residential_properties": "0",
            "business_capital": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:800]
    app = Application.objects.get()
    assert app.region_code == VILLAGE_A  # the case's region is the residence
    assert app.applicant.hukou_code == OUT_OF_CITY


def test_a_bad_hukou_place_is_refused_in_chinese_and_saves_nothing(make_user: Any) -> None:
    clerk = _client(make_user("township_clerk", TOWN_A))
    r = clerk.post(
        "/households/new/",
        {
            "number": "JZZ0003",
            "region_code": VILLAGE_A,
            "hukou_type": "urban",
            "hukou_region_code": "41A",
            "name_1": "外地户主",
            "id_number_1": new_id("410105"),
            "relation_1": "head",
        },
    )
    assert r.status_code == 400
    assert "户籍地区划代码应为6、9或12位数字" in r.content.decode()
    assert not Household.objects.filter(number="JZZ0003").exists()


def test_a_temporary_case_opens_for_a_household_outside_the_clerks_region_where_the_emergency_happens(
    make_user: Any, make_household: Any
) -> None:
    elsewhere = make_household(village=VILLAGE_B, size=2)  # another county's household
    head = elsewhere.memberships.get(relation="head").person
    clerk = _client(make_user("township_clerk", TOWN_A))
    assert clerk.get(f"/assistance/new/{elsewhere.pk}/").status_code == 404  # not the clerk's household
    r = clerk.post(
        "/assistance/temporary/elsewhere/",
        {
            "id_number": head.id_number,
            "name": head.name,
            "region_code": VILLAGE_A,
            "emergency_kind": "urgent",
            "amount_requested": "1500",
            "emergency_description": "途经本地遭遇车祸",
        },
    )
    assert r.status_code == 302, r.content.decode()[:800]
    app = Application.objects.get()
    assert app.programme == "temporary" and app.household == elsewhere and app.applicant == head
    assert app.region_code == VILLAGE_A  # the case belongs to where the emergency happens
    assert clerk.get(f"/assistance/{app.pk}/").status_code == 200


def test_a_wrong_name_reads_like_nobody_and_opens_nothing(make_user: Any, make_household: Any) -> None:
    elsewhere = make_household(village=VILLAGE_B, size=1)
    head = elsewhere.memberships.get().person
    clerk = _client(make_user("township_clerk", TOWN_A))
    answers = []
    for id_number, name in ((head.id_number, "别人"), (new_id("370812"), head.name)):
        r = clerk.post(
            "/assistance/temporary/elsewhere/",
            {
                "id_number": id_number,
                "name": name,
                "region_code": VILLAGE_A,
                "emergency_kind": "urgent",
                "amount_requested": "800",
            },
        )
        assert r.status_code == 400
        answers.append(r.content.decode().count("未找到身份证号与姓名相符的登记人员"))
    assert answers == [1, 1]
    assert not Application.objects.exists()


def test_the_emergency_place_must_be_in_the_clerks_region(make_user: Any, make_household: Any) -> None:
    elsewhere = make_household(village=VILLAGE_B, size=1)
    head = elsewhere.memberships.get().person
    clerk = _client(make_user("township_clerk", TOWN_A))
    r = clerk.post(
        "/assistance/temporary/elsewhere/",
        {
            "id_number": head.id_number,
            "name": head.name,
            "region_code": VILLAGE_B,
            "emergency_kind": "urgent",
            "amount_requested": "800",
        },
    )
    assert r.status_code in (400, 403)
    assert not Application.objects.exists()


def test_the_hukou_place_outside_the_city_is_chosen_province_city_county_and_shown_by_its_name(
    make_user: Any,
) -> None:
    clerk = _client(make_user("township_clerk", TOWN_A))
    form = clerk.get("/households/new/").content.decode()
    assert '<option value="340000">安徽省</option>' in form and 'id="hukou-county"' in form
    assert (
        '<option value="370000">山东省</option>' in form
    )  # the province stays: its other cities are elsewhere
    cities = clerk.get("/regions/divisions/", {"code": "340000"}).content.decode()
    assert '<option value="340100">合肥市</option>' in cities
    assert (
        "370800" not in clerk.get("/regions/divisions/", {"code": "370000"}).content.decode()
    )  # 济宁: own tree
    counties = clerk.get("/regions/divisions/", {"code": "340100"}).content.decode()
    assert '<option value="340104">蜀山区</option>' in counties
    r = clerk.post(
        "/households/new/",
        {
            "number": "JZZ0004",
            "region_code": VILLAGE_A,
            "hukou_type": "urban",
            "hukou_province": "340000",
            "hukou_city": "340100",
            "hukou_place": "340104",
            "name_1": "合肥户主",
            "id_number_1": new_id("340104"),
            "relation_1": "head",
        },
    )
    assert r.status_code == 302, r.content.decode()[:800]
    head = Person.objects.get(name="合肥户主")
    assert head.hukou_code == "340104" and head.hukou_region is None
    page = clerk.get(f"/people/{head.pk}/").content.decode()
    assert "安徽省合肥市蜀山区（外地户籍）" in page and "340104（" not in page


def test_a_hukou_code_the_national_list_does_not_know_is_refused_and_the_chosen_place_is_kept(
    make_user: Any,
) -> None:
    clerk = _client(make_user("township_clerk", TOWN_A))
    data = {
        "number": "JZZ0005",
        "region_code": VILLAGE_A,
        "hukou_type": "urban",
        "hukou_region_code": "419999",
        "name_1": "外地户主",
        "id_number_1": new_id("410105"),
        "relation_1": "head",
    }
    r = clerk.post("/households/new/", data)
    assert r.status_code == 400 and "不在全国县级行政区划代码表中" in r.content.decode()
    assert not Household.objects.filter(number="JZZ0005").exists()
    data.update(hukou_region_code="", hukou_place="340104", id_number_1="bad")
    page = clerk.post("/households/new/", data).content.decode()
    assert '<option value="340104" selected>蜀山区</option>' in page
    assert '<option value="340100" selected>合肥市</option>' in page
