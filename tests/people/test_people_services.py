import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditLog
from minzheng.core import crypto
from minzheng.core.idnumber import make_id_number
from minzheng.people.models import Household, Membership, Person
from minzheng.people.services import (
    household_add_member,
    household_create,
    person_create,
    person_record_death,
)
from tests.conftest import VILLAGE_A, new_id


def _create(**kw):
    args = {
        "actor": system_actor(purpose="测试数据"),
        "name": "李四",
        "hukou_type": "rural",
        "hukou_region_code": VILLAGE_A,
    }
    args.update(kw)
    return person_create(**args)


def test_a_person_is_stored_with_the_id_encrypted_and_birth_and_sex_derived(db):
    idn = make_id_number("370811", dt.date(1975, 6, 30), 17, "F")
    p = _create(id_number=idn, phone="13812345678")
    p.refresh_from_db()
    assert p.birth_date == dt.date(1975, 6, 30)
    assert p.sex == "F"
    assert idn not in p.id_number_enc and "13812345678" not in p.phone_enc
    assert p.id_number == idn
    assert p.id_masked == "370811********" + idn[-4:]
    assert p.id_hash == crypto.blind_index(idn)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"id_number": "370811198001011230"}, "校验位"),
        ({"birth_date": dt.date(1981, 1, 1)}, "不一致"),
        ({"sex": "F"}, "性别"),
        ({"hukou_region_code": "370811001"}, "村(社区)"),
        ({"hukou_region_code": "999999999999"}, "不存在"),
        ({"name": ""}, "姓名"),
        ({"phone": "12ab"}, "电话"),
        ({"hukou_type": "city"}, "户口性质"),
    ],
)
def test_bad_person_input_gets_a_chinese_message_and_saves_nothing(db, kwargs, message):
    args = {"id_number": make_id_number("370811", dt.date(1980, 1, 1), 5, "M")}
    args.update(kwargs)
    before = (Person.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError) as err:
        _create(**args)
    assert message in "".join(err.value.messages)
    assert (Person.objects.count(), AuditLog.objects.count()) == before


def test_a_duplicate_id_number_is_refused(db):
    idn = new_id()
    _create(id_number=idn)
    with pytest.raises(ValidationError, match="已登记"):
        _create(id_number=idn.lower())
    assert Person.objects.count() == 1


def test_a_household_cannot_have_a_second_head(db, make_person):
    hh = household_create(
        actor=system_actor(purpose="测试数据"),
        number="H1",
        region_code=VILLAGE_A,
        hukou_type="urban",
        head=make_person(),
        start_date=dt.date(2015, 1, 1),
    )
    with pytest.raises(ValidationError, match="已有户主"):
        household_add_member(
            actor=system_actor(purpose="测试数据"),
            household=hh,
            person=make_person(),
            relation="head",
            start_date=dt.date(2016, 1, 1),
        )
    assert Membership.objects.filter(household=hh).count() == 1


def test_moving_to_another_household_closes_the_old_membership_and_keeps_history(
    db, make_household, make_person
):
    a = make_household(size=2)
    b = make_household(size=1)
    mover = Membership.objects.get(household=a, relation="child").person
    household_add_member(
        actor=system_actor(purpose="测试数据"),
        household=b,
        person=mover,
        relation="spouse",
        start_date=dt.date(2020, 5, 1),
    )
    history = list(Membership.objects.filter(person=mover).order_by("start_date"))
    assert [(m.household_id, m.end_date) for m in history] == [(a.pk, dt.date(2020, 5, 1)), (b.pk, None)]
    assert Membership.objects.filter(person=mover, end_date__isnull=True).count() == 1


def test_a_death_before_birth_is_refused_and_a_real_death_is_recorded(db, make_person):
    p = make_person(birth=dt.date(1990, 1, 1))
    with pytest.raises(ValidationError, match="早于出生"):
        person_record_death(actor=system_actor(purpose="测试数据"), person=p, death_date=dt.date(1989, 1, 1))
    person_record_death(actor=system_actor(purpose="测试数据"), person=p, death_date=dt.date(2024, 2, 2))
    p.refresh_from_db()
    assert not p.is_alive and p.death_date == dt.date(2024, 2, 2)


def test_household_numbers_are_unique(db, make_person):
    household_create(
        actor=system_actor(purpose="测试数据"),
        number="H9",
        region_code=VILLAGE_A,
        hukou_type="urban",
        head=make_person(),
        start_date=dt.date(2015, 1, 1),
    )
    with pytest.raises(ValidationError, match="已存在"):
        household_create(
            actor=system_actor(purpose="测试数据"),
            number="H9",
            region_code=VILLAGE_A,
            hukou_type="urban",
            head=make_person(),
            start_date=dt.date(2015, 1, 1),
        )
    assert Household.objects.count() == 1


def test_setting_a_phone_stores_it_encrypted_and_indexed_and_audits_only_masked_numbers(
    make_person, make_user
):
    from minzheng.people.services import person_set_phone

    person = make_person(name="孙桂兰")
    clerk = make_user("township_clerk", VILLAGE_A[:9])
    person_set_phone(actor=clerk, person=person, phone="138 0000-1234")
    person.refresh_from_db()
    assert "13800001234" not in person.phone_enc and crypto.decrypt(person.phone_enc) == "13800001234"
    assert person.phone_hash == crypto.blind_index("13800001234")
    row = AuditLog.objects.get(target_type="person.phone", target_id=str(person.pk))
    assert row.actor == clerk and "13800001234" not in str(row.new)
    assert row.new["phone"] == person.phone_masked


@pytest.mark.parametrize("phone", ["abc", "123", "1380000123456789"])
def test_a_bad_phone_is_a_chinese_message_and_changes_nothing(make_person, phone):
    from minzheng.people.services import person_set_phone

    person = make_person(phone="13911112222")
    with pytest.raises(ValidationError, match="联系电话格式不正确"):
        person_set_phone(actor=system_actor(purpose="测试数据"), person=person, phone=phone)
    person.refresh_from_db()
    assert crypto.decrypt(person.phone_enc) == "13911112222"
    assert not AuditLog.objects.filter(target_type="person.phone").exists()


def test_a_clerk_cannot_set_the_phone_of_a_person_outside_the_region(make_person, make_user):
    from minzheng.people.services import person_set_phone

    person = make_person(phone="13911112222")
    with pytest.raises(ValidationError, match="管辖范围"):
        person_set_phone(actor=make_user("township_clerk", "370812001"), person=person, phone="13800001234")
    person.refresh_from_db()
    assert crypto.decrypt(person.phone_enc) == "13911112222"
