"""The desk pages of community rehabilitation (sites, who attends, a day's attendance, leaving) and of
assistive-device rental (catalogue, stock per site, loans and returns, the overdue list, Excel), and the
"why" of a subsidy decision in words: every path through the services, bad input refused in Chinese."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.disability import selectors, services
from minzheng.disability.models import (
    Attendance,
    DeviceLoan,
    DeviceStock,
    DeviceType,
    RehabEnrolment,
    RehabSite,
    SubsidyApplication,
)
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B

TODAY = timezone.localdate()


@pytest.fixture
def clerk(make_user):
    return make_user("township_clerk", TOWN_A)


@pytest.fixture
def desk(clerk) -> Client:
    c = Client()
    c.force_login(clerk)
    return c


@pytest.fixture
def site(clerk) -> RehabSite:
    return services.rehab_site_create(actor=clerk, name="仙营康复站", region_code=VILLAGE_A, capacity=2)


def _messages(r) -> str:
    return r.content.decode()


def test_the_why_page_shows_every_input_as_a_chinese_label_and_a_formatted_value(make_person, make_user):
    person = make_person(village=VILLAGE_A, name="肢残申请人")
    clerk, approver = make_user("township_clerk", TOWN_A), make_user("township_approver", TOWN_A)
    app = services.application_intake(
        actor=clerk,
        person=person,
        certificate_no=person.id_number + "21",
        grade=1,
        kind="physical",
        issued_on=dt.date(2022, 1, 1),
        household_dibao=True,
    )
    services.application_decide(actor=approver, application=app)
    c = Client()
    c.force_login(approver)
    page = c.get(reverse("disability-detail", args=[app.pk])).content.decode()
    inputs = page[page.index('id="disability-inputs"') :]
    for text in ("家庭享受低保</dt><dd>是", "特困供养人员</dt><dd>否", "残疾等级</dt><dd>一级"):
        assert text in inputs, text
    figures = page[page.index('id="disability-figures"') :]
    assert "元" in figures and "disability." not in page
    for raw in ("True", "False", "{'", "Decimal("):
        assert raw not in page, raw
    assert SubsidyApplication.objects.get(pk=app.pk).status == "approved"


def test_a_site_is_set_up_people_enrol_by_id_a_days_attendance_is_kept_and_someone_leaves(
    desk, clerk, make_person
):
    r = desk.post(
        reverse("disability-rehab"),
        {
            "name": "王邹康复站",
            "place_county": VILLAGE_A[:6],
            "place_township": TOWN_A,
            "region_code": VILLAGE_A,
            "capacity": "2",
        },
        follow=True,
    )
    assert "已新建康复站" in _messages(r)
    site = RehabSite.objects.get(name="王邹康复站")
    assert (
        site.region_code == VILLAGE_A
        and "王邹康复站" in desk.get(reverse("disability-rehab")).content.decode()
    )
    a, b, c = (make_person(village=VILLAGE_A, name=n) for n in ("甲康复", "乙康复", "丙康复"))
    url = reverse("disability-rehab-site", args=[site.pk])
    for p in (a, b):
        desk.post(url, {"id_number": p.id_number, "start_date": TODAY.isoformat()})
    r = desk.post(url, {"id_number": c.id_number, "start_date": TODAY.isoformat()}, follow=True)
    assert "康复站已满员" in _messages(r)
    page = desk.get(url).content.decode()
    assert "甲康复" in page and a.id_masked in page and a.id_number not in page and "空余0人" in page
    ea, eb = (RehabEnrolment.objects.get(site=site, person=p) for p in (a, b))
    desk.post(
        reverse("disability-rehab-attendance", args=[site.pk]),
        {"day": TODAY.isoformat(), f"mark_{ea.pk}": "present", f"mark_{eb.pk}": "leave"},
    )
    assert dict(Attendance.objects.values_list("enrolment_id", "mark")) == {ea.pk: "present", eb.pk: "leave"}
    page = desk.get(url).content.decode()
    records = page[page.index('id="attendance-records"') :]
    assert "到站" in records and "请假" in records and "present" not in records
    desk.post(
        reverse("disability-rehab-leave", args=[site.pk, eb.pk]),
        {"end_date": TODAY.isoformat(), "reason": "病情稳定回归家庭"},
    )
    eb.refresh_from_db()
    assert eb.end_date == TODAY and "病情稳定回归家庭" in desk.get(url).content.decode()


def test_bad_input_on_the_rehab_pages_says_why_in_chinese_and_changes_nothing(desk, site, make_person):
    for data, message in (
        ({"name": "某站", "region_code": VILLAGE_A, "capacity": "abc"}, "服务容量应为整数"),
        ({"name": "某站", "region_code": VILLAGE_A, "capacity": str(2**63)}, "服务容量超出合理范围"),
        ({"name": "某站", "region_code": "", "capacity": "5"}, ""),
    ):
        r = desk.post(reverse("disability-rehab"), data, follow=True)
        assert r.status_code == 200 and message in _messages(r)
    assert RehabSite.objects.count() == 1
    url = reverse("disability-rehab-site", args=[site.pk])
    person = make_person(village=VILLAGE_A)
    r = desk.post(url, {"id_number": person.id_number, "start_date": "9999-01-01"}, follow=True)
    assert "入站日期应在" in _messages(r)
    stranger = make_person(village=VILLAGE_B)
    r = desk.post(url, {"id_number": stranger.id_number, "start_date": TODAY.isoformat()}, follow=True)
    assert "未找到该身份证号的人员" in _messages(r)
    e = services.rehab_enrol(
        actor=desk.session and site and _actor(desk), site=site, person=person, start_date=TODAY
    )
    r = desk.post(
        reverse("disability-rehab-attendance", args=[site.pk]),
        {"day": "2026-02-30", f"mark_{e.pk}": "present"},
        follow=True,
    )
    assert "出勤日期格式应为" in _messages(r) and not Attendance.objects.exists()
    r = desk.post(
        reverse("disability-rehab-attendance", args=[site.pk]),
        {"day": TODAY.isoformat(), f"mark_{e.pk}": "x"},
        follow=True,
    )
    assert "出勤标记无效" in _messages(r) and not Attendance.objects.exists()
    assert RehabEnrolment.objects.count() == 1


def _actor(client: Client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_another_regions_site_and_loan_read_as_missing_and_others_are_refused(
    site, clerk, make_user, make_person
):
    other = Client()
    other.force_login(make_user("township_clerk", TOWN_B))
    assert other.get(reverse("disability-rehab-site", args=[site.pk])).status_code == 404
    assert other.get(reverse("disability-rehab-site", args=[987654])).status_code == 404
    assert other.post(reverse("disability-rehab-attendance", args=[site.pk]), {}).status_code == 404
    chair = services.device_type_create(actor=clerk, name="轮椅", loan_days=90)
    stock = services.device_stock_add(actor=clerk, site=site, device=chair, quantity=1)
    loan = services.device_lend(
        actor=clerk, stock=stock, person=make_person(village=VILLAGE_A), lent_on=TODAY
    )
    r = other.post(reverse("disability-device-return", args=[loan.pk]), {"returned_on": TODAY.isoformat()})
    assert r.status_code == 404 and DeviceLoan.objects.get(pk=loan.pk).returned_on is None
    loans = other.get(reverse("disability-devices")).content.decode().split('id="device-loans"')[1]
    assert "轮椅" not in loans.split("</table>")[0]
    outsider = Client()
    outsider.force_login(make_user("child_director", VILLAGE_A))
    for name in ("disability-rehab", "disability-devices", "disability-devices-overdue"):
        assert outsider.get(reverse(name)).status_code == 403


def test_a_device_is_catalogued_stocked_lent_falls_overdue_is_listed_exported_and_returned(
    desk, clerk, site, make_person
):
    desk.post(
        reverse("disability-device-catalogue"), {"name": '=HYPERLINK("http://x")轮椅', "loan_days": "30"}
    )
    chair = DeviceType.objects.get()
    desk.post(
        reverse("disability-device-stock"), {"site_id": site.pk, "device_id": chair.pk, "quantity": "2"}
    )
    stock = DeviceStock.objects.get()
    assert stock.on_hand == 2
    person = make_person(village=VILLAGE_A, name="借轮椅人")
    lent = TODAY - dt.timedelta(days=40)
    r = desk.post(
        reverse("disability-device-lend"),
        {"stock_id": stock.pk, "id_number": person.id_number, "lent_on": lent.isoformat()},
        follow=True,
    )
    assert "已借出" in _messages(r)
    loan = DeviceLoan.objects.get()
    assert loan.due_on == lent + dt.timedelta(days=30)
    overdue = desk.get(reverse("disability-devices-overdue")).content.decode()
    assert "借轮椅人" in overdue and person.id_masked in overdue and "逾期未还" in overdue
    assert person.id_number not in overdue
    todo = selectors.overdue_todo(clerk, TODAY)
    assert todo.count == 1 and todo.url == reverse("disability-devices-overdue")
    r = desk.post(reverse("disability-devices-export"), {"show": "overdue"})
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][0] == "借轮椅人" and cells[1][1] == person.id_masked and cells[1][-1] == "逾期未还"
    assert not str(cells[1][3]).startswith("=")
    assert AuditLog.objects.filter(event_type="export", target_type="disability.device_loan").count() == 1
    desk.post(reverse("disability-device-return", args=[loan.pk]), {"returned_on": TODAY.isoformat()})
    loan.refresh_from_db()
    stock.refresh_from_db()
    assert loan.returned_on == TODAY and stock.on_hand == 2
    assert "借轮椅人" not in desk.get(reverse("disability-devices-overdue")).content.decode()
    assert selectors.overdue_todo(clerk, TODAY).count == 0


def test_bad_input_on_the_device_pages_says_why_in_chinese_and_changes_nothing(
    desk, clerk, site, make_person
):
    for data, message in (
        ({"name": "助行器", "loan_days": "NaN"}, "租借期限（天）应为整数"),
        ({"name": "助行器", "loan_days": str(2**63)}, "租借期限（天）超出合理范围"),
    ):
        assert message in _messages(desk.post(reverse("disability-device-catalogue"), data, follow=True))
    assert not DeviceType.objects.exists()
    chair = services.device_type_create(actor=clerk, name="轮椅", loan_days=90)
    r = desk.post(
        reverse("disability-device-stock"),
        {"site_id": site.pk, "device_id": chair.pk, "quantity": "-5"},
        follow=True,
    )
    assert "入库数量应为1至1000" in _messages(r) and not DeviceStock.objects.exists()
    stock = services.device_stock_add(actor=clerk, site=site, device=chair, quantity=1)
    person = make_person(village=VILLAGE_A)
    for data, message in (
        ({"stock_id": stock.pk, "id_number": person.id_number, "lent_on": "9999-01-01"}, "借出日期应在"),
        (
            {"stock_id": "abc", "id_number": person.id_number, "lent_on": TODAY.isoformat()},
            "辅具库存应为整数",
        ),
        ({"stock_id": stock.pk, "id_number": "123", "lent_on": TODAY.isoformat()}, "未找到该身份证号的人员"),
    ):
        assert message in _messages(desk.post(reverse("disability-device-lend"), data, follow=True))
    assert not DeviceLoan.objects.exists() and DeviceStock.objects.get().on_hand == 1
    loan = services.device_lend(actor=clerk, stock=stock, person=person, lent_on=TODAY)
    r = desk.post(
        reverse("disability-device-return", args=[loan.pk]), {"returned_on": "2026-02-31"}, follow=True
    )
    assert "归还日期格式应为" in _messages(r) and DeviceLoan.objects.get().returned_on is None


def test_the_device_page_and_the_overdue_card_cost_a_fixed_number_of_queries(
    desk, clerk, site, make_person, django_assert_max_num_queries
):
    chair = services.device_type_create(actor=clerk, name="轮椅", loan_days=10)
    stock = services.device_stock_add(actor=clerk, site=site, device=chair, quantity=30)
    for i in range(12):
        person = make_person(village=VILLAGE_A, name=f"借用人{i}")
        services.device_lend(actor=clerk, stock=stock, person=person, lent_on=TODAY - dt.timedelta(days=20))
    with django_assert_max_num_queries(20):
        page = desk.get(reverse("disability-devices-overdue")).content.decode()
    assert page.count("逾期未还") >= 12
    with django_assert_max_num_queries(3):
        assert selectors.overdue_todo(clerk, TODAY).count == 12
    with django_assert_max_num_queries(20):
        desk.get(reverse("disability-rehab-site", args=[site.pk]))
