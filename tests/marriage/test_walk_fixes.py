"""Issue 16, the walker's findings at the marriage desk: a refused booking keeps what was typed (the ID
numbers too); a moved booking reads 已改约 and links to the new one; the 等级评定 form has no default."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from minzheng.marriage import services
from minzheng.marriage.models import Appointment, RegistryOffice


def _day(n: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=n)
    return day


def test_a_refused_booking_form_comes_back_with_the_id_numbers_and_phone_as_typed(clerk, office, couple):
    day = _day(3)
    for i in range(2):  # the day's two slots are taken
        a, b = couple(i)
        services.appointment_book(actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b)
    a, b = couple(2)
    c = Client()
    c.force_login(clerk)
    form = {
        "office": office.pk,
        "date": day.isoformat(),
        "kind": "marriage",
        "a_name": a["name"],
        "a_id_number": a["id_number"],
        "b_name": b["name"],
        "b_id_number": b["id_number"],
        "phone": "13912345678",
    }
    r = c.post("/marriage/book/", form)
    html = r.content.decode()
    assert r.status_code == 200 and "名额已满" in html
    assert f'value="{a["id_number"]}"' in html and f'value="{b["id_number"]}"' in html
    assert 'value="13912345678"' in html and f'value="{a["name"]}"' in html
    assert Appointment.objects.count() == 2


def test_a_moved_booking_reads_rescheduled_and_links_to_the_new_one(clerk, office, couple):
    a, b = couple(0)
    old = services.appointment_book(
        actor=clerk, office=office, date=_day(3), kind="marriage", party_a=a, party_b=b
    )
    new = services.appointment_rebook(actor=clerk, appointment=old, date=_day(5))
    old.refresh_from_db()
    assert old.status == "rescheduled" and old.get_status_display() == "已改约"
    c = Client()
    c.force_login(clerk)
    html = c.get(f"/marriage/appointments/{old.pk}/").content.decode()
    assert "已改约" in html and "已取消" not in html
    assert f'href="/marriage/appointments/{new.pk}/"' in html and _day(5).isoformat() in html
    # the moved booking freed its slot like a cancellation: two more couples fit on day 3
    for i in (1, 2):
        a, b = couple(i)
        services.appointment_book(
            actor=clerk, office=office, date=_day(3), kind="marriage", party_a=a, party_b=b
        )
    a, b = couple(3)
    cancelled = services.appointment_book(
        actor=clerk, office=office, date=_day(6), kind="marriage", party_a=a, party_b=b
    )
    services.appointment_cancel(actor=clerk, appointment=cancelled)
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    assert "改约至" not in c.get(f"/marriage/appointments/{cancelled.pk}/").content.decode()


def test_the_grade_form_has_no_default_and_a_post_without_a_grade_changes_nothing(clerk, office):
    c = Client()
    c.force_login(clerk)
    html = c.get(f"/marriage/offices/{office.pk}/").content.decode()
    select = html.split('id="grade-choice"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>' in select and select.count(" selected") == 1
    r = c.post(
        f"/marriage/offices/{office.pk}/",
        {"do": "grade", "graded_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "请选择等级" in r.content.decode()
    assert RegistryOffice.objects.get(pk=office.pk).grade in ("", None)
