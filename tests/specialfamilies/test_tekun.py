"""The tekun file: self-care from the six daily activities at intake, the willingness to live in an
institution, centralisation by county against the targets, insurance of the dispersed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as svc
from minzheng.assistance.models import Application
from minzheng.benefits.models import Enrolment
from minzheng.specialfamilies import selectors, services
from tests.assistance.test_flow import _through_notice
from tests.conftest import TOWN_A


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "recorder": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
    }


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_tekun_intake_records_the_six_daily_activities_and_the_level_follows_them(
    make_household: Any, staff: dict[str, Any]
) -> None:
    hh = make_household(size=1)
    pid = hh.memberships.get().person_id
    form = {
        "programme": "tekun",
        "member": [pid],
        f"disability_grade_{pid}": "1",
        f"self_care_{pid}": "full",  # the desk's old select says full self-care: the six items decide
        f"adl_{pid}": "1",
        **{f"adl_{a}_{pid}": "on" for a in ("eating", "dressing", "toileting", "bathing")},
        "care_mode": "dispersed",
        "financial": "0",
        "residential_properties": "1",
    }
    r = _client(staff["clerk"]).post(f"/assistance/new/{hh.pk}/", form)
    assert r.status_code == 302, r.content.decode()[:300]
    row = Application.objects.get().declared["members"][0]
    assert row["adl_unable"] == ["eating", "dressing", "toileting", "bathing"]
    assert row["self_care"] == "none"
    assert svc.application_assess(application=Application.objects.get()).extra["self_care"] == "none"


def test_the_intake_form_offers_the_six_daily_activities_for_each_member(
    make_household: Any, staff: dict[str, Any]
) -> None:
    hh = make_household(size=2)
    page = _client(staff["clerk"]).get(f"/assistance/new/{hh.pk}/").content.decode()
    assert page.count('name="adl_bed_transfer_') == 2 and "室内行走" in page


def _tekun(make_household: Any, staff: dict[str, Any], adl: list[str]) -> Any:
    """A tekun person granted through the desk, self-care from `adl`; returns the enrolment."""
    hh = make_household(size=1)
    head = hh.memberships.get().person
    app = svc.application_create(
        actor=staff["clerk"],
        programme="tekun",
        household=hh,
        applicant=head,
        declared={
            "members": [
                {"person_id": head.pk, "disability_grade": 1, "has_supporter": False, "adl_unable": adl}
            ],
            "assets": {"financial": 0, "vehicles": [], "residential_properties": 1},
        },
        care_mode="dispersed",
    )
    notice = _through_notice(app, staff)
    decision = svc.application_decide(
        actor=staff["approver"], application=app, outcome="grant", on=notice.end_date + dt.timedelta(days=1)
    )
    return Enrolment.objects.get(source_type="decision", source_id=str(decision.pk))


def test_centralisation_by_county_counts_the_willing_and_the_unable_and_lists_those_not_placed(
    make_household: Any, staff: dict[str, Any]
) -> None:
    unable = _tekun(make_household, staff, ["eating", "dressing", "bed_transfer", "toileting", "bathing"])
    able = _tekun(make_household, staff, [])
    on = unable.first_month
    services.tekun_willingness_record(
        actor=staff["clerk"], person=able.person, asked_on=min(on, timezone.localdate()), willing=True
    )
    rows, targets = selectors.tekun_targets(actor=staff["county"], on=on)
    assert [(r.code, r.willing, r.willing_placed, r.unable, r.unable_placed) for r in rows] == [
        ("370811", 1, 0, 1, 0)
    ]
    assert targets["willing"] is not None and targets["unable"] is not None
    waiting = selectors.tekun_not_placed(actor=staff["county"], on=on)
    assert {e.person_id for e in waiting} == {unable.person_id, able.person_id}
    # the person changes their mind: the latest record counts
    services.tekun_willingness_record(
        actor=staff["clerk"], person=able.person, asked_on=min(on, timezone.localdate()), willing=False
    )
    assert {e.person_id for e in selectors.tekun_not_placed(actor=staff["county"], on=on)} == {
        unable.person_id
    }


def test_insurance_is_recorded_per_person_and_year_and_the_uninsured_are_listed(
    make_household: Any, staff: dict[str, Any]
) -> None:
    a = _tekun(make_household, staff, [])
    b = _tekun(make_household, staff, [])
    on = a.first_month
    services.tekun_insurance_record(
        actor=staff["clerk"],
        person=a.person,
        year=on.year,
        insurer="人保财险",
        policy_no="PICC-001",
        premium=Decimal("120"),
    )
    with pytest.raises(ValidationError, match="已登记"):
        services.tekun_insurance_record(
            actor=staff["clerk"],
            person=a.person,
            year=on.year,
            insurer="人保",
            policy_no="X",
            premium=Decimal("1"),
        )
    uninsured = selectors.tekun_uninsured(actor=staff["county"], on=on, year=on.year)
    assert [e.person_id for e in uninsured] == [b.person_id]


def test_willingness_is_refused_for_a_person_not_in_tekun_support(
    make_household: Any, staff: dict[str, Any]
) -> None:
    person = make_household(size=1).memberships.get().person
    with pytest.raises(ValidationError, match="不是在保特困供养人员"):
        services.tekun_willingness_record(
            actor=staff["clerk"], person=person, asked_on=timezone.localdate(), willing=True
        )


def test_the_tekun_pages_record_willingness_and_show_the_rates(
    make_household: Any, staff: dict[str, Any]
) -> None:
    e = _tekun(make_household, staff, [])
    c = _client(staff["clerk"])
    r = c.post(
        f"/specialfamilies/tekun/person/{e.person_id}/",
        {"what": "willingness", "asked_on": timezone.localdate().isoformat(), "willing": "maybe"},
    )
    assert r.status_code == 200 and "请选择是否愿意集中供养" in r.content.decode()
    r = c.post(
        f"/specialfamilies/tekun/person/{e.person_id}/",
        {"what": "insurance", "year": "abc", "insurer": "人保", "policy_no": "1", "premium": "10"},
    )
    assert "保险年度应为整数" in r.content.decode()
    page = _client(staff["county"]).get("/specialfamilies/tekun/").content.decode()
    assert "sf-tekun-rates" in page


def test_the_centralisation_targets_read_as_percentages(make_household: Any, staff: dict[str, Any]) -> None:
    _tekun(make_household, staff, [])
    page = _client(staff["county"]).get("/specialfamilies/tekun/").content.decode()
    target = page.split("目标：", 1)[1].split("</p>", 1)[0]
    assert "（比例）" not in target and "0.6" not in target, target
    assert "%" in target or "—" in target, target


def test_the_centralisation_page_lists_a_tekun_granted_this_month_whose_first_paid_month_is_next(
    make_household: Any, staff: dict[str, Any]
) -> None:
    e = _tekun(make_household, staff, ["eating", "dressing", "bed_transfer", "toileting", "bathing"])
    assert e.first_month > timezone.localdate()  # paid from the month after approval
    page = _client(staff["county"]).get("/specialfamilies/tekun/").content.decode()
    rates = page.split('id="sf-tekun-rates"', 1)[1].split("</table>", 1)[0]
    assert "?county=370811" in rates and "无" not in rates, rates
    listed = page.split('id="sf-tekun-list"', 1)[1].split("</table>", 1)[0]
    assert e.person.name in listed and "全护理" in listed, listed


def test_tekun_taken_over_from_the_stock_roll_count_towards_the_targets(
    make_household: Any, staff: dict[str, Any]
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.benefits.services import enrolment_create

    person = make_household(size=1).memberships.get().person
    month = timezone.localdate().replace(day=1)
    enrolment_create(
        actor=system_actor(purpose="测试数据"),
        programme="tekun",
        person=person,
        household=person.memberships.get().household,
        amount=900,
        first_month=month.replace(year=month.year - 1),
        source_type="import",
    )
    services.tekun_willingness_record(
        actor=staff["clerk"], person=person, asked_on=timezone.localdate(), willing=True
    )
    rows, _targets = selectors.tekun_targets(actor=staff["county"], on=timezone.localdate())
    assert [(r.code, r.willing, r.willing_placed) for r in rows] == [("370811", 1, 0)]
    page = _client(staff["county"]).get("/specialfamilies/tekun/").content.decode()
    assert person.name in page.split('id="sf-tekun-list"', 1)[1]
