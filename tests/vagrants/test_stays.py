"""Station intake on the case engine: identified by ID or registered as unidentified, in-station care,
outside care, exit; the in-station limit is a policy key and overdue stays are listed set-based."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.people.models import UnidentifiedRecord
from minzheng.vagrants import selectors, services
from minzheng.vagrants.models import LedgerEntry, Stay
from tests.conftest import VILLAGE_A


def _found(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on, dt.time(9, 0)))


def test_an_identified_person_is_taken_in_by_id_number_and_is_in_the_station(staff, station, make_person):
    person = make_person(village=VILLAGE_A, name="李四")
    today = timezone.localdate()
    stay = services.stay_intake(
        actor=staff["officer"],
        station=station,
        found_by="police",
        found_place="汽车站",
        found_at=_found(today),
        intake_on=today,
        id_number=person.id_number,
    )
    assert stay.state == "in_station"
    assert stay.subject == person
    assert not stay.repeat
    assert AuditLog.objects.filter(target_type="vagrant.stay", target_id=str(stay.pk)).exists()


def test_a_person_without_papers_gets_a_temporary_number_through_the_people_registry(unknown_intake):
    stay = unknown_intake()
    assert stay.person.temp_number.startswith("LS370811-")
    assert stay.subject is None
    record = UnidentifiedRecord.objects.get(person=stay.person)
    assert record.kind == "vagrant"
    assert record.estimated_age == 60


def test_bad_intake_input_names_each_field_and_saves_nothing(staff, station):
    with pytest.raises(ValidationError) as e:
        services.stay_intake(
            actor=staff["officer"],
            station=station,
            found_by="ufo",
            found_place="",
            found_at=None,
            intake_on=timezone.localdate() + dt.timedelta(days=3),
            id_number="110101199001011234",
        )
    assert set(e.value.message_dict) == {"found_by", "found_place", "found_at", "intake_on", "id_number"}
    assert Stay.objects.count() == 0


def test_a_village_assistant_cannot_take_anyone_in(staff, station, make_person):
    person = make_person()
    with pytest.raises(ValidationError):
        services.stay_intake(
            actor=staff["village"],
            station=station,
            found_by="public",
            found_place="桥下",
            found_at=_found(timezone.localdate()),
            intake_on=timezone.localdate(),
            id_number=person.id_number,
        )
    assert Stay.objects.count() == 0


def test_a_stay_past_the_in_station_limit_of_the_policy_is_overdue_and_one_inside_it_is_not(
    unknown_intake, staff
):
    from minzheng.policy.selectors import policy_resolve

    days = int(
        policy_resolve(on=timezone.localdate(), region_code="370811", hukou_type="").get("vagrant.stay_days")
    )
    late = unknown_intake(days_ago=days + 1)
    inside = unknown_intake(days_ago=days - 1, name="")
    overdue = list(selectors.overdue_stays(actor=staff["officer"]))
    assert late in overdue
    assert inside not in overdue
    assert list(selectors.overdue_stays(actor=staff["other"])) == []


def test_care_outside_placement_with_supervision_then_exit_run_through_the_workflow(unknown_intake, staff):
    stay = unknown_intake()
    officer = staff["officer"]
    today = timezone.localdate()
    services.care_record(actor=officer, stay=stay, kind="meal", on=today, note="早餐")
    placement = services.stay_place(actor=officer, stay=stay, provider="爱心托养中心", start_on=today)
    stay.refresh_from_db()
    assert stay.state == "outside"
    with pytest.raises(ValidationError):
        services.care_record(actor=officer, stay=stay, kind="meal", on=today)
    services.placement_visit(actor=officer, placement=placement, visited_on=today, note="生活照料良好")
    services.stay_exit(actor=officer, stay=stay, kind="facility", on=today, note="转介社会福利院")
    stay.refresh_from_db()
    placement.refresh_from_db()
    assert (stay.state, stay.exit_kind, placement.end_on) == ("exited", "facility", today)
    with pytest.raises(ValidationError):
        services.care_record(actor=officer, stay=stay, kind="meal", on=today)


def test_returning_home_is_refused_until_the_identity_is_confirmed(unknown_intake, staff):
    stay = unknown_intake()
    with pytest.raises(ValidationError, match="身份尚未确认"):
        services.stay_exit(actor=staff["officer"], stay=stay, kind="returned", on=timezone.localdate())
    stay.refresh_from_db()
    assert stay.state == "in_station"


def test_a_returned_person_goes_on_the_ledger_and_coming_in_again_is_a_repeat_wandering(
    staff, station, make_person
):
    person = make_person(village=VILLAGE_A, name="赵五")
    today = timezone.localdate()
    kw = dict(station=station, found_by="patrol", found_place="广场", found_at=_found(today), intake_on=today)
    first = services.stay_intake(actor=staff["officer"], id_number=person.id_number, **kw)
    services.stay_exit(actor=staff["officer"], stay=first, kind="escorted", on=today, note="护送回村")
    entry = LedgerEntry.objects.get(person=person)
    assert (entry.kind, entry.region_code, entry.stay) == ("returned", VILLAGE_A, first)
    again = services.stay_intake(actor=staff["officer"], id_number=person.id_number, **kw)
    assert again.repeat
    todo = selectors.alerts_todo(staff["officer"], today)
    assert todo.count == 1 and todo.items[0].note == "再次流浪"


def test_a_person_already_in_the_station_is_not_taken_in_a_second_time(staff, station, make_person):
    person = make_person(village=VILLAGE_A, name="李四")
    today = timezone.localdate()
    kw = dict(
        actor=staff["officer"],
        station=station,
        found_by="police",
        found_place="汽车站",
        found_at=_found(today),
        intake_on=today,
        id_number=person.id_number,
    )
    first = services.stay_intake(**kw)
    with pytest.raises(ValidationError, match=f"该人员已在站（受助记录#{first.pk}），不能重复入站"):
        services.stay_intake(**kw)
    assert Stay.objects.filter(subject=person).count() == 1
    services.stay_exit(actor=staff["officer"], stay=first, kind="left", on=today)
    again = services.stay_intake(**kw)  # out of the station: a new stay is a new intake
    assert again.pk != first.pk


def test_the_stay_page_and_the_overdue_list_read_one_deadline_from_the_intake_day(
    unknown_intake, staff, client
):
    from minzheng.policy.selectors import policy_resolve

    today = timezone.localdate()
    days = int(policy_resolve(on=today, region_code="370811", hukou_type="").get("vagrant.stay_days"))
    late = unknown_intake(days_ago=days + 2)  # typed in today, taken in days + 2 ago
    assert late in selectors.overdue_stays(actor=staff["officer"])
    due = late.intake_on + dt.timedelta(days=days)
    client.force_login(staff["officer"])
    html = client.get(f"/vagrants/stay/{late.pk}/").content.decode()
    assert f"已超过站内救助期限（应于{due:%Y年%m月%d日}前办结）" in html
    assert selectors.stay_deadline(stay=late) == f"已超过站内救助期限（应于{due:%Y年%m月%d日}前办结）"


OUTSIDER = "340104197503020259"  # 安徽省合肥市蜀山区, valid check digit, not in the city's registry


def _outsider_intake(staff, station, id_number=OUTSIDER, **given):
    today = timezone.localdate()
    return services.stay_intake(
        actor=staff["officer"],
        station=station,
        found_by="police",
        found_place="高铁站",
        found_at=_found(today),
        intake_on=today,
        id_number=id_number,
        outsider={"name": "张外地", "hukou_type": "rural", "region_code": VILLAGE_A, **given},
    )


def test_a_person_with_a_valid_id_of_another_city_is_taken_in_as_identified_and_returned_home_there(
    staff, station
):
    from django.test import Client
    from django.urls import reverse

    from minzheng.vagrants.models import LedgerEntry

    stay = _outsider_intake(staff, station)
    person = stay.person
    assert stay.subject == person and person.is_identified and person.temp_number is None
    assert person.id_number_enc and OUTSIDER not in person.id_number_enc  # kept encrypted
    assert person.hukou_code == "340104" and person.hukou_region is None
    c = Client()
    c.force_login(staff["officer"])
    page = c.get(reverse("vagrants-stay", args=[stay.pk])).content.decode()
    assert "安徽省合肥市蜀山区" in page and OUTSIDER not in page and person.id_masked in page
    assert "发起寻亲" not in page  # no tracing needed
    stay = services.stay_exit(actor=staff["officer"], stay=stay, kind="returned", on=timezone.localdate())
    assert stay.exit_kind == "returned" and "返回户籍地安徽省合肥市蜀山区" in stay.exit_note
    assert not LedgerEntry.objects.filter(person=person).exists()  # the city's 244 ledger is its own


def test_an_id_of_another_city_with_a_bad_check_digit_is_still_refused_and_nothing_is_saved(staff, station):
    with pytest.raises(ValidationError) as e:
        _outsider_intake(staff, station, id_number=OUTSIDER[:-1] + "1")
    assert "校验" in " ".join(e.value.message_dict["id_number"])
    assert Stay.objects.count() == 0


def test_a_person_of_another_city_needs_a_name_and_hukou_type_and_nothing_is_saved_without(staff, station):
    from minzheng.people.models import Person

    before = Person.objects.count()
    with pytest.raises(ValidationError) as e:
        _outsider_intake(staff, station, name="", hukou_type="")
    assert {"outsider_name", "outsider_hukou_type"} <= set(e.value.message_dict)
    assert Stay.objects.count() == 0 and Person.objects.count() == before
