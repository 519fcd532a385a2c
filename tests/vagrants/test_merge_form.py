"""The identity-merge preview a station worker reaches from a tracing: a person not yet registered needs
every field of the new registration, refused in Chinese naming the field, and the form keeps what was
typed."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from minzheng.people.models import Person, UnidentifiedRecord
from tests.conftest import VILLAGE_A, new_id


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _preview(c, record, **kw):
    data = {
        "step": "preview",
        "id_number": new_id("370811", dt.date(1960, 3, 1)),
        "note": "女儿到站辨认",
        "name": "熊军辉",
        "hukou_type": "rural",
        "hukou_region_code": VILLAGE_A,
    }
    data.update(kw)
    return data, c.post(f"/people/{record.person_id}/merge/", data)


def test_an_empty_hukou_type_is_refused_naming_the_field_and_the_typed_fields_stay(unknown_intake, staff):
    stay = unknown_intake()
    record = UnidentifiedRecord.objects.get(person=stay.person)
    data, response = _preview(_client(staff["officer"]), record, hukou_type="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择户口性质" in html and 'id="merge-compare"' not in html
    assert f'value="{data["id_number"]}"' in html
    assert 'value="女儿到站辨认"' in html and 'value="熊军辉"' in html
    assert f'<option value="{VILLAGE_A}" selected>' in html
    assert not Person.objects.filter(name="熊军辉").exists()


def test_each_missing_field_of_the_new_person_is_named(unknown_intake, staff):
    stay = unknown_intake()
    record = UnidentifiedRecord.objects.get(person=stay.person)
    _data, response = _preview(_client(staff["officer"]), record, name="", hukou_region_code="")
    html = response.content.decode()
    assert response.status_code == 400 and "请填写姓名" in html and "请选择户籍地" in html


def test_a_complete_new_person_reaches_the_side_by_side_confirmation(unknown_intake, staff):
    stay = unknown_intake()
    record = UnidentifiedRecord.objects.get(person=stay.person)
    _data, response = _preview(_client(staff["officer"]), record)
    assert response.status_code == 200 and 'id="merge-compare"' in response.content.decode()
