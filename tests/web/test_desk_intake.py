"""The intake and trial forms: a tampered member id answers in Chinese, typed values survive a refusal,
only the chosen programme's section is shown, the place of emergency is a region cascade and the trial
calculation is a form whose result reads in Chinese."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils.html import escape

from minzheng.assistance.models import Application
from minzheng.core.idnumber import make_id_number
from tests.conftest import TOWN_A, VILLAGE_A
from tests.web.conftest import client_for


@pytest.fixture
def intake(make_household, make_user):
    hh = make_household(size=2)
    return hh, client_for(make_user("township_clerk", TOWN_A))


def _ids(hh):
    return [m.person_id for m in hh.memberships.order_by("id")]


@pytest.mark.parametrize("member", ["abc", "", "999999", "1.5"])
def test_a_tampered_member_id_answers_in_chinese_and_saves_nothing(intake, member):
    hh, c = intake
    ids = _ids(hh)
    response = c.post(f"/assistance/new/{hh.pk}/", {"programme": "dibao", "member": [ids[0], member]})
    assert response.status_code == 200
    assert "成员信息不正确" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_member_of_another_household_cannot_be_declared(intake, make_household):
    hh, c = intake
    stranger = _ids(make_household(size=1))[0]
    response = c.post(f"/assistance/new/{hh.pk}/", {"programme": "dibao", "member": [*_ids(hh), stranger]})
    assert "成员信息不正确" in response.content.decode() and Application.objects.count() == 0


def test_a_refused_intake_keeps_every_typed_value(intake):
    hh, c = intake
    ids = _ids(hh)
    data = {
        "programme": "tekun",
        "member": ids,
        f"monthly_wage_{ids[0]}": "812.5",
        f"other_income_{ids[1]}": "-3",
        f"self_care_{ids[0]}": "partial",
        f"disability_kind_{ids[1]}": "mental",
        "financial": "4321",
        "vehicle_kind": ["farm"],
        "care_mode": "centralised",
        "care_institution": "",
    }
    body = c.post(f"/assistance/new/{hh.pk}/", data).content.decode()
    assert "不能为负数" in body and Application.objects.count() == 0
    assert 'value="812.5"' in body and 'value="-3"' in body and 'value="4321"' in body
    assert '<option value="partial" selected>' in body and '<option value="mental" selected>' in body
    assert '<option value="centralised" selected>' in body and 'value="farm" checked' in body
    assert '<option value="tekun" selected>' in body


def _section(body, name):
    return re.search(rf'<fieldset data-programme="{name}" id="section-{name}"([^>]*)>', body).group(1)


def test_only_the_chosen_programmes_section_is_shown(intake):
    hh, c = intake
    body = c.get(f"/assistance/new/{hh.pk}/").content.decode()
    assert "hidden disabled" in _section(body, "tekun") and "hidden disabled" in _section(body, "temporary")
    body = c.post(f"/assistance/new/{hh.pk}/", {"programme": "temporary", "member": ["x"]}).content.decode()
    assert "hidden" not in _section(body, "temporary") and "hidden" in _section(body, "tekun")
    assert "<script>" not in body  # behaviour comes from static/js/app.js (CSP)


def test_fields_of_another_programme_are_not_saved(intake):
    hh, c = intake
    ids = _ids(hh)
    data = {"programme": "dibao", "member": ids, "care_mode": "centralised", "care_institution": "敬老院"}
    data.update({"emergency_kind": "urgent", "amount_requested": "5000", "region_code": VILLAGE_A})
    assert c.post(f"/assistance/new/{hh.pk}/", data).status_code == 302
    app = Application.objects.get()
    assert (app.care_mode, app.care_institution, app.emergency_kind, app.amount_requested) == (
        "",
        "",
        "",
        None,
    )


def test_the_place_of_emergency_is_a_county_township_village_cascade(intake):
    hh, c = intake
    body = c.get(f"/assistance/new/{hh.pk}/").content.decode()
    for name in ("place_county", "place_township", "region_code"):
        assert f'name="{name}"' in body
    assert 'data-cascade-next="#place-township"' in body and 'data-cascade-url="/regions/children/"' in body
    assert f'<option value="{hh.region_code}" selected>' in body  # the household's village by default
    children = c.get("/regions/children/", {"code": TOWN_A}).content.decode()
    assert f'value="{VILLAGE_A}"' in children


def test_a_temporary_application_takes_the_village_chosen_in_the_cascade(intake):
    hh, c = intake
    ids = _ids(hh)
    place = "370811001002"
    data = {
        "programme": "temporary",
        "member": ids,
        "emergency_kind": "urgent",
        "amount_requested": "800",
        "emergency_description": "火灾",
        "place_county": "370811",
        "place_township": TOWN_A,
        "region_code": place,
    }
    response = c.post(f"/assistance/new/{hh.pk}/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Application.objects.get().region_code == place


# ---------------------------------------------------------------- trial
def _trial(c, **extra):
    head = make_id_number("370811", dt.date(1975, 1, 1), 401, "M")
    child = make_id_number("370811", dt.date(2012, 6, 1), 402, "F")
    data = {
        "programme": "dibao",
        "hukou_type": "urban",
        "date": "2025-03-15",
        "place_county": "370811",
        "id_number_1": head,
        "relation_1": "head",
        "monthly_wage_1": "600",
        "employed_1": "on",
        "has_supporter_1": "on",
        "id_number_2": child,
        "relation_2": "child",
        "has_supporter_2": "on",
        "financial": "0",
        "residential_properties": "1",
        "business_capital": "0",
    }
    data.update(extra)
    return c.post("/assistance/trial/", data).content.decode()


def test_the_trial_is_a_form_whose_result_reads_in_chinese(intake, make_user):
    from minzheng.assistance.assess import assess

    c = client_for(make_user("county_officer", "370811"))
    page = c.get("/assistance/trial/").content.decode()
    assert 'name="id_number_1"' in page and 'name="case"' not in page and "{&quot;programme" not in page
    body = _trial(c)
    expected = assess(
        {
            "programme": "dibao",
            "date": "2025-03-15",
            "region": "370811",
            "hukou_type": "urban",
            "members": [
                {
                    "id_number": make_id_number("370811", dt.date(1975, 1, 1), 401, "M"),
                    "relation": "head",
                    "monthly_wage": 600,
                    "employed": True,
                },
                {"id_number": make_id_number("370811", dt.date(2012, 6, 1), 402, "F"), "relation": "child"},
            ],
            "assets": {"financial": 0, "vehicles": [], "residential_properties": 1, "business_capital": 0},
        }
    )
    assert 'id="trial-result"' in body
    assert f"{expected['monthly_amount']} 元" in body and "乡镇（街道）审批" in body
    for reason in expected["reasons"]:
        assert escape(reason["detail"]) in body
    assert "township" not in body.split('id="trial-result"')[1].split("</section>")[0]
    assert 'value="600"' in body  # the form keeps what was typed


def test_a_bad_trial_field_answers_in_chinese_and_keeps_the_form(intake, make_user):
    c = client_for(make_user("county_officer", "370811"))
    body = _trial(c, id_number_2="370811201206019999", monthly_wage_1="abc")
    assert 'id="trial-error"' in body and "第" in body
    assert 'value="abc"' in body and 'value="370811201206019999"' in body
    body = _trial(c, place_county="")
    assert "请选择所在地" in body


def test_a_temporary_trial_posts_the_amount_requested(intake, make_user):
    c = client_for(make_user("county_officer", "370811"))
    body = _trial(c, programme="temporary", amount_requested="30000")
    assert 'id="trial-result"' in body and "县级民政部门审批" in body
