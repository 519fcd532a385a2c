"""Issue #16 walk: a death date before the person's later registration or booking is refused by the death
flow, and a residence permit number must be the holder's own 18-digit citizen ID number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.core.idnumber import make_id_number
from minzheng.funeral.models import FuneralCase
from minzheng.funeral.services import funeral_case_open
from minzheng.marriage import services
from minzheng.marriage.models import Party
from minzheng.people.models import Person
from tests.conftest import TOWN_A, new_id

TODAY = timezone.localdate()


def _open(make_user, person, died):
    return funeral_case_open(
        actor=make_user(Role.TOWNSHIP_CLERK, TOWN_A),
        person=person,
        death_date=died,
        death_place="家中",
        certificate_number="J370811202600777",
        family_name="王小二",
        family_relation="儿子",
    )


def test_a_death_date_before_the_persons_marriage_registration_is_refused(clerk, office, couple, make_user):
    a, b = couple(0)
    appt = services.appointment_book(
        actor=clerk, office=office, date=TODAY, kind="marriage", party_a=a, party_b=b
    )
    services.marriage_register(actor=clerk, appointment=appt)
    man = Person.objects.get(name=a["name"])
    with pytest.raises(ValidationError, match=rf"婚姻登记：{TODAY:%Y年%m月%d日}办理结婚登记"):
        _open(make_user, man, TODAY - dt.timedelta(days=5))
    man.refresh_from_db()
    assert man.is_alive and not FuneralCase.objects.exists()


def test_a_death_date_before_a_booking_the_person_made_is_refused_and_the_booking_day_itself_is_not(
    clerk, office, couple, make_user
):
    a, b = couple(0)
    services.appointment_book(
        actor=clerk, office=office, date=TODAY + dt.timedelta(days=3), kind="marriage", party_a=a, party_b=b
    )
    woman = Person.objects.get(name=b["name"])
    with pytest.raises(ValidationError, match=rf"{TODAY:%Y年%m月%d日}预约结婚登记"):
        _open(make_user, woman, TODAY - dt.timedelta(days=1))
    assert not FuneralCase.objects.exists()
    assert _open(make_user, woman, TODAY).person == woman


@pytest.mark.parametrize("permit", ["abc", "JZ3708112024001", "410105199605050000", "SAME_BUT_OTHER"])
def test_a_residence_permit_number_that_is_not_the_holders_own_id_number_is_refused(
    clerk, office, couple, outsider_party, permit
):
    a, _ = couple(0)
    if permit == "SAME_BUT_OTHER":
        permit = new_id("410105", dt.date(1990, 1, 1), "F")  # a valid ID number, but someone else's
    with pytest.raises(ValidationError, match="女方：居住证编号应为持证人本人的18位公民身份号码"):
        services.appointment_book(
            actor=clerk,
            office=office,
            date=TODAY + dt.timedelta(days=1),
            kind="marriage",
            party_a=a,
            party_b={**outsider_party, "permit_no": permit},
        )
    assert not Party.objects.filter(basis="permit").exists()


def test_a_residence_permit_number_in_lower_case_x_is_stored_as_the_id_number(clerk, office, couple):
    a, _ = couple(0)
    ids = (make_id_number("410105", dt.date(1996, 5, 5), seq, "F") for seq in range(400))
    holder = next(n for n in ids if n.endswith("X"))
    appt = services.appointment_book(
        actor=clerk,
        office=office,
        date=TODAY + dt.timedelta(days=1),
        kind="marriage",
        party_a=a,
        party_b={
            "name": "赵外地",
            "id_number": holder,
            "hukou_province": "河南省",
            "permit_no": holder.lower(),
        },
    )
    assert appt.party_b.permit_no == holder
