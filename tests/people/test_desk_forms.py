"""The desk forms keep what was typed, the person search finds phones and exports a neutralised file, and a
registration in one region cannot probe another region's registry."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditLog
from minzheng.core.idnumber import make_id_number
from minzheng.people.models import Household, Person, TransferRequest
from minzheng.people.services import NOT_IN_THIS_REGION, person_create, transfer_request_create
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _family_form(ids, number="NEW100", region=VILLAGE_A):
    data = {"number": number, "region_code": region, "hukou_type": "rural"}
    relations = ["head", "spouse", "child", "child", "parent", "grandchild"]
    for i, idn in enumerate(ids, start=1):
        data.update(
            {
                f"name_{i}": f"成员{i}",
                f"id_number_{i}": idn,
                f"relation_{i}": relations[i - 1],
                f"phone_{i}": f"1380000000{i}",
            }
        )
    return data


def _six_ids():
    return [
        make_id_number("370811", dt.date(1960 + 7 * i, 1 + i, 1 + i), 300 + i, "MF"[i % 2]) for i in range(6)
    ]


def test_one_bad_id_keeps_all_six_rows_and_names_the_bad_row_in_chinese(make_user):
    ids = _six_ids()
    bad = ids[4][:-1] + ("0" if ids[4][-1] != "0" else "1")
    data = _family_form([*ids[:4], bad, ids[5]])
    response = _client(make_user("township_clerk", TOWN_A)).post("/households/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    for i, idn in enumerate([*ids[:4], bad, ids[5]], start=1):
        assert f'value="{idn}"' in body and f'value="成员{i}"' in body and f'value="1380000000{i}"' in body
    assert 'id="row-error-5"' in body and "第5位成员" in body and "校验位" in body
    assert 'id="row-error-1"' not in body and 'id="row-error-6"' not in body
    assert '<option value="grandchild" selected>' in body  # the chosen relation stays chosen
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_every_bad_row_is_named_not_only_the_first(make_user):
    ids = _six_ids()
    data = _family_form([ids[0], ids[1][:10], ids[2], "X" * 18])
    body = _client(make_user("township_clerk", TOWN_A)).post("/households/new/", data).content.decode()
    assert 'id="row-error-2"' in body and 'id="row-error-4"' in body and 'id="row-error-3"' not in body


def test_a_row_number_in_the_error_is_the_row_of_the_form_even_after_a_blank_row(make_user):
    ids = _six_ids()
    data = _family_form([ids[0], "", ids[2][:-2]])
    data["name_2"] = ""
    body = _client(make_user("township_clerk", TOWN_A)).post("/households/new/", data).content.decode()
    assert 'id="row-error-3"' in body and "第3位成员" in body


def test_a_tampered_relation_or_region_answers_in_chinese_and_saves_nothing(make_user):
    c = _client(make_user("township_clerk", TOWN_A))
    data = _family_form(_six_ids()[:2])
    data["relation_2"] = "boss"
    response = c.post("/households/new/", data)
    assert response.status_code == 400 and "与户主关系不正确" in response.content.decode()
    data = _family_form(_six_ids()[:2], region="not-a-code")
    response = c.post("/households/new/", data)
    assert response.status_code == 400 and "不存在" in response.content.decode()
    assert Person.objects.count() == 0


def test_an_id_registered_in_another_region_gets_the_same_answer_as_one_that_cannot_be_registered(make_user):
    elsewhere = make_id_number("370812", dt.date(1975, 5, 5), 77, "M")
    person_create(
        actor=system_actor(purpose="测试数据"),
        id_number=elsewhere,
        name="外县人",
        hukou_type="urban",
        hukou_region_code=VILLAGE_B,
    )
    clerk = make_user("township_clerk", TOWN_A)
    with pytest.raises(ValidationError) as err:
        person_create(
            actor=clerk, id_number=elsewhere, name="某人", hukou_type="urban", hukou_region_code=VILLAGE_A
        )
    assert err.value.messages == [NOT_IN_THIS_REGION]
    assert "已登记" not in err.value.messages[0] and elsewhere[-4:] not in err.value.messages[0]


def test_the_household_number_of_another_region_is_not_confirmed(make_user, make_household):
    far = make_household(village=VILLAGE_B, size=1)
    data = _family_form(_six_ids()[:1], number=far.number)
    body = _client(make_user("township_clerk", TOWN_A)).post("/households/new/", data).content.decode()
    assert "已存在" not in body and "无法在本辖区使用该户编号" in body
    assert Person.objects.count() == 1  # only the far household's head


def test_a_clerk_is_routed_to_a_transfer_request_which_the_holding_region_sees(make_user):
    elsewhere = make_id_number("370812", dt.date(1975, 5, 5), 78, "F")
    person_create(
        actor=system_actor(purpose="测试数据"),
        id_number=elsewhere,
        name="外县人",
        hukou_type="urban",
        hukou_region_code=VILLAGE_B,
    )
    clerk = make_user("township_clerk", TOWN_A)
    c = _client(clerk)
    data = _family_form([elsewhere])
    body = c.post("/households/new/", data).content.decode()
    assert NOT_IN_THIS_REGION in body and "/people/transfer/" in body
    data["transfer_row"] = "1"
    response = c.post("/people/transfer/", data, follow=True)
    assert "已提交迁入（转移）申请" in response.content.decode()
    transfer = TransferRequest.objects.get()
    assert transfer.from_region_code == VILLAGE_B and transfer.to_region_code == VILLAGE_A
    assert elsewhere not in str(AuditLog.objects.filter(target_type="transfer_request").values())
    far_home = _client(make_user("township_clerk", TOWN_B)).get("/").content.decode()
    assert "迁入（转移）申请待核实" in far_home and transfer.id_masked in far_home
    assert transfer.id_masked not in c.get("/").content.decode()


def test_a_transfer_for_a_number_held_nowhere_is_accepted_the_same_way(make_user):
    nowhere = make_id_number("370812", dt.date(1980, 5, 5), 79, "F")
    clerk = make_user("township_clerk", TOWN_A)
    transfer = transfer_request_create(actor=clerk, id_number=nowhere, name="某人", to_region_code=VILLAGE_A)
    assert transfer.from_region_code == ""
    with pytest.raises(ValidationError, match="只有"):
        transfer_request_create(
            actor=make_user("county_finance", "370811"),
            id_number=nowhere,
            name="某人",
            to_region_code=VILLAGE_A,
        )


# ---------------------------------------------------------------- search: phone, export
def test_the_search_finds_a_person_by_full_phone_number_and_shows_it_masked(make_person, make_user):
    found = make_person(name="电话人", phone="13912345678")
    make_person(name="别人", phone="13912345679")
    body = (
        _client(make_user("township_clerk", TOWN_A)).post("/people/", {"q": "139 1234 5678"}).content.decode()
    )
    assert "电话人" in body and "别人" not in body
    assert "139****5678" in body and "13912345678" not in body
    assert Person.objects.get(pk=found.pk).phone_hash  # found through the blind index, not decryption


def test_the_excel_export_is_a_download_with_formula_cells_neutralised_and_audited(make_person, make_user):
    make_person(name='=HYPERLINK("http://x")')
    make_person(name="@SUM(A1)")
    clerk = make_user("township_clerk", TOWN_A)
    before = AuditLog.objects.filter(event_type="export").count()
    response = _client(clerk).post("/people/export.xlsx", {"q": ""})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert AuditLog.objects.filter(event_type="export").count() == before + 1


def test_the_export_button_is_not_an_htmx_swap(make_user):
    body = _client(make_user("township_clerk", TOWN_A)).get("/people/").content.decode()
    button = body[body.index('id="export-xlsx"') - 60 : body.index('id="export-xlsx"') + 200]
    assert 'data-submit-to="/people/export.xlsx"' in button and 'type="button"' in button
    assert "hx-post" not in button
