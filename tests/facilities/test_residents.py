import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.audit.models import AuditLog
from minzheng.elderly.models import ElderProfile
from minzheng.facilities.models import Facility, Residency
from minzheng.facilities.selectors import fee_shares, residency_actions
from minzheng.facilities.services import (
    care_record_add,
    outing_decide,
    outing_request,
    outing_return,
    residency_admit,
    residency_discharge,
)
from tests.conftest import VILLAGE_A


def test_admission_without_a_recorded_assessment_is_refused_until_one_is_recorded(
    officer: Any, home: Facility, make_person: Callable[..., Any], assessed: Callable[..., Any]
) -> None:
    person = make_person(village=VILLAGE_A, birth=dt.date(1938, 1, 1))
    with pytest.raises(ValidationError, match="尚无已记录的老年人能力评估"):
        residency_admit(
            actor=officer,
            facility=home,
            person=person,
            identity="tekun",
            monthly_fee=1500,
            admitted_on=dt.date(2025, 1, 1),
        )
    assert not Residency.objects.exists()
    assessed(person, 2)
    r = residency_admit(
        actor=officer,
        facility=home,
        person=person,
        identity="tekun",
        monthly_fee=1500,
        admitted_on=dt.date(2025, 1, 1),
    )
    assert r.care_level == 2


def test_admission_never_writes_a_level_and_ignores_one_typed_on_the_profile(
    officer: Any, home: Facility, make_person: Callable[..., Any], assessed: Callable[..., Any]
) -> None:
    """The demo's 完全失能 profile beside a 轻度失能 assessment: graded care follows the assessment."""
    person = make_person(village=VILLAGE_A, birth=dt.date(1938, 1, 1))
    a = assessed(person, 1)
    ElderProfile.objects.filter(person=person).update(capability_level=4)
    with pytest.raises(TypeError):
        residency_admit(  # type: ignore[call-arg]
            actor=officer,
            facility=home,
            person=person,
            identity="other",
            monthly_fee=3000,
            admitted_on=dt.date(2025, 1, 1),
            capability_level=4,
        )
    r = residency_admit(
        actor=officer,
        facility=home,
        person=person,
        identity="other",
        monthly_fee=3000,
        admitted_on=dt.date(2025, 1, 1),
    )
    assert r.get_care_level_display() == "轻度失能"
    profile = ElderProfile.objects.get(person=person)
    assert (profile.capability_level, profile.capability_assessed_on) == (4, a.assessed_on)  # untouched


def test_a_person_cannot_be_admitted_twice(admit: Callable[..., Residency]) -> None:
    r = admit()
    with pytest.raises(ValidationError, match="已在院"):
        admit(person=r.person)


def test_fee_shares_split_each_residents_fee_by_the_care_share_policy(
    officer: Any, home: Facility, admit: Callable[..., Residency], make_person: Callable[..., Any]
) -> None:
    admit(identity="tekun", fee=2000)
    other = make_person(village=VILLAGE_A, birth=dt.date(1941, 1, 1), name="李奶奶")
    admit(identity="other", fee=3000, level=0, person=other)
    rows = {
        r.residency.person.name: (r.government, r.self_pay)
        for r in fee_shares(actor=officer, facility=home, month=dt.date(2025, 3, 1))
    }
    assert rows["王大爷"] == (2000, 0)  # tekun: the government pays all
    assert rows["李奶奶"] == (0, 3000)  # below the starting level: the elder pays


def test_a_carer_records_care_and_reading_the_records_is_audited(
    client: Any, carer: Any, admit: Callable[..., Residency]
) -> None:
    r = admit()
    care_record_add(actor=carer, residency=r, kind="medication", content="降压药一片，早饭后")
    client.force_login(carer)
    before = AuditLog.objects.filter(event_type="reveal", target_type="facilities.care_records").count()
    page = client.get(f"/facilities/resident/{r.pk}/?show=records").content.decode()
    assert "降压药一片" in page
    assert (
        AuditLog.objects.filter(event_type="reveal", target_type="facilities.care_records").count()
        == before + 1
    )
    assert "降压药一片" not in client.get(f"/facilities/resident/{r.pk}/").content.decode()


def test_an_outing_is_requested_approved_by_someone_else_and_returned(
    carer: Any, make_user: Callable[..., Any], admit: Callable[..., Residency]
) -> None:
    r = admit()
    o = outing_request(
        actor=carer,
        residency=r,
        reason="回家过节",
        leave_on=dt.date(2025, 2, 1),
        return_by=dt.date(2025, 2, 3),
    )
    with pytest.raises(ValidationError, match="申请人以外"):
        outing_decide(actor=carer, outing=o, approve=True)
    assert residency_actions(actor=carer, residency=r).outing_decide == []
    other = make_user("carer", r.region_code[:9])
    assert residency_actions(actor=other, residency=r).outing_decide == [o]
    outing_decide(actor=other, outing=o, approve=True)
    o = outing_return(actor=carer, outing=o, on=dt.date(2025, 2, 3))
    assert o.get_state_display() == "已返院"


def test_discharge_ends_the_stay_and_closes_the_care_record(
    officer: Any, carer: Any, admit: Callable[..., Residency]
) -> None:
    r = admit()
    residency_discharge(actor=officer, residency=r, on=dt.date(2025, 6, 1), reason="家属接回")
    r.refresh_from_db()
    with pytest.raises(ValidationError, match="已出院"):
        care_record_add(actor=carer, residency=r, kind="daily", content="x")


def test_the_resident_page_works_for_a_carer_at_phone_width_markup(
    client: Any, carer: Any, admit: Callable[..., Residency]
) -> None:
    r = admit()
    client.force_login(carer)
    page = client.get(f"/facilities/resident/{r.pk}/").content.decode()
    assert 'id="record-form"' in page and 'id="outing-form"' in page and "办理出院" not in page


def test_the_facility_page_lists_the_fee_shares_of_the_month_asked_for(
    client: Any, officer: Any, home: Facility, admit: Callable[..., Residency]
) -> None:
    admit(fee=2000)  # admitted 2025-01-10
    client.force_login(officer)
    assert (
        "王大爷" in client.get(f"/facilities/{home.pk}/?month=2025-02").content.decode().split('id="fees"')[1]
    )
    assert (
        "王大爷"
        not in client.get(f"/facilities/{home.pk}/?month=2024-12").content.decode().split('id="fees"')[1]
    )
    assert client.get(f"/facilities/{home.pk}/?month=garbage").status_code == 200


def test_a_child_cannot_be_admitted_to_a_care_home(
    officer: Any, home: Facility, make_person: Callable[..., Any]
) -> None:
    child = make_person(village=VILLAGE_A, birth=dt.date(2016, 4, 13))
    with pytest.raises(ValidationError, match="不能入住养老机构"):
        residency_admit(
            actor=officer,
            facility=home,
            person=child,
            identity="dibao",
            monthly_fee=1600,
            admitted_on=dt.date(2025, 1, 1),
        )
    assert not Residency.objects.filter(person=child).exists()
