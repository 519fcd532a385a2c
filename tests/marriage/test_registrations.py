"""Registrations: certificate numbers per office and year, re-issue, the household change sent to the
township, and divorce by agreement through its cooling-off period (《民法典》第1077条)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.marriage import selectors, services
from minzheng.marriage.models import DivorceApplication, HouseholdChange
from minzheng.people.models import Membership
from tests.conftest import TOWN_A, TOWN_B


def _today(clerk, office, a, b, kind="marriage"):
    return services.appointment_book(
        actor=clerk, office=office, date=timezone.localdate(), kind=kind, party_a=a, party_b=b
    )


def test_certificate_numbers_run_per_office_and_year_and_a_reissue_gets_its_own(clerk, office, couple):
    regs = []
    for i in range(2):
        a, b = couple(i)
        regs.append(services.marriage_register(actor=clerk, appointment=_today(clerk, office, a, b)))
    year = timezone.localdate().year
    assert regs[0].certificate_no == f"J370811-{year}-{office.pk:02d}00001"
    assert regs[1].certificate_no.endswith("00002")
    again = services.certificate_reissue(actor=clerk, original=regs[0], seen=0)
    assert again.certificate_no.startswith("BJ") and again.reissue_of == regs[0]


def test_a_married_person_cannot_marry_again_until_divorced(clerk, office, couple, make_person):
    a, b = couple(0)
    services.marriage_register(actor=clerk, appointment=_today(clerk, office, a, b))
    other = make_person(birth=dt.date(1990, 1, 1), sex="F", name="第三人")
    with pytest.raises(ValidationError, match="未登记离婚"):
        _today(clerk, office, a, {"name": other.name, "id_number": other.id_number})


def test_a_marriage_of_two_locals_in_different_households_is_sent_to_the_township(
    clerk, office, make_household, make_person, make_user
):
    from minzheng.accounts.system import system_actor
    from minzheng.people.services import household_create

    hh_a = make_household(size=1)
    man = hh_a.memberships.get().person
    woman = make_person(birth=dt.date(1990, 3, 3), sex="F", name="新娘")
    household_create(
        actor=system_actor(purpose="测试数据"),
        number="HBRIDE0001",
        region_code=woman.region_code,
        hukou_type="urban",
        head=woman,
        start_date=dt.date(2010, 1, 1),
    )
    reg = services.marriage_register(
        actor=clerk,
        appointment=_today(
            clerk,
            office,
            {"name": man.name, "id_number": man.id_number},
            {"name": woman.name, "id_number": woman.id_number},
        ),
    )
    change = HouseholdChange.objects.get(registration=reg)
    assert change.kind == "join" and change.household == hh_a and change.person == woman
    township = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    assert selectors.todo_household(township, timezone.localdate()).count == 1
    assert selectors.todo_household(make_user(Role.TOWNSHIP_CLERK, TOWN_B), timezone.localdate()).count == 0
    services.household_change_apply(actor=township, change=change)
    assert Membership.objects.get(person=woman, end_date__isnull=True).household == hh_a


def test_divorce_waits_out_the_cooling_off_and_either_party_may_withdraw(clerk, office, couple):
    a, b = couple(0)
    application = services.divorce_apply(actor=clerk, appointment=_today(clerk, office, a, b, kind="divorce"))
    today = timezone.localdate()
    assert application.cooling_ends == today + dt.timedelta(days=30)
    assert application.register_by == today + dt.timedelta(days=60)
    with pytest.raises(ValidationError, match="届满后方可办理"):
        services.divorce_register(actor=clerk, application=application)
    services.divorce_withdraw(actor=clerk, application=application, party="b")
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.withdrawn_by == b["name"]


def test_after_the_cooling_off_both_register_within_the_window_or_it_lapses(clerk, office, couple):
    today = timezone.localdate()
    apps = []
    for i in range(2):
        a, b = couple(i)
        apps.append(
            services.divorce_apply(actor=clerk, appointment=_today(clerk, office, a, b, kind="divorce"))
        )
    # Move the first application 31 days back: its cooling-off is over, the window open.
    DivorceApplication.objects.filter(pk=apps[0].pk).update(
        applied_on=today - dt.timedelta(days=31),
        cooling_ends=today - dt.timedelta(days=1),
        register_by=today + dt.timedelta(days=29),
    )
    with pytest.raises(ValidationError, match="不能再撤回"):
        services.divorce_withdraw(actor=clerk, application=apps[0], party="a")
    reg = services.divorce_register(actor=clerk, application=apps[0])
    assert reg.kind == "divorce" and reg.certificate_no.startswith("L")
    # The second is 61 days old: nobody came, the sweep deems it withdrawn.
    DivorceApplication.objects.filter(pk=apps[1].pk).update(
        cooling_ends=today - dt.timedelta(days=31), register_by=today - dt.timedelta(days=1)
    )
    assert services.divorces_sweep(actor=clerk, on=today) == {"awaiting": 0, "lapsed": 1}
    apps[1].refresh_from_db()
    assert apps[1].status == "lapsed"


def test_another_countys_officer_gets_404_and_the_pages_show_names_not_codes(
    clerk, office, couple, make_user
):
    a, b = couple(0)
    appt = _today(clerk, office, a, b)
    c = Client()
    c.force_login(clerk)
    page = c.get(f"/marriage/appointments/{appt.pk}/").content.decode()
    assert "已预约" in page and "booked" not in page and a["id_number"] not in page
    assert c.get(f"/marriage/offices/{office.pk}/").status_code == 200
    c.force_login(make_user(Role.SOCIAL_AFFAIRS_OFFICER, TOWN_B[:6]))
    assert c.get(f"/marriage/appointments/{appt.pk}/").status_code == 404
    assert c.post(f"/marriage/appointments/{appt.pk}/cancel/").status_code == 404
    assert c.get(f"/marriage/offices/{office.pk}/").status_code == 404
    appt.refresh_from_db()
    assert appt.status == "booked"


def test_bad_input_on_the_booking_page_is_a_chinese_message_and_books_nothing(clerk, office):
    c = Client()
    c.force_login(clerk)
    for date in ("abc", "9999-01-01", ""):
        r = c.post("/marriage/book/", {"office": office.pk, "date": date, "kind": "marriage"})
        assert r.status_code == 200 and "预约日期" in r.content.decode()
    r = c.post("/marriage/book/", {"office": "99999999999999999999", "date": "2026-12-01"})
    assert r.status_code == 200
    from minzheng.marriage.models import Appointment

    assert not Appointment.objects.exists()


def test_the_appointment_list_and_home_page_cost_a_fixed_number_of_queries(
    clerk, office, couple, django_assert_max_num_queries
):
    for i in range(6):
        a, b = couple(i)
        services.appointment_book(
            actor=clerk,
            office=office,
            date=timezone.localdate() + dt.timedelta(days=1 + i % 3),
            kind="marriage",
            party_a=a,
            party_b=b,
        )
    c = Client()
    c.force_login(clerk)
    with django_assert_max_num_queries(12):
        assert c.get("/marriage/").status_code == 200
    assert selectors.todo_today(clerk, timezone.localdate()).count == 0
    assert c.get("/").status_code == 200


def test_the_divorce_list_closes_the_day_and_lapses_the_overdue(clerk, office, couple):
    a, b = couple(0)
    application = services.divorce_apply(actor=clerk, appointment=_today(clerk, office, a, b, kind="divorce"))
    today = timezone.localdate()
    DivorceApplication.objects.filter(pk=application.pk).update(
        cooling_ends=today - dt.timedelta(days=31), register_by=today - dt.timedelta(days=1)
    )
    c = Client()
    c.force_login(clerk)
    assert c.post("/marriage/divorces/").status_code == 302
    application.refresh_from_db()
    assert application.status == "lapsed"
