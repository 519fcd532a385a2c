"""Intake → decision → enrolment → payroll for the two subsidies, the "why" page and the decision letter,
and who may see and do what (out of scope = 404, no permission = 403)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import payroll_generate
from minzheng.disability import services
from minzheng.disability.models import SubsidyApplication
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B


def _intake(client: Client, person, **extra) -> SubsidyApplication:
    data = {
        "id_number": person.id_number,
        "certificate_no": person.id_number + "62",
        "kind": "physical",
        "grade": "2",
        "issued_on": "2024-05-01",
        **extra,
    }
    r = client.post(reverse("disability-new"), data, follow=True)
    assert r.status_code == 200
    return SubsidyApplication.objects.filter(person=person).latest("pk")


def test_a_clerk_takes_in_an_approver_decides_and_both_subsidies_reach_the_payroll(make_person, make_user):
    person = make_person(village=VILLAGE_A, name="残疾申请人")
    clerk, approver = make_user("township_clerk", TOWN_A), make_user("township_approver", TOWN_A)
    c = Client()
    c.force_login(clerk)
    app = _intake(c, person, household_dibao="on")
    assert app.status == "submitted" and app.grade == 2 and app.intake_by == clerk
    page = c.get(reverse("disability-detail", args=[app.pk])).content.decode()
    assert 'id="disability-decide"' not in page  # the clerk may not decide what they took in
    assert person.id_number not in page and (person.id_number + "62") not in page
    c.force_login(approver)
    c.post(reverse("disability-decide", args=[app.pk]), {"note": "同意"})
    app.refresh_from_db()
    assert app.status == "approved" and (app.living_amount, app.care_amount) == (110, 80)
    assert app.rule_version and Decimal(app.inputs["政策参数"]["disability.care.grade2"]) == 80
    assert "残补〔" in app.letter_no
    why = c.get(reverse("disability-detail", args=[app.pk])).content.decode()
    assert "肢体残疾二级" in why and "每月80元" in why
    letter = c.get(reverse("disability-letter", args=[app.pk])).content.decode()
    assert app.letter_no in letter and "印章" in letter and "行政复议" in letter and "人民政府" in letter
    assert person.id_number not in letter
    month = timezone.localdate().replace(day=1)
    enrolments = Enrolment.objects.filter(person=person, source_type="disability.application")
    assert {(e.programme, e.monthly_amount, e.first_month) for e in enrolments} == {
        ("dis_living", 110, month),
        ("dis_care", 80, month),
    }
    officer = make_user("county_officer", "370811")
    pay = payroll_generate(actor=officer, county_code="370811", month=month)
    assert sorted(pay.lines.filter(person=person).values_list("programme", flat=True)) == [
        "dis_care",
        "dis_living",
    ]
    assert AuditLog.objects.filter(target_type="disability.application", target_id=str(app.pk)).count() == 2
    assert not AuditLog.objects.filter(detail__contains=person.id_number).exists()


def test_a_refusal_is_decided_with_its_reasons_and_enrols_nothing(make_person, make_user):
    person = make_person(village=VILLAGE_A)
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    app = _intake(c, person, grade="4")
    app = services.application_decide(actor=make_user("county_officer", "370811"), application=app)
    assert app.status == "rejected" and app.living_amount == app.care_amount == 0
    assert not Enrolment.objects.filter(person=person).exists()
    c.force_login(app.decided_by)
    letter = c.get(reverse("disability-letter", args=[app.pk])).content.decode()
    assert "不予批准" in letter and "民政局" in letter
    with pytest.raises(ValidationError, match="已审批"):
        services.application_decide(actor=app.decided_by, application=app)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("certificate_no", "123", "残疾人证号格式"),
        ("issued_on", "明天", "发证日期"),
        ("issued_on", "0001-01-01", "发证日期应在"),
        ("issued_on", "9999-12-31", "发证日期应在"),
        ("id_number", "110101199003077777", "未找到"),
        ("kind", "nonsense", "残疾类别"),
    ],
)
def test_bad_intake_is_refused_in_chinese_and_changes_nothing(make_person, make_user, field, value, message):
    person = make_person(village=VILLAGE_A)
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    data = {
        "id_number": person.id_number,
        "certificate_no": person.id_number + "62",
        "kind": "physical",
        "grade": "2",
        "issued_on": "2024-05-01",
        field: value,
    }
    r = c.post(reverse("disability-new"), data, follow=True)
    assert r.status_code == 200 and message in r.content.decode()
    assert not SubsidyApplication.objects.exists()


def test_another_township_gets_404_and_a_role_without_the_permission_403(make_person, make_user):
    person = make_person(village=VILLAGE_A)
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    app = _intake(c, person)
    c.force_login(make_user("township_approver", TOWN_B))
    assert c.get(reverse("disability-detail", args=[app.pk])).status_code == 404
    assert c.post(reverse("disability-decide", args=[app.pk])).status_code == 404
    c.force_login(make_user("county_finance", "370811"))
    assert c.get(reverse("disability-list")).status_code == 403
    c.force_login(make_user("village_assistant", VILLAGE_A))
    assert c.get(reverse("disability-new")).status_code == 403
    app.refresh_from_db()
    assert app.status == "submitted"


def test_the_list_shows_the_actors_own_applications_in_few_queries(
    make_person, make_user, django_assert_max_num_queries
):
    for village, clerk_town in ((VILLAGE_A, TOWN_A), (VILLAGE_A, TOWN_A), (VILLAGE_B, TOWN_B)):
        services.application_intake(
            actor=make_user("township_clerk", clerk_town),
            person=(p := make_person(village=village, name="列表人")),
            certificate_no=p.id_number + "11",
            grade=1,
            kind="visual",
            issued_on=dt.date(2023, 1, 1),
        )
    c = Client()
    c.force_login(make_user("township_approver", TOWN_A))
    with django_assert_max_num_queries(12):
        page = c.get(reverse("disability-list")).content.decode()
    assert page.count("列表人") == 2
    assert c.get(reverse("disability-list") + "?status=approved").content.decode().count("列表人") == 0
