"""What a walker of the resident flow found (issue #20, 指尖办): a refused form keeps what was typed and
says why next to the field; a second application while one is in progress is refused naming it (the
household locked, a partial unique index behind it); the clerk reads every declared fact by name; and
the disability 两项补贴 is offered online, landing in that line's intake."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from minzheng.citizen import selectors
from minzheng.citizen.models import OnlineApplication, OnlineState
from minzheng.disability import selectors as disability_selectors
from minzheng.disability.models import Status, SubsidyApplication
from minzheng.regions.models import Region
from tests.citizen.conftest import VILLAGE_A, staff_client
from tests.citizen.test_applications import _apply, _form


def test_a_bad_amount_keeps_what_the_resident_typed_and_says_why_under_the_field(citizen_client, resident):
    head = resident["head"]
    form = _form(
        resident,
        emergency_kind="expense",
        description="孩子住院，自付医疗费三万元",
        amount_requested="三千",
        **{f"monthly_wage_{head.pk}": "1234.5"},
    )
    r = citizen_client.post("/citizen/apply/temporary/", form)
    page = r.content.decode()
    assert r.status_code == 200 and not OnlineApplication.objects.exists()
    assert '<p class="field-error">申请金额应为整数</p>' in page
    assert 'name="amount_requested" inputmode="numeric" value="三千" aria-invalid="true"' in page
    assert "孩子住院，自付医疗费三万元</textarea>" in page
    assert f'name="monthly_wage_{head.pk}" inputmode="decimal" value="1234.5"' in page
    assert '<option value="expense" selected>' in page
    assert f'value="{head.name}"' in page  # the signature too


def test_a_bad_income_is_marked_on_that_members_field(citizen_client, resident):
    child = resident["child"]
    r = _apply(citizen_client, resident, **{f"other_income_{child.pk}": "很多"})
    page = r.content.decode()
    assert f'name="other_income_{child.pk}" inputmode="decimal" value="很多" aria-invalid="true"' in page
    assert "王小明的收入应为数字" in page and not OnlineApplication.objects.exists()


def test_a_duplicate_names_the_waiting_application_and_its_status(citizen_client, resident):
    _apply(citizen_client, resident)
    r = _apply(citizen_client, resident)
    today = timezone.localdate()
    assert f"您家已于{today:%Y-%m-%d}在网上提交最低生活保障申请（待受理），请勿重复申请" in r.content.decode()
    assert OnlineApplication.objects.count() == 1


def test_a_case_in_progress_at_the_desk_refuses_a_new_online_application_of_the_programme(
    citizen_client, resident, staff
):
    _apply(citizen_client, resident)
    online = OnlineApplication.objects.get()
    staff_client(staff["clerk"]).post(f"/citizen/desk/{online.pk}/", {"action": "accept"})
    r = _apply(citizen_client, resident)
    assert "最低生活保障申请（已受理），正在办理中，请勿重复申请" in r.content.decode()
    assert OnlineApplication.objects.count() == 1
    # another programme is not a duplicate
    form = _form(resident, emergency_kind="urgent", description="火灾", amount_requested="2000")
    r = citizen_client.post("/citizen/apply/temporary/", form)
    assert r.status_code == 302 and OnlineApplication.objects.count() == 2


def test_the_database_keeps_one_waiting_application_per_household_and_programme(citizen_client, resident):
    _apply(citizen_client, resident)
    first = OnlineApplication.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        OnlineApplication.objects.create(
            programme="dibao",
            household=first.household,
            applicant=first.applicant,
            region_code=first.region_code,
            signed_name=first.signed_name,
            signed_at=first.signed_at,
        )
    first.state = OnlineState.RETURNED
    first.save(update_fields=["state"])
    assert _apply(citizen_client, resident).status_code == 302  # a returned one may be sent again


def test_the_clerk_reads_the_household_by_head_and_village_and_every_declared_fact(
    citizen_client, resident, staff
):
    form = _form(
        resident, emergency_kind="urgent", description="房屋失火", amount_requested="3000", financial="1500"
    )
    citizen_client.post("/citizen/apply/temporary/", form)
    online = OnlineApplication.objects.get()
    page = staff_client(staff["clerk"]).get(f"/citizen/desk/{online.pk}/").content.decode()
    village = Region.objects.get(code=VILLAGE_A).name
    assert f"户主 {resident['head'].name}" in page and village in page
    assert resident["household"].number not in page
    assert resident["head"].id_number not in page and resident["head"].id_masked in page
    assert resident["child"].id_masked in page and "<td>子女</td>" in page
    assert "急难型" in page and "房屋失火" in page and "3000" in page
    assert "家庭存款等金融资产（元）" in page and "1500.00" in page


def _disability_form(resident, **extra):
    form = {
        "certificate_no": resident["head"].id_number + "14",
        "kind": "physical",
        "grade": "1",
        "issued_on": "2015-03-01",
        "household_dibao": "on",
        "authorised": "on",
        "signed_name": resident["head"].name,
    }
    form.update(extra)
    return form


def test_the_disability_subsidies_are_offered_online_by_their_chinese_name(citizen_client):
    page = citizen_client.get("/citizen/me/").content.decode()
    assert "残疾人两项补贴（困难残疾人生活补贴、重度残疾人护理补贴）" in page
    form = citizen_client.get("/citizen/apply/dis_living/").content.decode()
    assert 'name="certificate_no"' in form and "肢体残疾" in form and 'name="monthly_wage_' not in form


def test_a_bad_certificate_is_refused_by_the_lines_rule_next_to_the_field(citizen_client, resident):
    r = citizen_client.post("/citizen/apply/dis_living/", _disability_form(resident, certificate_no="123"))
    page = r.content.decode()
    assert r.status_code == 200 and not OnlineApplication.objects.exists()
    assert '<p class="field-error">残疾人证号格式不正确' in page
    assert 'value="123" aria-invalid="true"' in page and '<option value="physical" selected>' in page
    r = citizen_client.post(
        "/citizen/apply/dis_living/", _disability_form(resident, certificate_no="110101199001011234" + "14")
    )
    assert "残疾人证号与申请人身份证号不一致" in r.content.decode()


def test_an_online_disability_application_lands_in_the_lines_intake_and_the_resident_follows_it(
    citizen_client, resident, staff
):
    r = citizen_client.post("/citizen/apply/dis_living/", _disability_form(resident))
    assert r.status_code == 302, r.content.decode()[:800]
    online = OnlineApplication.objects.get()
    assert online.declared["facts"]["grade"] == 1 and online.declared["facts"]["household_dibao"] is True
    clerk = staff_client(staff["clerk"])
    assert selectors.online_todo(staff["clerk"], timezone.localdate()).count == 1
    desk = clerk.get(f"/citizen/desk/{online.pk}/").content.decode()
    assert "残疾人证号" in desk and "肢体残疾" in desk and "一级" in desk and "家庭享受低保" in desk
    assert resident["head"].id_number not in desk  # the certificate number is masked
    assert clerk.post(f"/citizen/desk/{online.pk}/", {"action": "accept"}).status_code == 302
    app = SubsidyApplication.objects.get()
    assert app.person == resident["head"] and app.status == Status.SUBMITTED and app.grade == 1
    assert app.household_dibao and app.intake_by == staff["clerk"]
    assert list(disability_selectors.applications(actor=staff["clerk"])) == [app]
    online.refresh_from_db()
    assert online.state == OnlineState.ACCEPTED and online.case_type == "disability.subsidyapplication"
    home = citizen_client.get("/citizen/me/").content.decode()
    assert "残疾人两项补贴（困难残疾人生活补贴、重度残疾人护理补贴）" in home and "待审批" in home
    again = citizen_client.post("/citizen/apply/dis_living/", _disability_form(resident))
    assert "残疾人两项补贴申请（待审批），正在办理中，请勿重复申请" in again.content.decode()
    assert OnlineApplication.objects.count() == 1 and SubsidyApplication.objects.count() == 1


def test_a_clerk_of_another_township_does_not_see_the_online_disability_application(
    citizen_client, resident, staff
):
    citizen_client.post("/citizen/apply/dis_living/", _disability_form(resident))
    online = OnlineApplication.objects.get()
    assert staff_client(staff["other_clerk"]).get(f"/citizen/desk/{online.pk}/").status_code == 404
    assert dt.date.fromisoformat(online.declared["facts"]["issued_on"]) == dt.date(2015, 3, 1)


def test_the_disability_row_opens_a_read_only_case_page_with_its_steps_for_that_household_only(
    citizen_client, resident, neighbour, staff
):
    from tests.citizen.conftest import sign_in

    citizen_client.post("/citizen/apply/dis_living/", _disability_form(resident))
    online = OnlineApplication.objects.get()
    home = citizen_client.get("/citizen/me/").content.decode()
    assert f'<a href="/citizen/online/{online.pk}/"><b>残疾人两项补贴' in home
    waiting = citizen_client.get(f"/citizen/online/{online.pk}/").content.decode()
    assert "网上申请已提交" in waiting and "已受理" not in waiting
    assert "<form" not in waiting.split("</header>")[1]  # read-only
    staff_client(staff["clerk"]).post(f"/citizen/desk/{online.pk}/", {"action": "accept"})
    page = citizen_client.get(f"/citizen/online/{online.pk}/").content.decode()
    assert "已受理" in page and "办理状态：待审批" in page and resident["head"].name in page
    other = Client()
    sign_in(other, neighbour["id_number"])
    assert other.get(f"/citizen/online/{online.pk}/").status_code == 404
    assert Client().get(f"/citizen/online/{online.pk}/").status_code == 302  # to the sign-in page


def test_the_notices_page_shows_my_cases_and_sign_out_to_a_signed_in_resident(citizen_client):
    page = citizen_client.get("/citizen/notices/").content.decode()
    assert "我的申请" in page and "退出" in page and 'href="/citizen/">登录' not in page
    anonymous = Client().get("/citizen/notices/").content.decode()
    assert "登录" in anonymous and "退出" not in anonymous
