"""无身份人员: registration with a temporary number, search, and merge into an identified person."""

import datetime as dt
import os
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditLog
from minzheng.core.pii import find_pii
from minzheng.people.models import Person, UnidentifiedRecord
from minzheng.people.selectors import person_get_for_actor, person_search, unidentified_search
from minzheng.people.services import (
    household_add_member,
    person_record_death,
    person_reveal_id_number,
    unidentified_merge_approve,
    unidentified_merge_reject,
    unidentified_merge_request,
)
from tests.conftest import VILLAGE_A, VILLAGE_B, new_id
from tests.people.conftest import photo


def _media_files() -> list[str]:
    return [f for _, _, files in os.walk(settings.MEDIA_ROOT) for f in files]


def test_a_found_person_gets_a_temporary_number_that_never_looks_like_an_id(register):
    first = register(photo=photo())
    second = register()
    number = first.person.temp_number
    assert re.fullmatch(r"LS370811-\d{6}-0001", number)
    assert second.person.temp_number.endswith("-0002")
    assert find_pii(number) == [] and not re.search(r"\d{15}", number)
    person = Person.objects.get(pk=first.person_id)
    assert person.id_hash is None and person.id_number == "" and not person.is_identified
    assert person.name == "无名氏" and person.id_masked == number
    # ours, never the sender's name (storage adds a suffix when an earlier test left the same name)
    stored = first.photo.name.rsplit("/", 1)[-1]
    assert stored.startswith(number) and stored.endswith(".png")
    audit = AuditLog.objects.filter(target_type="person", target_id=str(person.pk)).get()
    assert audit.new["temp_number"] == number


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"description": ""}, "description", "体貌特征"),
        ({"photo": photo("photo.gif", b"GIF89a" + b"\x00" * 40)}, "photo", "JPG或PNG"),
        ({"photo": photo("photo.png", b"%PDF-1.4 not an image")}, "photo", "JPG或PNG"),
        ({"photo": photo("photo.jpg")}, "photo", "JPG或PNG"),  # PNG content named .jpg
        ({"photo": photo("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024))}, "photo", "5MB"),
        ({"estimated_age": "abc"}, "estimated_age", "估计年龄"),
        ({"kind": "child", "estimated_age": "30"}, "estimated_age", "小于18岁"),
        ({"found_on": timezone.localdate() + dt.timedelta(days=2)}, "found_on", "晚于今天"),
        ({"found_place": " "}, "found_place", "发现地点"),
        ({"region_code": "370811001"}, "region_code", "村(社区)"),
        ({"sex": "X"}, "sex", "性别"),
    ],
)
def test_bad_registration_input_is_named_by_field_and_changes_nothing(register, kwargs, field, message):
    before = (Person.objects.count(), UnidentifiedRecord.objects.count(), AuditLog.objects.count())
    files = _media_files()
    with pytest.raises(ValidationError) as err:
        register(**kwargs)
    assert message in "".join(err.value.message_dict[field])
    assert (Person.objects.count(), UnidentifiedRecord.objects.count(), AuditLog.objects.count()) == before
    assert _media_files() == files


def test_registering_outside_ones_region_is_refused(register, make_user):
    with pytest.raises(ValidationError, match="管辖范围"):
        register(region_code=VILLAGE_B)
    assert not UnidentifiedRecord.objects.exists()


def test_a_village_assistant_registers_but_an_auditor_cannot(register, make_user):
    assert register(actor=make_user("village_assistant", VILLAGE_A)).pk
    with pytest.raises(ValidationError, match="只有"):
        register(actor=make_user("auditor", "370811"))


def test_the_search_finds_an_unidentified_person_by_number_description_place_and_date(register, patrol):
    old = register(found_on=timezone.localdate() - dt.timedelta(days=40), description="女，短发，红色外套")
    new = register()
    number = new.person.temp_number
    assert list(person_search(actor=patrol, q=number.lower())) == [new.person]
    assert list(unidentified_search(actor=patrol, q=number[:9])) == [new, old]
    assert list(unidentified_search(actor=patrol, q="红色外套")) == [old]
    assert list(unidentified_search(actor=patrol, q="火车站")) == [new, old]
    since = timezone.localdate() - dt.timedelta(days=7)
    assert list(unidentified_search(actor=patrol, found_from=since)) == [new]
    assert list(unidentified_search(actor=patrol, region_code="370812")) == []


def test_the_search_is_scoped_to_the_actors_region(register, make_user):
    record = register()
    other = make_user("township_clerk", "370812001")
    assert list(unidentified_search(actor=other)) == []
    assert list(person_search(actor=other, q=record.person.temp_number)) == []


def test_an_unidentified_person_has_no_id_to_reveal_and_cannot_join_a_household(
    register, patrol, make_household
):
    record = register()
    with pytest.raises(ValidationError, match="没有身份证号"):
        person_reveal_id_number(actor=patrol, person=record.person)
    with pytest.raises(ValidationError, match="尚未识别身份"):
        household_add_member(
            actor=patrol,
            household=make_household(),
            person=record.person,
            relation="other",
            start_date=timezone.localdate(),
        )


# ------------------------------------------------------------------------------------------------ merge


@pytest.fixture
def approver(make_user):
    return make_user("township_approver", "370811001")


def _request(record, actor, person):
    return unidentified_merge_request(
        actor=actor, record=record, id_number=person.id_number, note="亲属到站辨认"
    )


def test_a_merge_asked_by_one_officer_and_approved_by_another_keeps_history(
    register, patrol, approver, make_person
):
    record = register(photo=photo())
    number = record.person.temp_number
    target = make_person(name="王五")
    _request(record, patrol, target)
    record.refresh_from_db()
    assert record.merge_target == target and record.merged_into is None
    unidentified_merge_approve(actor=approver, record=record)
    record.refresh_from_db()
    assert record.merged_into == target and record.merge_target is None and record.merged_by == approver
    # The temporary person stays, with its number, photo and description; both numbers find the person.
    temp = Person.objects.get(pk=record.person_id)
    assert temp.temp_number == number and record.photo and record.description
    assert set(person_search(actor=patrol, q=number)) == {temp, target}
    assert list(person_search(actor=patrol, q=target.id_number)) == [target]
    assert list(target.merged_records.all()) == [record]
    merges = AuditLog.objects.filter(target_type="person.merge")
    assert {m.target_id for m in merges} == {str(temp.pk), str(target.pk)}
    # The merged record is read-only.
    with pytest.raises(ValidationError, match="已合并至王五"):
        person_record_death(actor=patrol, person=temp, death_date=timezone.localdate())


def test_the_officer_who_asked_cannot_approve_the_merge(register, make_user, make_person):
    officer = make_user("county_officer", "370811")
    record = register()
    _request(record, officer, make_person())
    with pytest.raises(ValidationError, match="另一名工作人员"):
        unidentified_merge_approve(actor=officer, record=record)
    record.refresh_from_db()
    assert record.merged_into is None


def test_a_record_cannot_be_merged_twice(register, patrol, approver, make_person):
    record = register()
    _request(record, patrol, make_person(name="王五"))
    unidentified_merge_approve(actor=approver, record=record)
    with pytest.raises(ValidationError, match="不能重复合并"):
        _request(record, patrol, make_person(name="赵六"))
    with pytest.raises(ValidationError, match="不能重复合并"):
        unidentified_merge_approve(actor=approver, record=record)


def test_merging_into_a_deceased_person_is_refused_even_if_they_died_after_the_request(
    register, patrol, approver, make_person
):
    dead = make_person(name="已故者")
    person_record_death(actor=system_actor(purpose="测试数据"), person=dead, death_date=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="已故，不能合并"):
        _request(register(), patrol, dead)
    record = register()
    target = make_person(name="后亡者")
    _request(record, patrol, target)
    person_record_death(actor=system_actor(purpose="测试数据"), person=target, death_date=dt.date(2021, 1, 1))
    with pytest.raises(ValidationError, match="已故，不能合并"):
        unidentified_merge_approve(actor=approver, record=record)
    record.refresh_from_db()
    assert record.merged_into is None


def test_merging_into_itself_or_into_another_temporary_record_is_refused(
    register, patrol, approver, make_person
):
    from minzheng.people.services import unidentified_merge_refusal

    first = register()
    second = register()
    assert "只能合并至已登记身份证号" in (
        unidentified_merge_refusal(record=second, target=first.person) or ""
    )
    assert "本记录自身" in (unidentified_merge_refusal(record=second, target=second.person) or "")
    _request(first, patrol, make_person())
    unidentified_merge_approve(actor=approver, record=first)
    assert "已合并的临时记录" in (unidentified_merge_refusal(record=second, target=first.person) or "")


def test_merging_into_a_person_not_yet_registered_creates_them(register, patrol, approver):
    record = register()
    id_number = new_id("370811", dt.date(1979, 3, 3))
    with pytest.raises(ValidationError, match="尚未登记"):
        unidentified_merge_request(actor=patrol, record=record, id_number=id_number, note="指纹比对")
    unidentified_merge_request(
        actor=patrol,
        record=record,
        id_number=id_number,
        note="指纹比对",
        new_person={"name": "孙七", "hukou_type": "rural", "hukou_region_code": VILLAGE_A},
    )
    unidentified_merge_approve(actor=approver, record=record)
    record.refresh_from_db()
    assert record.merged_into.name == "孙七" and record.merged_into.birth_date == dt.date(1979, 3, 3)


def test_a_person_registered_in_another_region_is_not_revealed_by_a_merge(register, patrol, make_person):
    elsewhere = make_person(village=VILLAGE_B)
    with pytest.raises(ValidationError, match="迁入"):
        _request(register(), patrol, elsewhere)


def test_a_rejected_merge_leaves_the_record_open_for_another_request(register, patrol, approver, make_person):
    record = register()
    _request(record, patrol, make_person())
    unidentified_merge_reject(actor=approver, record=record, reason="辨认人不是近亲属")
    record.refresh_from_db()
    assert record.merge_target is None and record.merged_into is None
    _request(record, patrol, make_person())


def test_a_clerk_cannot_approve_a_merge(register, patrol, make_user, make_person):
    record = register()
    _request(record, patrol, make_person())
    with pytest.raises(ValidationError, match="只有"):
        unidentified_merge_approve(actor=make_user("township_clerk", "370811001"), record=record)


def test_a_merged_record_found_elsewhere_is_reachable_from_the_identified_persons_region(
    make_user, make_person
):
    from minzheng.people.services import unidentified_register

    other_village = "370811002001"  # another street of the same district
    finder = make_user("township_clerk", "370811002")
    record = unidentified_register(
        actor=finder,
        kind="vagrant",
        region_code=other_village,
        found_on=timezone.localdate(),
        found_place="汽车站",
        description="老年男性，拄拐",
        sex="M",
        estimated_age=70,
    )
    target = make_person(village=VILLAGE_A)
    home = make_user("township_clerk", "370811001")
    with pytest.raises(Exception, match="未找到"):
        person_get_for_actor(actor=home, person_id=record.person_id)
    officer = make_user("county_officer", "370811")
    unidentified_merge_request(actor=officer, record=record, id_number=target.id_number, note="DNA比对")
    unidentified_merge_approve(actor=make_user("county_officer", "370811"), record=record)
    assert person_get_for_actor(actor=home, person_id=record.person_id) == record.person


def test_an_enrolled_unidentified_person_never_reaches_the_engines_enrolment_file(
    register, make_person, tmp_path
):
    import pyarrow.parquet as pq

    from minzheng.benefits.services import enrolment_create
    from minzheng.monitoring.services import enrolments_export

    record = register()
    known = make_person()
    for person in (record.person, known):
        enrolment_create(
            actor=system_actor(purpose="测试数据"),
            programme="temporary",
            person=person,
            household=None,
            amount=300,
            first_month=dt.date(2026, 1, 1),
        )
    for keyed in (True, False):
        path = tmp_path / f"enrolments-{keyed}.parquet"
        assert enrolments_export(path=path, keyed=keyed) == 1
        assert len(pq.read_table(path).column("id_number").to_pylist()) == 1


def test_a_number_taken_by_a_concurrent_registration_is_skipped_not_refused(register, monkeypatch):
    from minzheng.people import services

    first = register()
    taken = first.person.temp_number
    issued = iter([taken, taken.replace("-0001", "-0002")])
    monkeypatch.setattr(services, "_next_temp_number", lambda **kw: next(issued))
    second = register()
    assert second.person.temp_number.endswith("-0002")
    assert Person.objects.filter(temp_number__isnull=False).count() == 2
