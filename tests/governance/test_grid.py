from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from minzheng.accounts.models import Role
from minzheng.governance import selectors, services
from minzheng.governance.models import BuildingHead, GridAppointment, Placement
from tests.conftest import TOWN_A, VILLAGE_A

from .conftest import GRID_A, GRID_A2

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["户编号", "网格代码", "楼栋", "单元", "户"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("p.xlsx", out.getvalue())


def test_a_grid_worker_sees_only_the_households_of_their_own_grid(placed, wangge):
    mine = placed(GRID_A)
    other = placed(GRID_A2)
    ids = set(selectors.grid_households(actor=wangge).values_list("household_id", flat=True))
    assert mine.pk in ids
    assert other.pk not in ids


def test_the_grid_page_lists_the_workers_households_and_another_grids_household_is_404(placed, wangge):
    mine = placed(GRID_A, building="7号楼")
    other = placed(GRID_A2)
    c = _login(wangge)
    page = c.get(reverse("governance-grid"))
    assert page.status_code == 200
    assert reverse("governance-household", args=[mine.pk]) in page.content.decode()
    assert reverse("governance-household", args=[other.pk]) not in page.content.decode()
    assert c.get(reverse("governance-household", args=[mine.pk])).status_code == 200
    assert c.get(reverse("governance-household", args=[other.pk])).status_code == 404
    assert c.get(reverse("governance-household", args=[987654321])).status_code == 404


def test_the_household_page_shows_the_seven_level_address(placed, wangge):
    hh = placed(GRID_A, building="3号楼", unit="2", room="502")
    body = _login(wangge).get(reverse("governance-household", args=[hh.pk])).content.decode()
    for part in ("济宁市", "任城区", "安祥社区", "第1网格", "3号楼", "2单元502"):
        assert part in body, part


def test_the_grid_list_costs_a_fixed_number_of_queries(placed, wangge, django_assert_max_num_queries):
    for i in range(8):
        placed(GRID_A, room=f"{i}01")
    c = _login(wangge)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("governance-grid")).status_code == 200


def test_a_household_of_another_community_cannot_be_placed_in_the_grid(make_household, clerk):
    hh = make_household(village="370811001002")
    with pytest.raises(ValidationError, match="不属于"):
        services.household_place(actor=clerk, household=hh, grid_code=GRID_A, building="1号楼")
    assert not Placement.objects.filter(household=hh).exists()


def test_another_townships_clerk_may_not_place_households_in_the_grid(make_household, clerk_b):
    hh = make_household(village=VILLAGE_A)
    with pytest.raises(ValidationError):
        services.household_place(actor=clerk_b, household=hh, grid_code=GRID_A, building="1号楼")


def test_placing_again_moves_the_household(placed, clerk):
    hh = placed(GRID_A)
    services.household_place(actor=clerk, household=hh, grid_code=GRID_A2, building="9号楼")
    p = Placement.objects.get(household=hh)
    assert (p.grid_code, p.building) == (GRID_A2, "9号楼")


def test_the_excel_import_places_every_row(make_household, clerk):
    a, b = make_household(village=VILLAGE_A), make_household(village=VILLAGE_A)
    n = services.placements_import(
        actor=clerk, upload=_xlsx([[a.number, GRID_A, "1号楼", 1, 101], [b.number, GRID_A2, "2号楼", "", ""]])
    )
    assert n == 2
    assert Placement.objects.get(household=a).room == "101"
    assert Placement.objects.get(household=b).grid_code == GRID_A2


def test_a_formula_cell_or_a_bad_row_rejects_the_whole_import_in_chinese(make_household, clerk):
    a, b = make_household(village=VILLAGE_A), make_household(village=VILLAGE_A)
    upload = _xlsx(
        [
            [a.number, GRID_A, "1号楼", 1, 101],
            [b.number, GRID_A, '=HYPERLINK("http://x","1")', 1, 102],
            ["NOPE", GRID_A, "1号楼", 1, 103],
            [a.number, "370811001001999", "1号楼", 1, 104],
        ]
    )
    with pytest.raises(ValidationError) as e:
        services.placements_import(actor=clerk, upload=upload)
    text = "\n".join(e.value.messages)
    assert "第3行" in text and "公式" in text
    assert "第4行" in text and "不存在" in text
    assert "第5行" in text
    assert "第2行" not in text
    assert not Placement.objects.exists()  # nothing half-written


