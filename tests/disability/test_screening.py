"""The dynamic adjustment of the two subsidies from a screening run over the synthetic city: a death in
the snapshot stops the subsidy automatically (audited) and the next payroll leaves it out; a tekun
enrolment stops both; a beneficiary whose household left dibao is an alert for an officer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import enrolment_create, payroll_generate
from minzheng.core import crypto
from minzheng.monitoring import services as mon
from minzheng.monitoring.models import Alert
from minzheng.people.models import Person

MONTH = "2025-07"
JAN = dt.date(2025, 1, 1)


def _person(id_number: str) -> Person:
    return Person.objects.get(id_hash=crypto.blind_index(id_number))


def _enrol(code: str, person: Person) -> Enrolment:
    return enrolment_create(
        actor=None, programme=code, person=person, household=None, amount=80, first_month=JAN
    )


def test_a_death_in_the_snapshot_stops_the_subsidy_and_the_next_payroll_leaves_it_out(
    city, city_files, make_user
):
    deaths = pq.read_table(city_files / MONTH / "deaths.parquet").to_pylist()
    dead = next(
        d
        for d in deaths
        if dt.date(2025, 2, 1) <= d["death_date"] <= dt.date(2025, 7, 31) and _exists(d["id_number"])
    )
    person = _person(dead["id_number"])
    enrolment = _enrol("dis_care", person)
    run = mon.screening_run(actor=city, month=MONTH)
    assert Alert.objects.filter(run=run, rule="died_dis_care", person=person, work_status="closed").exists()
    enrolment.refresh_from_db()
    assert enrolment.last_month == dead["death_date"].replace(day=1) and enrolment.end_reason == "死亡停发"
    assert AuditLog.objects.filter(target_type="enrolment.dis_care", target_id=str(enrolment.pk)).count() >= 2
    assert run.summary["automatic"]["died_dis_care"] >= 1
    county = person.region_code[:6]
    officer = make_user("county_officer", county)
    after = dt.date(2025, 8, 1) if dead["death_date"].month == 7 else dt.date(2025, 7, 1)
    pay = payroll_generate(actor=officer, county_code=county, month=after)
    assert not pay.lines.filter(enrolment=enrolment).exists()


def _exists(id_number: str) -> bool:
    return Person.objects.filter(id_hash=crypto.blind_index(id_number)).exists()


def test_tekun_stops_both_subsidies_and_leaving_dibao_is_an_alert(city, city_files: Path):
    rows = pq.read_table(city_files / "enrolments.parquet").to_pylist()
    dead = set(pq.read_table(city_files / MONTH / "deaths.parquet")["id_number"].to_pylist())
    tekun = next(r["id_number"] for r in rows if r["programme"] == "tekun" and r["id_number"] not in dead)
    in_dibao = {r["id_number"] for r in rows if r["programme"] in ("dibao", "tekun")}
    persons = pq.read_table(city_files / MONTH / "persons.parquet").to_pylist()
    plain = next(p["id_number"] for p in persons if p["id_number"] not in in_dibao | dead)
    t = _person(tekun)
    both = [_enrol("dis_living", t), _enrol("dis_care", t)]
    no_dibao = _enrol("dis_living", _person(plain))
    run = mon.screening_run(actor=city, month=MONTH)
    for e in both:
        e.refresh_from_db()
        assert e.last_month == dt.date(2025, 6, 1) and "特困" in e.end_reason
    alert = Alert.objects.get(run=run, rule="dis_left_dibao", person=no_dibao.person)
    assert alert.work_status != "closed" and "低保" in alert.evidence["说明"]
    no_dibao.refresh_from_db()
    assert no_dibao.last_month is None  # not unambiguous: left for an officer
