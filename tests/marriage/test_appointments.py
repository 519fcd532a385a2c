"""Booking within the office's daily quota: cancel frees a slot, rebook moves it, the last slot is refused,
and two clerks who both saw the last slot free cannot both take it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.marriage import services
from minzheng.marriage.models import Appointment, Party


def _day(weekday_offset: int = 1) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=weekday_offset)


def test_a_couple_books_cancels_and_rebooks_within_the_quota(clerk, office, couple):
    a, b = couple(0)
    day = _day(3)
    first = services.appointment_book(
        actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b
    )
    assert first.slot == 1 and first.status == "booked" and first.party_a.basis == "local"
    services.appointment_cancel(actor=clerk, appointment=first)
    again = services.appointment_book(
        actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b
    )
    assert again.slot == 1  # the cancelled booking freed its slot
    moved = services.appointment_rebook(actor=clerk, appointment=again, date=_day(4))
    again.refresh_from_db()
    assert again.status == "rescheduled" and moved.rebooked_from == again and moved.date == _day(4)
    assert AuditLog.objects.filter(target_type="appointment", detail="婚姻登记改约").exists()


def test_the_last_slot_is_taken_once_and_the_next_couple_is_refused(clerk, office, couple):
    day = _day(2)
    for i in range(2):
        a, b = couple(i)
        services.appointment_book(actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b)
    a, b = couple(2)
    with pytest.raises(ValidationError, match="名额已满"):
        services.appointment_book(actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b)
    assert Appointment.objects.filter(date=day).count() == 2


def test_two_clerks_who_both_saw_the_last_slot_free_cannot_both_take_it(
    clerk, other_clerk, office, couple, monkeypatch
):
    day = _day(2)
    a, b = couple(0)
    services.appointment_book(actor=clerk, office=office, date=day, kind="marriage", party_a=a, party_b=b)
    # Clerk one takes slot 2 (the last). Clerk two read the day before that insert: slot 2 looked free.
    stale = services._free_slot(office=office, date=day, capacity=2)
    a1, b1 = couple(1)
    services.appointment_book(actor=clerk, office=office, date=day, kind="marriage", party_a=a1, party_b=b1)
    monkeypatch.setattr(services, "_free_slot", lambda **kw: stale)
    a2, b2 = couple(2)
    parties = Party.objects.count()
    with pytest.raises(ValidationError, match="名额已满"):
        services.appointment_book(
            actor=other_clerk, office=office, date=day, kind="marriage", party_a=a2, party_b=b2
        )
    assert Appointment.objects.filter(date=day, status="booked").count() == 2
    assert Party.objects.count() == parties  # the refused booking left nothing behind


def test_a_rebooking_onto_a_full_day_keeps_the_old_booking(clerk, office, couple):
    full = _day(2)
    for i in range(2):
        a, b = couple(i)
        services.appointment_book(
            actor=clerk, office=office, date=full, kind="marriage", party_a=a, party_b=b
        )
    a, b = couple(3)
    mine = services.appointment_book(
        actor=clerk, office=office, date=_day(3), kind="marriage", party_a=a, party_b=b
    )
    with pytest.raises(ValidationError, match="名额已满"):
        services.appointment_rebook(actor=clerk, appointment=mine, date=full)
    mine.refresh_from_db()
    assert mine.status == "booked"


def test_a_holiday_closes_the_office_and_a_special_date_adds_slots(clerk, office, couple):
    holiday, special = _day(5), _day(6)
    services.closed_day_add(actor=clerk, date=holiday, name="国庆节")
    services.special_date_add(actor=clerk, date=special, name="七夕", extra_slots=3)
    assert services.day_capacity(office=office, date=holiday).slots == 0
    assert services.day_capacity(office=office, date=special).slots == 5
    a, b = couple(0)
    with pytest.raises(ValidationError, match="国庆节"):
        services.appointment_book(
            actor=clerk, office=office, date=holiday, kind="marriage", party_a=a, party_b=b
        )
    for i in range(5):
        a, b = couple(i)
        services.appointment_book(
            actor=clerk, office=office, date=special, kind="marriage", party_a=a, party_b=b
        )
    assert Appointment.objects.filter(date=special).count() == 5


def test_a_non_local_party_needs_hukou_province_and_residence_permit(clerk, office, couple, outsider_party):
    a, _ = couple(0)
    bare = {k: v for k, v in outsider_party.items() if k in ("name", "id_number")}
    with pytest.raises(ValidationError, match="居住证"):
        services.appointment_book(
            actor=clerk, office=office, date=_day(1), kind="marriage", party_a=a, party_b=bare
        )
    appt = services.appointment_book(
        actor=clerk, office=office, date=_day(1), kind="marriage", party_a=a, party_b=outsider_party
    )
    assert appt.party_b.basis == "permit" and appt.party_b.hukou_province == "河南省"
    assert appt.party_b.person is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "冒名"}, "姓名与户籍登记不一致"),
        ({"id_number": "123"}, "身份证号应为18位"),
    ],
)
def test_a_wrong_name_or_id_is_refused_with_a_chinese_message(clerk, office, couple, change, message):
    a, b = couple(0)
    with pytest.raises(ValidationError, match=message):
        services.appointment_book(
            actor=clerk, office=office, date=_day(1), kind="marriage", party_a={**a, **change}, party_b=b
        )
    assert not Appointment.objects.exists()


def test_a_party_under_the_legal_marriage_age_is_refused(clerk, office, make_person):
    young = make_person(
        birth=timezone.localdate().replace(year=timezone.localdate().year - 21), sex="M", name="小王"
    )
    woman = make_person(birth=dt.date(1998, 1, 1), sex="F", name="小李")
    with pytest.raises(ValidationError, match="未满22周岁"):
        services.appointment_book(
            actor=clerk,
            office=office,
            date=_day(1),
            kind="marriage",
            party_a={"name": young.name, "id_number": young.id_number},
            party_b={"name": woman.name, "id_number": woman.id_number},
        )


def test_the_end_of_day_marks_the_couples_who_did_not_come(clerk, office, couple):
    a, b = couple(0)
    appt = services.appointment_book(
        actor=clerk, office=office, date=timezone.localdate(), kind="marriage", party_a=a, party_b=b
    )
    assert services.appointments_close_day(actor=clerk, office=office, on=timezone.localdate()) == 1
    appt.refresh_from_db()
    assert appt.status == "no_show"
    with pytest.raises(ValidationError):
        services.appointment_cancel(actor=clerk, appointment=appt)
