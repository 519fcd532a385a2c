"""高龄津贴 from a screening run: the grant in the month of the 80th birthday (到龄即享) and the tier
change at 90 happen through the action the elderly line registered, onto the payroll, audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import enrolment_create, payroll_generate
from minzheng.monitoring import services as mon
from minzheng.monitoring.models import Alert, RunStatus
from minzheng.programmes.registry import programme

MONTH = "2025-07"


def _age_ins(city_files: Path) -> set[str]:
    """Oracle: persons born in July 1945 (turning 80 in 2025-07), alive, not already in high_age."""
    persons = pq.read_table(city_files / MONTH / "persons.parquet").to_pylist()
    dead = set(pq.read_table(city_files / MONTH / "deaths.parquet")["id_number"].to_pylist())
    enrolled = {
        r["id_number"]
        for r in pq.read_table(city_files / "enrolments.parquet").to_pylist()
        if r["programme"] == "high_age"
    }
    return {
        p["id_number"]
        for p in persons
        if p["birth_date"].year == 1945
        and p["birth_date"].month == 7
        and p["id_number"] not in dead
        and p["id_number"] not in enrolled
    }


def test_a_month_is_screened_published_and_age_ins_are_granted_onto_the_payroll(city, city_files, make_user):
    run = mon.screening_run(actor=city, month=MONTH)
    assert run.status == RunStatus.PUBLISHED and run.progress == 1.0
    assert Alert.objects.filter(run=run).count() == run.summary["alerts"] > 0
    assert run.summary["facts"] == "prepared"  # the import prepared the month's facts
    client = Client()
    client.force_login(city)
    runs_page = client.get(reverse("screening-runs"), headers={"HX-Request": "true"}).content.decode()
    assert "导入时预计算" in runs_page and "秒" in runs_page
    expected = _age_ins(city_files)
    granted = Enrolment.objects.filter(programme="high_age", source_type="screening")
    assert {e.person.id_number for e in granted} == expected
    assert all(e.monthly_amount == 50 and f"{e.first_month:%Y-%m}" == MONTH for e in granted)
    assert AuditLog.objects.filter(target_type="enrolment.high_age").count() == len(expected)
    if expected:
        county = next(iter(granted)).region_code[:6]
        officer = make_user("county_officer", county)
        run_pay = payroll_generate(actor=officer, county_code=county, month=next(iter(granted)).first_month)
        assert run_pay.lines.filter(enrolment__in=granted).exists()


def test_a_beneficiary_turning_90_moves_to_the_next_tier_through_the_registered_action(make_person):
    """The generated city has nobody turning 90 this month, so the registered action is given the alert
    the high_age_tier rule raises (person, household, evidence)."""
    person = make_person(birth=dt.date(1935, 7, 10), name="李老")
    before = enrolment_create(
        actor=None,
        programme="high_age",
        person=person,
        household=None,
        amount=50,
        first_month=dt.date(2020, 1, 1),
        tier="80–89岁",
    )
    action = next(a for a in programme("high_age").automatic if a.rule == "high_age_tier")
    alert = SimpleNamespace(person=person, household=None, evidence={"年龄": 90})
    assert action.run(actor=None, alert=alert, month=dt.date(2025, 7, 1), source_id=7) == 1
    before.refresh_from_db()
    assert before.last_month == dt.date(2025, 6, 1) and before.end_reason == "高龄津贴调档"
    after = Enrolment.objects.get(person=person, programme="high_age", first_month=dt.date(2025, 7, 1))
    assert after.monthly_amount == 100 and after.tier == "90–99岁" and after.source_id == "7"
    # the same alert again (a persisting one): nothing left to change, left for an officer
    assert action.run(actor=None, alert=alert, month=dt.date(2025, 7, 1), source_id=8) is None
    assert Enrolment.objects.filter(person=person, programme="high_age").count() == 2


def test_the_roster_lists_the_actors_own_beneficiaries_in_few_queries(
    make_person, make_user, django_assert_max_num_queries
):
    from tests.conftest import VILLAGE_A, VILLAGE_B

    month = timezone.localdate().replace(day=1)
    for village in (VILLAGE_A, VILLAGE_A, VILLAGE_B):
        person = make_person(village=village, birth=dt.date(1940, 1, 1), name="王老")
        enrolment_create(
            actor=None, programme="high_age", person=person, household=None, amount=50, first_month=month
        )
    c = Client()
    c.force_login(make_user("township_clerk", VILLAGE_A[:9]))
    with django_assert_max_num_queries(12):
        page = c.get(reverse("elderly-roster")).content.decode()
    assert page.count("王老") == 2
    c.force_login(make_user("county_finance", "370811"))
    assert c.get(reverse("elderly-roster")).status_code == 403