def test_the_import_page_reports_bad_rows_and_changes_nothing(make_household, clerk):
    a = make_household(village=VILLAGE_A)
    r = _login(clerk).post(
        reverse("governance-place"), {"file": _xlsx([[a.number, "bad", "1号楼", "", ""]])}, follow=True
    )
    assert r.status_code == 200
    assert "第2行" in r.content.decode()
    assert not Placement.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(clerk):
    with pytest.raises(ValidationError, match="Excel"):
        services.placements_import(actor=clerk, upload=SimpleUploadedFile("p.xlsx", b"not a workbook"))


def test_a_building_head_is_appointed_with_a_masked_phone(make_person, clerk, wangge):
    person = make_person(village=VILLAGE_A, name="楼长甲")
    head = services.building_head_appoint(
        actor=clerk,
        person=person,
        grid_code=GRID_A,
        building="1号楼",
        phone="13912345678",
        appointed_on=_day(),
    )
    assert head.phone_masked.startswith("139") and "12345678" not in head.phone_masked
    body = _login(wangge).get(reverse("governance-grid")).content.decode()
    assert "楼长甲" in body and "13912345678" not in body
    # a new head of the same building replaces the old one
    other = make_person(village=VILLAGE_A, name="楼长乙")
    services.building_head_appoint(
        actor=clerk, person=other, grid_code=GRID_A, building="1号楼", appointed_on=_day()
    )
    assert list(BuildingHead.objects.filter(active=True).values_list("person__name", flat=True)) == ["楼长乙"]


def test_a_grid_worker_is_appointed_to_the_grid_their_account_is_bound_to(clerk, wangge, make_user):
    appointment = services.grid_appoint(actor=clerk, worker=wangge, grid_code=GRID_A, appointed_on=_day())
    assert appointment.grid_code == GRID_A
    with pytest.raises(ValidationError, match="所属区划"):
        services.grid_appoint(actor=clerk, worker=wangge, grid_code=GRID_A2, appointed_on=_day())
    not_a_grid_worker = make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A)
    with pytest.raises(ValidationError, match="网格员账号"):
        services.grid_appoint(actor=clerk, worker=not_a_grid_worker, grid_code=GRID_A, appointed_on=_day())
    assert GridAppointment.objects.count() == 1


def test_the_grid_export_is_audited_and_neutralises_formulas(placed, wangge, clerk):
    from openpyxl import load_workbook

    from minzheng.audit.models import AuditLog
    from minzheng.people.models import Household

    hh = placed(GRID_A)
    # an address as the exchange may bring it (people's registry keeps whatever the source said)
    Household.objects.filter(pk=hh.pk).update(address="=1+1")
    r = _login(wangge).get(reverse("governance-grid-export"))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert hh.number in values
    assert "'=1+1" in values
    assert AuditLog.objects.filter(event_type="export", target_type="governance.placement").exists()


def test_a_village_assistant_is_refused_the_grid_page(make_user):
    c = _login(make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A))
    assert c.get(reverse("governance-grid")).status_code == 403
    assert c.get(reverse("governance-place")).status_code == 403


def test_the_township_clerk_places_one_household_on_the_page(make_household, clerk):
    hh = make_household(village=VILLAGE_A)
    r = _login(clerk).post(
        reverse("governance-place"),
        {"number": hh.number, "grid_code": GRID_A, "building": "5号楼", "unit": "1", "room": "301"},
    )
    assert r.status_code == 302
    assert Placement.objects.get(household=hh).building == "5号楼"
    assert TOWN_A in GRID_A


def _day() -> Any:
    import datetime as dt

    return dt.date(2026, 1, 5)
