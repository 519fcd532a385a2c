import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from minzheng.audit.models import AuditLog
from minzheng.facilities.models import Facility
from minzheng.facilities.services import facility_create
from tests.conftest import TOWN_A, TOWN_B


def test_an_officer_registers_a_facility_with_beds_and_coordinates_and_it_is_audited(officer: Any) -> None:
    f = facility_create(
        actor=officer,
        name="仁和养老院",
        kind="nursing_home",
        operator="仁和公司",
        address="南路2号",
        region_code=TOWN_A,
        beds_total=120,
        beds_nursing=90,
        status="licensed",
        star_rating=3,
        latitude=Decimal("35.414"),
        longitude=Decimal("116.587"),
    )
    assert (f.beds_total, f.beds_nursing, f.get_kind_display()) == (120, 90, "养老院")
    assert AuditLog.objects.filter(target_type="facilities.facility", target_id=str(f.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("beds_nursing", 200, "护理型床位不能多于床位总数"),
        ("kind", "hotel", "请选择设施类型"),
        ("star_rating", 9, "星级"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(
    officer: Any, field: str, value: Any, message: str
) -> None:
    data = dict(
        name="甲",
        kind="nursing_home",
        operator="乙",
        address="丙",
        region_code=TOWN_A,
        beds_total=100,
        beds_nursing=10,
    )
    data[field] = value
    with pytest.raises(ValidationError, match=message):
        facility_create(actor=officer, **data)
    assert not Facility.objects.exists()


def test_an_officer_cannot_register_a_facility_in_another_county(officer: Any) -> None:
    with pytest.raises(ValidationError):
        facility_create(
            actor=officer, name="甲", kind="canteen", operator="乙", address="丙", region_code=TOWN_B
        )


def test_the_list_filters_by_type_and_exports_excel_with_an_audit_row(
    client: Any, officer: Any, home: Facility, django_assert_max_num_queries: Any
) -> None:
    facility_create(
        actor=officer,
        name="东街食堂",
        kind="canteen",
        operator="东街社区",
        address="东街",
        region_code=TOWN_A,
        area_m2=80,
    )
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        page = client.get("/facilities/?kind=canteen").content.decode()
    assert "东街食堂" in page and home.name not in page
    resp = client.get("/facilities/?export=xlsx")
    ws = load_workbook(io.BytesIO(resp.content)).active
    names = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert names == {"东街食堂", home.name}
    assert AuditLog.objects.filter(target_type="facilities.export").exists()


def test_the_registration_form_shows_a_chinese_message_on_bad_numbers(client: Any, officer: Any) -> None:
    client.force_login(officer)
    resp = client.post(
        "/facilities/new/",
        {
            "name": "甲",
            "kind": "canteen",
            "operator": "乙",
            "address": "丙",
            "place_township": TOWN_A,
            "beds_total": "十",
            "status": "filed",
        },
    )
    assert resp.status_code == 200
    assert "床位总数应为整数" in resp.content.decode()
    assert not Facility.objects.exists()


def test_a_formula_as_a_facility_name_is_refused_on_the_form_and_nothing_is_saved(
    client: Any, officer: Any
) -> None:
    client.force_login(officer)
    resp = client.post(
        "/facilities/new/",
        {
            "name": '=HYPERLINK("http://evil.example","敬老院")',
            "kind": "canteen",
            "operator": "乙",
            "address": "丙",
            "place_township": TOWN_A,
            "beds_total": "0",
            "beds_nursing": "0",
            "status": "filed",
        },
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "设施名称不能以" in body, body[body.find("<main") :][:1500]
    assert not Facility.objects.exists()


def test_a_formula_as_a_care_workers_or_companions_name_is_refused(
    officer: Any, home: Facility, admit: Any, carer: Any
) -> None:
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError

    from minzheng.facilities.models import CareWorker, Outing
    from minzheng.facilities.services import care_worker_create, outing_request

    with pytest.raises(ValidationError, match="护理员姓名不能以"):
        care_worker_create(actor=officer, facility=home, name="@SUM(1+1)")
    with pytest.raises(ValidationError, match="陪同人不能以"):
        outing_request(
            actor=carer,
            residency=admit(),
            reason="探亲",
            leave_on=dt.date.today(),  # noqa: DTZ011
            return_by=dt.date.today(),  # noqa: DTZ011
            companion="=1+1",
        )
    assert not CareWorker.objects.exists() and not Outing.objects.exists()
